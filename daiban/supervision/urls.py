from django.urls import path

from daiban.supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.board, name="board"),
    path("supervision/rectifications/", views.ledger, name="ledger"),
    path("supervision/<int:pk>/answer/", views.answer, name="answer"),
    path("supervision/<int:pk>/close/", views.close, name="close"),
    path("supervision/extensions/<int:pk>/", views.decide_extension, name="decide_extension"),
    path("supervision/appeals/<int:pk>/", views.decide_appeal, name="decide_appeal"),
    path(
        "supervision/rectifications/<int:pk>/close/",
        views.close_rectification,
        name="close_rectification",
    ),
    path("cases/<int:case_pk>/extension/", views.request_extension, name="request_extension"),
    path("cases/<int:case_pk>/appeal/", views.appeal, name="appeal"),
    path("cases/<int:case_pk>/rating/", views.record_rating, name="record_rating"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("track/complain/", views.complain, name="complain"),
    path(
        "cases/<int:case_pk>/complaints/<int:pk>.pdf",
        views.complaint_receipt,
        name="complaint_pdf",
    ),
]
