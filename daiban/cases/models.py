"""Cases (代办件) and everything that happens to them.

Only `daiban.cases.lifecycle` writes these rows; everything else reads them.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daiban.catalog.models import ServiceItem, ServiceItemVersion
from daiban.core.access import RestrictedManager
from daiban.people.models import Resident, User
from daiban.places.models import Department, Township, Village


class State(models.TextChoices):
    PENDING = "pending", _("awaiting acceptance")
    AWAITING_MATERIALS = "awaiting_materials", _("awaiting materials")
    REFUSED = "refused", _("refused")
    IN_PROGRESS = "in_progress", _("in progress")
    RESULT_READY = "result_ready", _("result ready")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # Sent to another township's center, which has not yet accepted or returned it.
    TRANSFERRING = "transferring", _("being transferred to another township")


FINAL_STATES = (State.REFUSED, State.CLOSED, State.WITHDRAWN)
# Listed positively so work lists walk the (township, state) index instead of reading every
# finished case to leave it out.
OPEN_STATES = tuple(s for s in State.values if s not in FINAL_STATES)


class Outcome(models.TextChoices):
    GRANTED = "granted", _("granted")
    DENIED = "denied", _("denied")


class PetitionDecision(models.TextChoices):
    """信访: whether the petition is taken up for handling (《信访工作条例》)."""

    ACCEPTED = "accepted", _("accepted for handling")
    NOT_ACCEPTED = "not_accepted", _("not accepted")


class Inquiry(models.Model):
    """A question a villager asked the agent (问事); may become a case."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey(Village, models.PROTECT, related_name="inquiries")
    agent = models.ForeignKey(User, models.PROTECT, related_name="inquiries")
    resident = models.ForeignKey(
        Resident, models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    asker_name = models.CharField(_("asked by"), max_length=60, blank=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, null=True, blank=True, related_name="+")
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    asked_at = models.DateTimeField(_("asked at"))

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return self.question[:40]


class Case(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # NULL until acceptance: unique among accepted cases only.
    number = models.CharField(_("case number"), max_length=30, unique=True, null=True)  # noqa: DJ001
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, null=True)  # noqa: DJ001
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="cases")
    item_version = models.ForeignKey(
        ServiceItemVersion, models.PROTECT, null=True, related_name="+"
    )
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="cases")
    village = models.ForeignKey(Village, models.PROTECT, related_name="cases")
    township = models.ForeignKey(Township, models.PROTECT, related_name="cases")
    agent = models.ForeignKey(User, models.PROTECT, related_name="agent_cases")
    inquiry = models.OneToOneField(
        Inquiry, models.PROTECT, null=True, blank=True, related_name="case"
    )
    is_petition = models.BooleanField(_("petition"), default=False)
    created_at = models.DateTimeField(_("created at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True)
    due_date = models.DateField(_("promised date"), null=True)
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason for the result"), blank=True)
    outcome_document = models.CharField(_("document number"), max_length=60, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True)
    replied_at = models.DateTimeField(_("replied at"), null=True)
    reply_signed_by = models.CharField(_("signed for by"), max_length=60, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True)
    # A petition's own clock: decided (accepted or not, in writing) within 15 days of
    # receipt, then handled within 60 days of that decision (cases/petitions.py).
    petition_decision = models.CharField(
        _("petition decision"), max_length=15, choices=PetitionDecision.choices, blank=True
    )
    petition_decided_at = models.DateTimeField(_("petition decided at"), null=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["village", "state"]),
            models.Index(fields=["township", "state"]),
            models.Index(fields=["agent", "state"]),
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["township", "created_at"]),
            # The cases behind a dashboard figure: a township's, by when they were
            # accepted or decided (also walked newest first for the list's first page).
            models.Index(fields=["township", "accepted_at"]),
            models.Index(fields=["township", "decided_at"]),
            # The register across a county (a township's list walks the ones above):
            # newest or oldest opened, by promised date, by result, a page at a time.
            models.Index(fields=["created_at"], name="case_created_idx"),
            models.Index(fields=["due_date"], name="case_due_idx"),
            models.Index(fields=["decided_at"], name="case_decided_idx"),
            # A county's drill-down "accepted", newest first: without it PostgreSQL sorted
            # the 430,000 accepted in a year of a 2.1 M-case county (655 ms).
            models.Index(fields=["accepted_at"], name="case_accepted_idx"),
            # The running cases by promised date (overdue now, a county's oldest first):
            # walking every case's due date instead took 6.2 s at 2.1 M cases.
            models.Index(
                fields=["due_date"],
                condition=Q(state__in=["in_progress", "result_ready"]),
                name="case_running_due_idx",
            ),
            # The open cases by promised date (the county's and a township's most urgent
            # first): on SQLite at 2.1 M cases 5 s through case_due_idx, 1 ms here. Queries
            # name the states with __among (daiban.core.lookups) so SQLite can match it.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(state__in=list(OPEN_STATES)),
                name="case_open_due_idx",
            ),
            # Refused and withdrawn cases, newest first (their date is ended_at).
            models.Index(fields=["state", "ended_at"], name="case_state_ended_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class CaseCounter(models.Model):
    township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="one_counter_per_year")
        ]


