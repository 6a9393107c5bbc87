"""Finding and registering residents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from daiban.audit import trail
from daiban.core.errors import CaseError
from daiban.core.inputs import safe_next
from daiban.people import crypto, lockout
from daiban.people.forms import ResidentForm, SuccessionForm
from daiban.people.idnumber import parse_id_number
from daiban.people.models import AGENT_ROLES, Role, Succession, User
from daiban.people.phone import parse_phone
from daiban.people.selectors import (
    is_number,
    likely_duplicates,
    search_residents,
    visible_residents,
)
from daiban.people.services import register_resident
from daiban.places.models import Village

SEARCH_LIMIT = 30


def _next(request):
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), None)


def _villages(user):
    if user.village_id:
        return Village.objects.filter(pk=user.village_id)
    township_id = user.covered_township_id
    if township_id:
        return Village.objects.filter(township_id=township_id)
    if user.county_id:
        return Village.objects.filter(township__county_id=user.county_id)
    return Village.objects.all()


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    """Search by name or pinyin initials, phone or ID number. The form posts (with its
    CSRF token) so a number is never in the URL, and so never in the access logs of
    the proxy or the server; a link with a name (?q=胡建荣) still works, one with a
    number is not searched."""
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("q", "").strip()
    refused = request.method == "GET" and is_number(text)
    if refused:
        messages.warning(
            request, _("Type a phone or ID number in the search box; it is not taken from links.")
        )
        text = ""
    found = search_residents(visible_residents(request.user), text).select_related(
        "village", "hamlet"
    )
    return render(
        request,
        "people/search.html",
        {
            "q": "" if is_number(text) else text,
            "searched": bool(text),
            "found": found[:SEARCH_LIMIT],
            "next": _next(request) or "",
        },
    )


def _duplicates(form):
    data = form.cleaned_data
    try:
        phone_hash = crypto.keyed_hash("phone", parse_phone(data["phone"]))
    except ValidationError:
        phone_hash = None
    return list(
        likely_duplicates(data["village"].pk, data["name"], phone_hash).select_related("village")
    )


@login_required
def register(request):
    villages = _villages(request.user)
    form = ResidentForm(request.POST or None, villages=villages)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = _duplicates(form)
        if duplicates and not data["same_person_checked"]:
            messages.warning(
                request,
                _("A resident with this name is already registered here. Is it the same person?"),
            )
        else:
            try:
                resident = register_resident(
                    actor=request.user,
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    village=data["village"],
                    hamlet=data["hamlet"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                for warning in parse_id_number(data["id_number"]).warnings:
                    messages.warning(request, warning)
                messages.success(request, _("%(name)s registered.") % {"name": resident.name})
                target = _next(request)
                if target:
                    joiner = "&" if "?" in target else "?"
                    return redirect(f"{target}{joiner}resident={resident.pk}")
                return redirect(f"/residents/?q={resident.name}")
    return render(
        request,
        "people/register.html",
        {"form": form, "duplicates": duplicates, "next": _next(request) or ""},
    )


@login_required
def reveal(request, pk):
    """POST a reason, get the full number once; every attempt is in the audit trail."""
    from daiban.people.models import Resident
    from daiban.people.services import reveal as reveal_value

    # Found whoever asks, so that a refused reveal is in the audit trail; `reveal` decides.
    resident = (
        Resident.objects.unrestricted().select_related("village__township").filter(pk=pk).first()
    )
    if resident is None or request.method != "POST":
        raise Http404
    field = request.POST.get("field", "")
    try:
        value = reveal_value(
            resident, actor=request.user, field=field, reason=request.POST.get("reason", "")
        )
    except PermissionError:
        raise Http404 from None
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            messages.error(request, errors[0])
        return redirect(safe_next(request, request.POST.get("back")))
    response = render(
        request,
        "people/revealed.html",
        {
            "resident": resident,
            "field": field,
            "value": value,
            "back": request.POST.get("back", "/"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# ─── Staff of the township: log-in locks ─────────────────────────────────────
# A center director can unlock the agents and clerks of the own township; anyone else,
# or anyone outside it, gets 404.
UNLOCKABLE_ROLES = [
    Role.VILLAGE_AGENT,
    Role.PETITION_AGENT,
    Role.TOWNSHIP_AGENT,
    Role.DEPARTMENT_CLERK,
]


def _township_staff(user):
    if user.role != Role.CENTER_DIRECTOR or not user.township_id:
        return User.objects.none()
    return User.objects.filter(role__in=UNLOCKABLE_ROLES, is_active=True).filter(
        Q(village__township_id=user.township_id) | Q(department__township_id=user.township_id)
    )


@login_required
def staff(request):
    people = list(
        _township_staff(request.user)
        .select_related("village", "department", "post")
        .order_by("role", "village__code", "department__name", "username")
    )
    if request.user.role != Role.CENTER_DIRECTOR:
        raise Http404
    locked = lockout.locked_usernames([p.username for p in people])
    return render(
        request,
        "people/staff.html",
        {
            "rows": [(person, person.username in locked) for person in people],
            "agent_roles": AGENT_ROLES,
        },
    )


@login_required
@require_POST
def unlock(request, pk):
    person = get_object_or_404(_township_staff(request.user), pk=pk)
    with transaction.atomic():
        cleared = lockout.unlock(person.username)
        trail.record(
            "login.unlock",
            user=request.user,
            obj=person,
            detail={"username": person.username, "records": cleared},
        )
    messages.success(
        request, _("%(name)s can log in again.") % {"name": person.display_name or person.username}
    )
    return redirect("staff:list")


@login_required
@require_http_methods(["GET", "POST"])
def hand_on(request, pk):
    """The director hands an agent's files on: to a successor, or to a stand-in for a
    period. The page says what will move before anything does (people/succession.py)."""
    from daiban.people import succession

    person = get_object_or_404(_township_staff(request.user).filter(role__in=AGENT_ROLES), pk=pk)
    form = SuccessionForm(
        request.POST or None, candidates=succession.candidates(person).order_by("username")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == Succession.Kind.SUCCESSION:
                succession.succeed(
                    actor=request.user,
                    agent=person,
                    successor=data["successor"],
                    reason=data["reason"],
                )
                done = _("%(agent)s has left the post; %(successor)s holds the files now.")
            else:
                succession.stand_in(
                    actor=request.user,
                    agent=person,
                    stand_in=data["successor"],
                    until=data["until"],
                    reason=data["reason"],
                )
                done = _("%(successor)s stands in for %(agent)s; the files come back at the end.")
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done % {"agent": person, "successor": data["successor"]})
            return redirect("staff:list")
    return render(
        request,
        "people/hand_on.html",
        {"person": person, "form": form, "counts": succession.preview(person)},
    )


@login_required
@require_POST
def back(request, pk):
    """The agent is back before the period ends: the stand-in's files return now."""
    from daiban.people import succession

    person = get_object_or_404(_township_staff(request.user).filter(role__in=AGENT_ROLES), pk=pk)
    away = get_object_or_404(
        Succession.objects.filter(
            kind=Succession.Kind.STAND_IN, from_user=person, returned_at__isnull=True
        )
    )
    succession.end_stand_in(away)
    messages.success(
        request, _("%(agent)s is back; the files are with them again.") % {"agent": person}
    )
    return redirect("staff:list")
