"""A one-time password is used once: until the person has chosen their own, every page
leads to Django's password change."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.people.second_factor import needs_second_factor

OPEN_PATHS = ("/password/", "/logout/", "/static/", "/i18n/", "/login/", "/otp/")


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not needs_second_factor(user)
            and not request.path.startswith(OPEN_PATHS)
        ):
            return redirect("password_change")
        return self.get_response(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "rollout/password_change.html"
    success_url = reverse_lazy("cases:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        trail.record("password.change", user=user)
        from django.contrib import messages

        messages.success(self.request, _("Your new password is set."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_time"] = self.request.user.must_change_password
        return context
