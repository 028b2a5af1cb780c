"""The receipt of a payment, as a PDF: the municipality (payee) with its details, the citizen, what was paid, the
amount, the RF code and the payment's references. Rendered on demand from the rows, in the reader's language.

DejaVu Sans (fonts/, with its licence) is embedded so that Greek prints the same everywhere.
"""

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from requests_tracker.models import Payment, PaymentAccount

FONTS = Path(__file__).resolve().parent / "fonts"


def receipt_pdf(*, payment: Payment, account: PaymentAccount | None) -> bytes:
    item = payment.item
    municipality = item.municipality
    pdf = FPDF(format="A4")
    pdf.set_title(_("Receipt %(number)s") % {"number": payment.receipt_number})
    pdf.set_creation_date(payment.paid_at)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, municipality.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    payee = [
        account.address if account else "",
        _("Tax number (ΑΦΜ): %(afm)s") % {"afm": account.tax_number} if account and account.tax_number else "",
        _("IBAN: %(iban)s") % {"iban": account.iban_display} if account else "",
        municipality.contact_email,
    ]
    for line in filter(None, payee):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(
        0, 9, _("Payment receipt no. %(number)s") % {"number": payment.receipt_number}, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    paid_at = timezone.localtime(payment.paid_at, municipality.zone)
    rows = [
        (_("Paid by"), item.citizen.full_name or item.citizen.get_username()),
        (_("For"), item.description),
        (_("Amount"), item.amount_display),
        (_("RF payment code"), item.rf_display),
        (_("Paid on"), paid_at.strftime("%d-%m-%Y %H:%M")),
        (_("Method"), str(payment.get_method_display())),
        (_("Payment reference"), payment.external_id),
    ]
    if item.erequest_id and item.erequest.protocol_label:
        rows.append((_("E-request"), item.erequest.protocol_label))
    if payment.refund_status:
        rows.append((_("Refund"), str(payment.get_refund_status_display())))
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(55, 7, label)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(
        0, 4, _("Issued electronically by the portal of %(municipality)s.") % {"municipality": municipality.name}
    )
    return bytes(pdf.output())
