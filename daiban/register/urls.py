from django.urls import path

from daiban.register import views

app_name = "register"
urlpatterns = [
    path("register/", views.register, name="list"),
    path("register/export.xlsx", views.export, name="export"),
]