class Event(models.Model):
    """One row per thing that happened to a case: who, when, from → to, why."""

    class Action(models.TextChoices):
        CREATED = "created", _("opened")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("supplement notice issued")
        RESUMED = "resumed", _("materials supplemented, clock resumed")
        HANDED_OVER = "handed_over", _("handed over")
        RECEIVED = "received", _("receipt confirmed")
        RECALLED = "recalled", _("hand-over recalled")
        RESULT_RECORDED = "result_recorded", _("result recorded")
        REPLIED = "replied", _("replied to the resident")
        CLOSED = "closed", _("closed after follow-up")
        WITHDRAWN = "withdrawn", _("withdrawn")
        PAPERS_RETURNED = "papers_returned", _("originals returned")
        AGENT_REASSIGNED = "agent_reassigned", _("handed on to another agent")
        TRANSFER_SENT = "transfer_sent", _("sent to another township")
        TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
        TRANSFER_RETURNED = "transfer_returned", _("transfer returned")
        PETITION_DECIDED = "petition_decided", _("petition decided: accepted or not")
        WARNING = "warning", _("deadline warning")
        OVERDUE = "overdue", _("overdue")
        SUPERVISION_OPENED = "supervision_opened", _("supervision opened")
        SUPERVISION_ESCALATED = "supervision_escalated", _("supervision escalated")
        SUPERVISION_ANSWERED = "supervision_answered", _("supervision answered")
        SUPERVISION_CLOSED = "supervision_closed", _("supervision closed")
        EXTENSION_REQUESTED = "extension_requested", _("extension requested")
        EXTENSION_DECIDED = "extension_decided", _("extension decided")
        RATED = "rated", _("rated by the resident")
        COMPLAINT = "complaint", _("complaint received")
        RECTIFICATION_OPENED = "rectification_opened", _("rectification opened")
        RECTIFICATION_CLOSED = "rectification_closed", _("rectification closed")
        APPEAL_FILED = "appeal_filed", _("rating appealed")
        APPEAL_DECIDED = "appeal_decided", _("appeal decided")

    case = models.ForeignKey(Case, models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        User,
        models.PROTECT,
        related_name="+",
        null=True,
        help_text=_("Empty: the system's daily sweep."),
    )
    at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_seq_once")]


class Entrustment(models.Model):
    """The resident's consent for the agent to act (委托书)."""

    case = models.OneToOneField(Case, models.PROTECT, related_name="entrustment")
    signed_by = models.CharField(_("signed by"), max_length=60)
    relation = models.CharField(_("relation to the resident"), max_length=30, default="本人")
    signed_on = models.DateField(_("signed on"))
    scope = models.TextField(_("what the agent may do"), blank=True)


