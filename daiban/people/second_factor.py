"""TOTP second factor (django-otp), required for county supervisors and administrators."""

import base64
import io

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.audit import trail
from daiban.core.inputs import safe_next
from daiban.people.models import Role

REQUIRED_FOR = {
    Role.COUNTY_SUPERVISOR,
    Role.PETITION_BUREAU,
    Role.COUNTY_ADMINISTRATOR,
    Role.ADMINISTRATOR,
}
OPEN_PATHS = ("/otp/", "/logout/", "/static/", "/i18n/", "/login/")


def needs_second_factor(user) -> bool:
    return user.is_authenticated and user.role in REQUIRED_FOR and not user.is_verified()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request.user) and not request.path.startswith(OPEN_PATHS):
            return redirect(f"/otp/?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code from the authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=5, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def verify(request):
    user = request.user
    target = safe_next(request, request.GET.get("next"))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            trail.record("second_factor", user=user, detail={"enrolled": enrolling})
            return redirect(target)
        trail.record("second_factor", user=user, outcome="failed")
        form.add_error(
            "code", _("That code is not right. Check the time on your phone and try again.")
        )
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "otp.html", context)
