from django import forms
from django.utils.translation import gettext_lazy as _

from daiban.places.models import Hamlet, Village


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=25,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Village.objects.none(), empty_label=_("Choose the village")
    )
    hamlet = forms.ModelChoiceField(
        label=_("Hamlet"),
        queryset=Hamlet.objects.none(),
        required=False,
        empty_label=_("Not given (choose the hamlet if known)"),
    )
    same_person_checked = forms.BooleanField(
        label=_("I checked: this is not the same person as the one listed"), required=False
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["hamlet"].queryset = Hamlet.objects.filter(village__in=villages).select_related(
            "village"
        )
        if villages.count() == 1:
            self.fields["village"].initial = villages.first()


class SuccessionForm(forms.Form):
    """The director names who takes an agent's files: for good, or for a period."""

    KIND_CHOICES = [
        ("succession", _("For good: the agent leaves the post")),
        ("stand_in", _("For a period: a stand-in until the agent is back")),
    ]

    kind = forms.ChoiceField(label=_("Handing on"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    successor = forms.ModelChoiceField(label=_("Who takes the files"), queryset=None)
    until = forms.DateField(
        label=_("Back on (stand-in only)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = candidates

    def clean(self):
        data = super().clean()
        if data.get("kind") == "stand_in" and not data.get("until"):
            self.add_error("until", _("Say until when the stand-in holds the files."))
        return data
