from django.urls import path

from daiban.offline import views

app_name = "offline"
urlpatterns = [
    path("offline/", views.shell, name="shell"),
    path("offline/snapshot.json", views.snapshot, name="snapshot"),
    path("offline/manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
