from django.urls import include, path

from daiban.rollout import views
from daiban.rollout.first_login import PasswordChangeView

rollout_patterns = [
    path("county/import/", views.upload, name="upload"),
    path("county/import/template.xlsx", views.template_file, name="template"),
    path("county/import/<uuid:token>/", views.preview, name="preview"),
    path("county/import/<uuid:token>/apply/", views.apply, name="apply"),
    path("county/import/<uuid:token>/done/", views.done, name="done"),
    path("county/import/<uuid:token>/credentials.xlsx", views.credentials_file, name="credentials"),
    path("county/<str:code>/launch/", views.launch, name="launch"),
]

urlpatterns = [
    # Un-namespaced: the name Django's own views and templates use.
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("", include((rollout_patterns, "rollout"))),
]
