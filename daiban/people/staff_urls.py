from django.urls import path

from daiban.people import station_views, views

app_name = "staff"
urlpatterns = [
    path("", views.staff, name="list"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
    path("<int:pk>/succession/", views.hand_on, name="succession"),
    path("<int:pk>/back/", views.back, name="back"),
    path("stations/", station_views.station_list, name="stations"),
    path("stations/<int:pk>/", station_views.station_edit, name="station"),
]