class Checklist(models.Model):
    """One required or optional material of the case's guide version, as received."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="checklist")
    material_id = models.PositiveIntegerField()
    name = models.CharField(_("material"), max_length=100)
    kind = models.CharField(_("original or copy"), max_length=10)
    count = models.PositiveSmallIntegerField(_("how many required"))
    required = models.BooleanField(_("required"))
    originals = models.PositiveSmallIntegerField(_("originals received"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies received"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material_id"], name="material_once_per_case")
        ]

    @property
    def satisfied(self) -> bool:
        if self.kind == "original":
            return self.originals >= self.count
        return self.originals + self.copies >= self.count


class SupplementNotice(models.Model):
    """一次性告知: every missing material listed at once; pauses an accepted case's clock."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="supplement_notices")
    issued_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    missing = models.JSONField(_("missing materials"))
    note = models.TextField(_("note"), blank=True)
    pauses_clock = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True)
    paused_days = models.PositiveIntegerField(_("working days paused"), default=0)

    class Meta:
        ordering = ["case", "issued_at"]
        # With the case, so a drill-down's cases are read from the index alone: a year of a
        # 2.1 M-case county's notices (40,000) took 190 ms on SQLite from the date alone.
        indexes = [models.Index(fields=["issued_at", "case"], name="notice_issued_case_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_notice_per_case",
            )
        ]


class HandoverBatch(models.Model):
    """Files an agent takes to the center together, listed on one signed handover list."""

    sent_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("handed over at"))

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("handover list")
        verbose_name_plural = _("handover lists")


class Hop(models.Model):
    """A stretch of the case's journey in one holder's hands, with its own due date."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="hops")
    seq = models.PositiveSmallIntegerField()
    holder_user = models.ForeignKey(User, models.PROTECT, null=True, related_name="held_hops")
    holder_department = models.ForeignKey(
        Department, models.PROTECT, null=True, related_name="hops"
    )
    sent_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("handed over at"))
    due_date = models.DateField(_("due"))
    received_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True)
    ended_at = models.DateTimeField(_("ended at"), null=True)
    note = models.TextField(_("note"), blank=True)
    batch = models.ForeignKey(
        HandoverBatch, models.PROTECT, null=True, blank=True, related_name="hops"
    )

    class Meta:
        ordering = ["case", "seq"]
        indexes = [
            models.Index(fields=["holder_department", "ended_at"]),
            models.Index(fields=["holder_user", "ended_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="hop_seq_once"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_hop_per_case"
            ),
            models.CheckConstraint(
                condition=Q(holder_user__isnull=True, holder_department__isnull=False)
                | Q(holder_user__isnull=False, holder_department__isnull=True),
                name="hop_has_one_holder",
            ),
        ]

    @property
    def holder(self) -> User | Department | None:
        return self.holder_user or self.holder_department


class Paper(models.Model):
    """An original received from the resident, followed until it is given back."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="papers")
    name = models.CharField(_("paper"), max_length=100)
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    holder_user = models.ForeignKey(User, models.PROTECT, null=True, related_name="papers_held")
    holder_department = models.ForeignKey(
        Department, models.PROTECT, null=True, related_name="papers_held"
    )
    held_since = models.DateTimeField(_("held since"))
    returned_at = models.DateTimeField(_("returned at"), null=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    returned_at__isnull=False,
                    holder_user__isnull=True,
                    holder_department__isnull=True,
                )
                | Q(
                    returned_at__isnull=True,
                    holder_user__isnull=False,
                    holder_department__isnull=True,
                )
                | Q(
                    returned_at__isnull=True,
                    holder_user__isnull=True,
                    holder_department__isnull=False,
                ),
                name="paper_has_one_holder_or_is_returned",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holder(self) -> User | Department | None:

        return self.holder_user or self.holder_department


