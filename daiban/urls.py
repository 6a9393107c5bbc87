from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from daiban.cases import urls as case_pages
from daiban.core.health import healthz
from daiban.documents import urls as case_papers
from daiban.offline.views import LogoutView
from daiban.people import second_factor

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    # Logging out also wipes the offline copy on the phone (Clear-Site-Data, issue 21).
    path("logout/", LogoutView.as_view(), name="logout"),
    path("otp/", second_factor.verify, name="otp"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("daiban.api.urls")),
    path("open311/v2/", include("daiban.open311.urls")),
    path("", include("daiban.offline.urls")),
    path("hotline/", include("daiban.open311.staff_urls")),
    path("residents/", include("daiban.people.urls")),
    path("staff/", include("daiban.people.staff_urls")),
    path("", include("daiban.rollout.urls")),
    path("", include("daiban.supervision.urls")),
    path("", include("daiban.figures.urls")),
    path("", include("daiban.evaluation.urls")),
    path("", include("daiban.register.urls")),
    path("", include("daiban.portal.urls")),
    # The case pages and their printed papers, one "cases:" namespace.
    path("", include((case_pages.urlpatterns + case_papers.urlpatterns, "cases"))),
]
