from django.urls import path

from daiban.portal import publicity_views, views

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
    path("news/", publicity_views.news, name="news"),
    path("news/<int:pk>/", publicity_views.notice, name="notice"),
    path("news/<int:pk>/poster.pdf", publicity_views.poster, name="notice_poster"),
    path("manage/notices/", publicity_views.manage, name="notices"),
    path("manage/notices/<int:pk>/", publicity_views.edit, name="notice_edit"),
    path("manage/notices/<int:pk>/publish/", publicity_views.publish, name="notice_publish"),
    path("display/", views.large_text, name="large_text"),
]
