"""Forms of the core's own pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import timezones


class TimeZoneForm(forms.Form):
    """The zone a person's times are shown in: one of the offered zones (any zone `zone_parse` knows is kept)."""

    time_zone = forms.CharField(
        label=_("Time zone"),
        widget=forms.Select,
        error_messages={"required": _("Choose a time zone from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.choices = timezones.zone_choices()

    def clean_time_zone(self):
        zone = timezones.zone_parse(self.cleaned_data["time_zone"])
        if zone is None:
            raise forms.ValidationError(_("Choose a time zone from the list."), code="invalid_choice")
        return zone
