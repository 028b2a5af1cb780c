"""Forms of e-payments: the admin's fee for a citizen, and a bank statement to import."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_tracker.models import PayableItem


class FeeIssueForm(forms.ModelForm):
    """The municipality admin issues a fee to a citizen (e.g. a copy fee): the amount is typed in euros."""

    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=Decimal("0.01"), max_digits=9, decimal_places=2, localize=True
    )

    class Meta:
        model = PayableItem
        fields = ["citizen", "description_el", "description_en", "due_date"]

    def clean_amount(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class StatementImportForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (ISO 20022 camt.053 or camt.054 XML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
