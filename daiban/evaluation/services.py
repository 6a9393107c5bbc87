"""Payment sheets: the month's transport subsidies and the share-out of the special fund.

Money is counted in fen (integers). The fund is split with the largest-remainder method,
so the parts always add up to the whole, to the fen."""

import datetime
import hashlib
import json
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.core.periods import first_of_month, next_month
from daiban.notifications import services as sms
from daiban.people.models import Role, User
from daiban.places.models import Township

from .models import SCHEME_FIELDS, FundRule, PaymentLine, PaymentSheet, Scheme
from .scores import evaluate, scheme_for


def fen(yuan) -> int:
    """Yuan (Decimal or str) to fen, refusing anything finer than a fen."""
    value = Fraction(str(yuan)) * 100
    if value.denominator != 1:
        raise ValueError(f"{yuan} is not a whole number of fen")
    return int(value)


def allocate(total: int, weights: list) -> list[int]:
    """Split `total` fen in proportion to `weights`; the parts add up to `total` exactly.

    Each part gets its whole fen first; the fen left over go one each to the largest
    remainders, ties to the earlier entry."""
    if total < 0:
        raise ValueError("total must not be negative")
    exact = [Fraction(str(w)) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    whole = sum(exact)
    if not exact or whole == 0:
        return [0] * len(exact)
    shares = [total * w / whole for w in exact]
    parts = [int(s) for s in shares]  # floor: shares are not negative
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def month_share(yearly_fen: int, month: int) -> int:
    """The fund for one calendar month: the year's fund split into 12 exact parts."""
    return allocate(yearly_fen, [1] * 12)[month - 1]


def snapshot(scheme: Scheme) -> dict:
    return {name: str(getattr(scheme, name)) for name in SCHEME_FIELDS}


def _may_prepare(actor: User, township: Township) -> None:
    ok = actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.CENTER_DIRECTOR and actor.township_id == township.pk
    )
    if not ok:
        raise Forbidden(_("The center director prepares the township's payment sheet."))


@transaction.atomic
def prepare_sheet(township: Township, month: datetime.date, *, actor: User) -> PaymentSheet:
    """Work out (or work out again) the month's sheet while it is a draft."""
    _may_prepare(actor, township)
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise Invalid(_("That month has not begun."), {"month": [_("Choose a past month.")]})
    sheet = PaymentSheet.objects.select_for_update().filter(township=township, month=month).first()
    if sheet is not None and sheet.status == PaymentSheet.Status.APPROVED:
        raise NotAllowed(_("This payment sheet was approved and can no longer change."))
    scheme = scheme_for(township.county_id)
    rows = evaluate(scheme, month, month, township_id=township.pk)
    petition_agents = User.objects.filter(
        role=Role.PETITION_AGENT, is_active=True, village__township=township
    ).select_related("village")
    subsidy = fen(scheme.monthly_subsidy)
    fund = month_share(fen(scheme.yearly_fund), month.month)
    passing = [r for r in rows if r.score is not None and r.score >= scheme.pass_mark]
    weights = [r.score if scheme.fund_rule == FundRule.BY_SCORE else 1 for r in passing]
    shares = dict(zip((r.agent.pk for r in passing), allocate(fund, weights), strict=True))
    lines = [
        PaymentLine(
            agent=r.agent,
            role=Role.VILLAGE_AGENT,
            village=r.agent.village,
            completed=r.counts["completed"],
            score=r.score,
            formula=r.formula,
            subsidy_fen=subsidy,
            fund_share_fen=shares.get(r.agent.pk, 0),
            amount_fen=subsidy + shares.get(r.agent.pk, 0),
        )
        for r in rows
    ]
    lines += [
        PaymentLine(
            agent=agent,
            role=Role.PETITION_AGENT,
            village=agent.village,
            formula=_("Petition agent: subsidy only, not scored (petitions are confidential)."),
            subsidy_fen=subsidy,
            fund_share_fen=0,
            amount_fen=subsidy,
        )
        for agent in petition_agents
    ]
    paid = sum(line.fund_share_fen for line in lines)
    subsidies = sum(line.subsidy_fen for line in lines)
    values = {
        "scheme": snapshot(scheme),
        "fund_fen": fund,
        "subsidy_total_fen": subsidies,
        "fund_paid_fen": paid,
        "fund_kept_fen": fund - paid,
        "total_fen": subsidies + paid,
        "prepared_by": actor,
        "prepared_at": timezone.now(),
    }
    if sheet is None:
        try:
            with transaction.atomic():
                sheet = PaymentSheet.objects.create(township=township, month=month, **values)
        except IntegrityError:
            raise Conflict(
                _("Someone else worked out this sheet at the same moment. Reload it.")
            ) from None
    else:
        for name, value in values.items():
            setattr(sheet, name, value)
        sheet.save()
        sheet.lines.all().delete()
    for line in lines:
        line.sheet = sheet
    PaymentLine.objects.bulk_create(lines)
    trail.record(
        "payment_sheet.prepared", user=actor, obj=sheet, detail={"total_fen": sheet.total_fen}
    )
    return sheet


