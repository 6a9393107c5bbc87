from django.urls import path

from daiban.open311 import staff_views

app_name = "open311_staff"
urlpatterns = [
    path("<str:public_id>/", staff_views.detail, name="detail"),
    path("<str:public_id>/case/", staff_views.open_case, name="open_case"),
    path("<str:public_id>/answer/", staff_views.answer, name="answer"),
]
