from django.urls import path

from daiban.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
]
