"""跟踪监督: warnings and overdue alerts, supervision up the chain, extensions,
complaints, rating invitations, rectifications and appeals."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.cases.models import Case, Hop, Rating
from daiban.core.access import RestrictedManager
from daiban.people.models import User


class Alert(models.Model):
    """A warning or an overdue notice, fired once per deadline of a case or of a hop."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("warning")
        OVERDUE = "overdue", _("overdue")

    case = models.ForeignKey(Case, models.PROTECT, related_name="alerts")
    hop = models.ForeignKey(Hop, models.PROTECT, null=True, blank=True, related_name="alerts")
    target = models.CharField(max_length=20, help_text="case, or hop:<seq>")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("deadline"))
    fired_on = models.DateField(_("fired on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target", "kind", "due_date"], name="alert_once_per_deadline"
            )
        ]
        indexes = [models.Index(fields=["kind", "fired_on"])]


class Complaint(models.Model):
    class About(models.TextChoices):
        CASE = "case", _("how the case was handled")
        AGENT = "agent", _("the agent")

    case = models.ForeignKey(Case, models.PROTECT, related_name="complaints")
    # The reference the resident is given on the page and by text (TS20261127-00042).
    number = models.CharField(_("reference number"), max_length=20, unique=True, null=True)  # noqa: DJ001
    about = models.CharField(_("about"), max_length=10, choices=About.choices)
    text = models.TextField(_("complaint"))
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # The written answer the resident receives (the first one given up the chain).
    answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return self.number or f"#{self.pk}"


class Supervision(models.Model):
    """督办: someone must answer in writing by a date, or it climbs to the next level."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ANSWERED = "answered", _("answered")
        ESCALATED = "escalated", _("escalated")
        CLOSED = "closed", _("closed")

    case = models.ForeignKey(Case, models.PROTECT, related_name="supervisions")
    alert = models.ForeignKey(
        Alert, models.PROTECT, null=True, blank=True, related_name="supervisions"
    )
    complaint = models.ForeignKey(
        Complaint, models.PROTECT, null=True, blank=True, related_name="supervisions"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    role = models.CharField(_("answered by"), max_length=30)
    assignee = models.ForeignKey(User, models.PROTECT, related_name="supervisions")
    opened_on = models.DateField(_("opened on"))
    answer_due = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True)
    closed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["answer_due", "pk"]
        constraints = [
            # One open item per source and level: a sweep run twice opens nothing more.
            models.UniqueConstraint(
                fields=["alert", "level"], name="supervision_once_per_alert_level"
            ),
            models.UniqueConstraint(
                fields=["complaint", "level"], name="supervision_once_per_complaint_level"
            ),
        ]
        indexes = [models.Index(fields=["status", "answer_due"])]


class Extension(models.Model):
    """延期: more working days for a case, with a reason and an approver."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    case = models.ForeignKey(Case, models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")


class RatingInvitation(models.Model):
    case = models.OneToOneField(Case, models.PROTECT, related_name="rating_invitation")
    token = models.CharField(max_length=32, unique=True)
    sent_on = models.DateField(_("invited on"))
    reminded_on = models.DateField(_("reminded on"), null=True)


class Rectification(models.Model):
    """整改 after a bad rating or a complaint: closed only with a written result and the
    resident contacted again."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        SET_ASIDE = "set_aside", _("set aside on appeal")

    case = models.ForeignKey(Case, models.PROTECT, related_name="rectifications")
    rating = models.OneToOneField(
        Rating, models.PROTECT, null=True, blank=True, related_name="rectification"
    )
    complaint = models.OneToOneField(
        Complaint, models.PROTECT, null=True, blank=True, related_name="rectification"
    )
    owner = models.ForeignKey(User, models.PROTECT, related_name="rectifications")
    opened_on = models.DateField(_("opened on"))
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    result = models.TextField(_("what was done"), blank=True)
    recontacted = models.BooleanField(_("resident contacted again"), default=False)
    recontact_note = models.TextField(_("what the resident said"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["status", "due_date"]


class Appeal(models.Model):
    """申诉复核: the agent says a rating was mistaken; a reviewer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("under review")
        UPHELD = "upheld", _("rating stands")
        OVERTURNED = "overturned", _("rating set aside")

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="appeal")
    filed_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    reason = models.TextField(_("why the rating is mistaken"))
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True)
    decision = models.TextField(_("decision"), blank=True)

    objects = RestrictedManager()