def digest(sheet: PaymentSheet) -> str:
    """A fingerprint of everything the approver signed off: amounts, scores, the scheme."""
    lines = [
        [
            line.agent_id,
            line.village_id,
            line.role,
            line.completed,
            str(line.score),
            line.formula,
            line.subsidy_fen,
            line.fund_share_fen,
            line.amount_fen,
        ]
        for line in sheet.lines.order_by("agent_id")
    ]
    body = json.dumps(
        {
            "sheet": sheet.pk,
            "township": sheet.township_id,
            "month": str(sheet.month),
            "scheme": sheet.scheme,
            "fund": sheet.fund_fen,
            "paid": sheet.fund_paid_fen,
            "kept": sheet.fund_kept_fen,
            "subsidies": sheet.subsidy_total_fen,
            "total": sheet.total_fen,
            "lines": lines,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def intact(sheet: PaymentSheet) -> bool:
    """An approved sheet still holds what was approved (its lines hash to its digest)."""
    return sheet.status != PaymentSheet.Status.APPROVED or digest(sheet) == sheet.digest


@transaction.atomic
def approve_sheet(
    sheet: PaymentSheet, *, actor: User, seen: datetime.datetime | None = None
) -> PaymentSheet:
    """Lock the sheet. `seen` is when the version the approver looked at was worked out:
    if the director worked it out again since, the approver must look again."""
    ok = actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.TOWNSHIP_LEADER and actor.township_id == sheet.township_id
    )
    if not ok:
        raise Forbidden(_("The township leader approves the payment sheet."))
    fresh = PaymentSheet.objects.select_for_update().get(pk=sheet.pk)
    if actor.pk == fresh.prepared_by_id:
        raise Forbidden(_("Someone other than the person who prepared the sheet approves it."))
    if fresh.status != PaymentSheet.Status.DRAFT:
        raise NotAllowed(_("This payment sheet was approved already."))
    month_end = next_month(fresh.month)
    if timezone.localdate() < month_end:
        raise NotAllowed(_("A month's sheet is approved after the month has ended."))
    if timezone.localtime(fresh.prepared_at).date() < month_end:
        raise NotAllowed(
            _(
                "This sheet was worked out before the month ended. Ask the director to work "
                "it out again, then approve it."
            )
        )
    if seen is not None and seen != fresh.prepared_at:
        raise Conflict(
            _("The sheet was worked out again since you opened it. Check it, then approve.")
        )
    now = timezone.now()
    PaymentSheet.objects.filter(pk=sheet.pk, status=PaymentSheet.Status.DRAFT).update(
        status=PaymentSheet.Status.APPROVED,
        approved_by=actor,
        approved_at=now,
        digest=digest(fresh),
    )
    trail.record(
        "payment_sheet.approved", user=actor, obj=fresh, detail={"total_fen": fresh.total_fen}
    )
    for line in fresh.lines.select_related("agent"):
        if line.agent.work_phone:
            sms.queue(
                key=f"payment:{fresh.pk}:{line.agent_id}",
                template="staff_payment",
                to=line.agent.work_phone,
                month=f"{fresh.month.year}年{fresh.month.month}月",
                subsidy=line.subsidy_yuan,
                fund=line.fund_share_yuan,
                amount=line.amount_yuan,
            )
    fresh.refresh_from_db()
    return fresh


@transaction.atomic
def update_scheme(
    scheme: Scheme, *, actor: User, seen: datetime.datetime | None = None, **values
) -> Scheme:
    """Change the named values only. `seen` is the scheme's `updated_at` on the form the
    person filled in: if someone saved the scheme since, nothing is changed."""
    if actor.role not in (Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR):
        raise Forbidden(_("The county sets the evaluation scheme."))
    fresh = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if seen is not None and seen != fresh.updated_at:
        raise Conflict(
            _("%(who)s changed the scheme since you opened it. Look at it again, then save.")
            % {"who": fresh.updated_by or _("Someone")}
        )
    for name, value in values.items():
        setattr(fresh, name, value)
    fresh.updated_by = actor
    fresh.save(update_fields=[*values, "updated_by", "updated_at"])
    trail.record(
        "scheme.changed", user=actor, obj=fresh, detail={k: str(v) for k, v in values.items()}
    )
    return fresh
