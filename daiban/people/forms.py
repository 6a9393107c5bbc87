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
