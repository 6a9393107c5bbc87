"""Forms turn posted text into typed values; the lifecycle decides what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daiban.cases import routing
from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.models import FollowUp
from daiban.core.errors import Invalid
from daiban.core.widgets import LongSelect


class InquiryForm(forms.Form):
    asker_name = forms.CharField(label=_("Who asked"), max_length=60, required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ChecklistForm(forms.Form):
    """One tick per material of the guide version: "received as the guide asks (kind and
    count)"; the numbers of originals and copies are filled in only when they differ.

    `kept`: the material ids received before a supplement notice (ticked again on the
    second visit); `missing`: those the notice listed (highlighted)."""

    signed_by = forms.CharField(label=_("Entrustment signed by"), max_length=60, required=False)
    relation = forms.CharField(label=_("Relation to the resident"), max_length=30, initial="本人")
    signed_on = forms.DateField(
        label=_("Signed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        required=False,
        error_messages={"invalid": _("Give the signing date as a date, e.g. 2026-11-27.")},
    )
    note = forms.CharField(
        label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, materials: list[dict], kept=(), missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = materials
        self.missing_before = set(missing)
        for m in materials:
            self.fields[f"ok_{m['id']}"] = forms.BooleanField(
                label=_("Received as the guide asks (kind and count)"),
                required=False,
                initial=m["id"] in kept,
            )
            self.fields[f"o_{m['id']}"] = forms.IntegerField(
                label=_("originals"), min_value=0, max_value=99, required=False
            )
            self.fields[f"c_{m['id']}"] = forms.IntegerField(
                label=_("copies"), min_value=0, max_value=99, required=False
            )
        self.fields["signed_on"].initial = timezone.localdate()

    def rows(self):
        for m in self.materials:
            originals, copies = self[f"o_{m['id']}"], self[f"c_{m['id']}"]
            yield {
                "material": m,
                "ok": self[f"ok_{m['id']}"],
                "originals": originals,
                "copies": copies,
                "differs": bool(originals.value() or copies.value()),
                "missing": m["id"] in self.missing_before,
            }

    def received(self) -> list[Received]:
        """Numbers where given; otherwise a tick means the guide's kind and count."""
        got = []
        for m in self.materials:
            originals = self.cleaned_data.get(f"o_{m['id']}") or 0
            copies = self.cleaned_data.get(f"c_{m['id']}") or 0
            if not (originals or copies) and self.cleaned_data.get(f"ok_{m['id']}"):
                if m["kind"] == "original":
                    originals = m["count"]
                else:
                    copies = m["count"]
            if originals or copies:
                got.append(Received(m["id"], originals=originals, copies=copies))
        return got

    def missing(self) -> list[Missing]:
        """Required materials not (fully) in hand: what a supplement notice must list."""
        have = {r.material_id: r for r in self.received()}
        result = []
        for m in self.materials:
            if not m["required"]:
                continue
            row = have.get(m["id"])
            enough = row is not None and (
                row.originals >= m["count"]
                if m["kind"] == "original"
                else row.originals + row.copies >= m["count"]
            )
            if not enough:
                result.append(Missing(m["id"]))
        return result

    def entrustment(self) -> EntrustmentIn | None:
        """The signed entrustment; never a guessed date: a blank or bad date is refused."""
        signed_by = (self.cleaned_data.get("signed_by") or "").strip()
        if not signed_by:
            return None
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on is None:
            raise Invalid(
                _("Give the date the entrustment was signed."),
                {"signed_on": [_("Give the date the entrustment was signed.")]},
            )
        return EntrustmentIn(
            signed_by=signed_by,
            signed_on=signed_on,
            relation=self.cleaned_data.get("relation") or "本人",
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(forms.Form):
    """The director sends a case to a village of another township of the county."""

    to_village = forms.ModelChoiceField(label=_("To the village"), queryset=None, widget=LongSelect)
    reason = forms.CharField(
        label=_("Why it goes there"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        from daiban.places.models import Village

        super().__init__(*args, **kwargs)
        self.fields["to_village"].queryset = (
            Village.objects.filter(township__county_id=case.township.county_id)
            .exclude(township_id=case.township_id)
            .select_related("township")
            .order_by("township__code", "code")
        )
        self.fields["to_village"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"


class SupplementForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, materials: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"] = forms.TypedMultipleChoiceField(
            label=_("Missing materials"),
            choices=[(m["id"], m["name"]) for m in materials],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )


class HandOverForm(forms.Form):
    """The next holders on the item's route (cases/routing.py), the usual one first."""

    def __init__(self, *args, case, papers, hop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {t.key: t for t in routing.targets(case, hop)}
        choices = [(key, t.label) for key, t in self.targets.items()]
        self.fields["to"] = forms.ChoiceField(
            label=_("Hand to"), choices=choices, initial=choices[0][0] if choices else None
        )
        self.fields["papers"] = forms.TypedMultipleChoiceField(
            label=_("Originals that go with it"),
            choices=[(p.pk, f"{p.name} ×{p.count}") for p in papers],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[p.pk for p in papers],
        )
        self.fields["note"] = forms.CharField(label=_("Note"), required=False)

    def clean_to(self) -> dict:
        """The chosen target as the lifecycle's `to_user=` / `to_department=`."""
        chosen = self.targets[self.cleaned_data["to"]]
        if chosen.user is not None:
            return {"to_user": chosen.user}
        return {"to_department": chosen.department}


class ResultForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("granted")), ("0", _("denied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    document_no = forms.CharField(label=_("Document number"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("Reason (required when denied)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PetitionDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("accepted for handling")), ("0", _("not accepted"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when not accepted)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed for by"), max_length=60)
    note = forms.CharField(label=_("Note"), required=False)


class CloseForm(forms.Form):
    method = forms.ChoiceField(label=_("Follow-up by"), choices=FollowUp.Method.choices)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[
            ("", _("not rated")),
            ("5", _("very satisfied")),
            ("4", _("satisfied")),
            ("3", _("neutral")),
            ("2", _("dissatisfied")),
            ("1", _("very dissatisfied")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, rating: str | None = "answer", **kwargs):
        """`rating`: "answer" (the center's follow-up), "note" (the case's agent: a note
        that does not count) or None (may not rate: no field)."""
        super().__init__(*args, **kwargs)
        if rating is None:
            del self.fields["rating"]
        elif rating == "note":
            self.fields["rating"].label = _("What the villager said (your note)")
            self.fields["rating"].help_text = _(
                "Your note does not count in your score; the villager's own answer through "
                "the link replaces it."
            )


class ReturnPapersForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed for by"), max_length=60)

    def __init__(self, *args, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["papers"] = forms.TypedMultipleChoiceField(
            label=_("Originals returned"),
            choices=[(p.pk, p.name) for p in papers],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )
