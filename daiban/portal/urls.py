from django.urls import path

from daiban.portal import views

app_name = "portal"
urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/<str:code>/", views.guide_item, name="item"),
    path("agents/", views.agents, name="agents"),
    path("village/<str:code>/", views.village, name="village"),
    path("village/<str:code>/poster.pdf", views.poster, name="poster"),
    path("township/<str:code>/guide.pdf", views.booklet, name="booklet"),
    path("track/", views.track, name="track"),
    path("figures/", views.figures, name="figures"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("display/", views.large_text, name="large_text"),
]