class PaperMove(models.Model):
    """Custody history: a paper passed from one holder to another, signed by the receiver."""

    paper = models.ForeignKey(Paper, models.PROTECT, related_name="moves")
    hop = models.ForeignKey(Hop, models.PROTECT, null=True, related_name="paper_moves")
    at = models.DateTimeField(_("when"))
    from_user = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    from_department = models.ForeignKey(Department, models.PROTECT, null=True, related_name="+")
    to_user = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    to_department = models.ForeignKey(Department, models.PROTECT, null=True, related_name="+")
    to_resident = models.CharField(_("returned to"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paper", "at", "id"]


class HopPaper(models.Model):
    """Which papers travel with a handover; they change hands when it is received."""

    hop = models.ForeignKey(Hop, models.CASCADE, related_name="hop_papers")
    paper = models.ForeignKey(Paper, models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hop", "paper"], name="paper_once_per_hop")]


class FollowUp(models.Model):
    """回访 after the reply: how the center or agent got back to the resident."""

    class Method(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")
        SMS = "sms", _("text message")

    case = models.OneToOneField(Case, models.PROTECT, related_name="follow_up")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    by = models.ForeignKey(User, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)


class Rating(models.Model):
    """好差评: the resident's rating of a case, once; 5 very satisfied … 1 very dissatisfied."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("very satisfied")
        SATISFIED = 4, _("satisfied")
        NEUTRAL = 3, _("neutral")
        DISSATISFIED = 2, _("dissatisfied")
        VERY_DISSATISFIED = 1, _("very dissatisfied")

    class Channel(models.TextChoices):
        LINK = "link", _("link in a text message")
        PHONE = "phone", _("follow-up call")
        VISIT = "visit", _("follow-up visit")

    class Source(models.TextChoices):
        """Whose word it is. Only the villager's own answer counts: through the link, or
        asked by the center on a follow-up by someone other than the agent being scored."""

        VILLAGER = "villager", _("the villager, through the link")
        FOLLOW_UP = "follow_up", _("the villager, asked by the center's follow-up")
        AGENT_NOTE = "agent_note", _("the agent's note of what the villager said")
        UNCHECKED = "unchecked", _("recorded before the rating rules by someone who may not rate")

    # The sources that count in figures and scores; the others wait for the villager's answer.
    COUNTED = (Source.VILLAGER, Source.FOLLOW_UP)

    case = models.OneToOneField(Case, models.PROTECT, related_name="rating")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    channel = models.CharField(_("given by"), max_length=10, choices=Channel.choices)
    source = models.CharField(
        _("whose answer"), max_length=12, choices=Source.choices, default=Source.VILLAGER
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    # Who asked (a follow-up) or who noted it (an agent's note); empty for the link.
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    void = models.BooleanField(_("set aside on appeal"), default=False)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        # The cases behind "rated" and "satisfied", newest rating first.
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_one_to_five"
            )
        ]

    @property
    def is_bad(self) -> bool:
        return self.level <= 2

    @property
    def counts(self) -> bool:
        """Whether it counts in the figures and the agent's score."""
        return self.source in self.COUNTED and not self.void


class Attachment(models.Model):
    """A scan or photo of a paper (ID card, household register …), re-encoded and stored
    encrypted on disk; only the people who handle the case may open it."""

    class Kind(models.TextChoices):
        ID_CARD = "id_card", _("ID card")
        HOUSEHOLD_REGISTER = "household_register", _("household register")
        OTHER = "other", _("other paper")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, models.PROTECT, related_name="attachments")
    kind = models.CharField(_("what it shows"), max_length=20, choices=Kind.choices)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")


class Transfer(models.Model):
    """A case sent to another township's center (the villager moved, or the matter belongs
    there): the receiving director accepts it (it is theirs from then on, with its number
    and tracking code) or returns it with a reason. Both centers keep seeing the case."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the receiving center")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    case = models.ForeignKey(Case, models.PROTECT, related_name="transfers")
    from_township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    from_village = models.ForeignKey(Village, models.PROTECT, related_name="+")
    to_township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    to_village = models.ForeignKey(
        Village, models.PROTECT, related_name="+", verbose_name=_("to village")
    )
    from_state = models.CharField(max_length=20, choices=State.choices)
    reason = models.TextField(_("reason"))
    sent_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["case", "sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_transfer"
            )
        ]
