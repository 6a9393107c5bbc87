from django.urls import path, register_converter

from daiban.open311 import views


class Format:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Format, "fmt")

urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery),
    path("services.<fmt:fmt>", views.service_list),
    path("services/<str:code>.<fmt:fmt>", views.service_definition),
    path("requests.<fmt:fmt>", views.requests),
    path("requests/<str:request_id>.<fmt:fmt>", views.request_detail),
    path("tokens/<str:token>.<fmt:fmt>", views.token),
]
