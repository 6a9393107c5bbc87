"""宣传: the center director writes the township's notices, the county supervisor the
county's; once published they are on the public site, on the village pages they belong
to, and printable as a poster for the village notice board with the month's figures."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.people.models import Role, User
from daiban.places.models import Village

from .models import Notice

Status = Notice.Status


def may_write(user: User) -> bool:
    return user.is_authenticated and (
        (user.role == Role.CENTER_DIRECTOR and user.township_id is not None)
        or (user.role == Role.COUNTY_SUPERVISOR and user.county_id is not None)
    )


def writable(user: User):
    """The notices this person writes and publishes (their township's or their county's)."""
    notices = Notice.objects.select_related("township", "written_by", "published_by")
    if not may_write(user):
        return notices.none()
    if user.role == Role.CENTER_DIRECTOR:
        return notices.filter(township_id=user.township_id)
    return notices.filter(county_id=user.county_id, township__isnull=True)


def _clean(title: str, body: str, kind: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title or len(title) > 60:
        errors["title"] = [_("A title of up to 60 characters.")]
    if len(body) < 10 or len(body) > 3000:
        errors["body"] = [_("Between 10 and 3,000 characters.")]
    if kind not in Notice.Kind.values:
        errors["kind"] = [_("Choose an announcement or a story.")]
    if errors:
        raise Invalid(_("Check the notice."), errors)
    return title, body


def write(*, actor: User, kind: str, title: str, body: str) -> Notice:
    if not may_write(actor):
        raise Forbidden(_("The center director or the county supervisor writes notices."))
    title, body = _clean(title, body, kind)
    if actor.role == Role.CENTER_DIRECTOR:
        place = {"township_id": actor.township_id, "county_id": actor.township.county_id}
    else:
        place = {"county_id": actor.county_id}
    notice = Notice.objects.create(
        kind=kind, title=title, body=body, written_by=actor, written_at=timezone.now(), **place
    )
    trail.record("notice.write", user=actor, obj=notice)
    return notice


def edit(pk: int, *, actor: User, version: int, kind: str, title: str, body: str) -> Notice:
    notice = writable(actor).filter(pk=pk).first()
    if notice is None:
        raise Forbidden(_("The center director or the county supervisor writes notices."))
    if notice.status != Status.DRAFT:
        raise NotAllowed(_("A published notice is not changed."))
    title, body = _clean(title, body, kind)
    changed = Notice.objects.filter(pk=pk, status=Status.DRAFT, version=version).update(
        kind=kind, title=title, body=body, version=version + 1
    )
    if not changed:
        raise Conflict(_("Someone else changed the notice first. Reload it and try again."))
    trail.record("notice.edit", user=actor, obj=notice)
    return Notice.objects.get(pk=pk)


def publish(pk: int, *, actor: User) -> Notice:
    notice = writable(actor).filter(pk=pk).first()
    if notice is None:
        raise Forbidden(_("The center director or the county supervisor writes notices."))
    changed = Notice.objects.filter(pk=pk, status=Status.DRAFT).update(
        status=Status.PUBLISHED, published_by=actor, published_at=timezone.now()
    )
    if not changed:
        raise NotAllowed(_("This notice is already published."))
    trail.record("notice.publish", user=actor, obj=notice)
    return Notice.objects.get(pk=pk)


def public():
    return Notice.objects.filter(status=Status.PUBLISHED).select_related("township", "county")


def for_village(village: Village):
    """What a village's page shows: its township's notices and its county's."""
    return public().filter(
        Q(township_id=village.township_id)
        | Q(township__isnull=True, county_id=village.township.county_id)
    )
