"""The staff dashboard's filters: a department, a category, and the days of filing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Department
from portal.statistics import StatisticsFilters
from requests_tracker.models import Category


class DashboardFiltersForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All departments")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All categories")
    )
    date_from = forms.DateField(label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Filed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(municipality=municipality)
        # The dashboard is one municipality's: a department by its name alone, without «(Δήμος …)».
        self.fields["department"].label_from_instance = lambda department: department.name
        self.fields["category"].queryset = Category.objects.filter(municipality=municipality)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The last day comes before the first."))
        return cleaned

    def filters(self) -> StatisticsFilters:
        """The chosen filters; an invalid form (shown with its errors) filters nothing."""
        if not self.is_bound or not self.is_valid():
            return StatisticsFilters()
        data = self.cleaned_data
        return StatisticsFilters(
            department_id=data["department"].pk if data["department"] else None,
            category_id=data["category"].pk if data["category"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
