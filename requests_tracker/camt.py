"""ISO 20022 bank statements: the credits of a camt.053 (statement) or camt.054 (notification), as plain rows.

Parsed with defusedxml (no DTDs, no entities) and by local element names, so that any version of the schema
(camt.053.001.02 … .08) reads the same. Only credits (CdtDbtInd CRDT) are returned; a batch entry with several
transaction details gives one row per transaction, each with its own amount and reference.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from stdnum import iso11649

RF_IN_TEXT = re.compile(r"RF\s?\d{2}(?:\s?[0-9A-Z]){1,21}", re.IGNORECASE)


class StatementUnreadable(Exception):
    pass


@dataclass(frozen=True)
class Credit:
    bank_reference: str
    booking_date: date
    amount_cents: int
    currency: str
    reference: str  # the RF code the payer quoted, compact ("" if none)
    remittance: str
    debtor: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, *path):
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _children(element, name):
    return [child for child in element if _local(child.tag) == name] if element is not None else []


def _text(element, *path) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _cents(element) -> tuple[int, str]:
    try:
        amount = Decimal((element.text or "").strip())
    except (InvalidOperation, AttributeError) as error:
        raise StatementUnreadable("an amount is not a number") from error
    return int((amount * 100).to_integral_value()), element.get("Ccy", "")


def rf_find(*texts: str) -> str:
    """The first valid RF creditor reference in the structured reference or the free text, compact."""
    for text in texts:
        for match in RF_IN_TEXT.finditer(text or ""):
            candidate = iso11649.compact(match.group())
            if iso11649.is_valid(candidate):
                return candidate
    return ""


def credits_parse(content: bytes) -> list[Credit]:
    try:
        root = ElementTree.fromstring(content, forbid_dtd=True)
    except Exception as error:  # ParseError, DTDForbidden, EntitiesForbidden…
        raise StatementUnreadable(str(error)) from error
    document = _child(root, "BkToCstmrStmt") or _child(root, "BkToCstmrDbtCdtNtfctn")
    if document is None:
        raise StatementUnreadable("not a camt.053 or camt.054 document")
    reports = _children(document, "Stmt") + _children(document, "Ntfctn")
    found = []
    for report in reports:
        for entry in _children(report, "Ntry"):
            if _text(entry, "CdtDbtInd") != "CRDT" or _text(entry, "RvslInd").lower() == "true":
                continue
            amount_element = _child(entry, "Amt")
            if amount_element is None:
                raise StatementUnreadable("an entry has no amount")
            booked = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10]
            try:
                booking_date = date.fromisoformat(booked)
            except ValueError as error:
                raise StatementUnreadable("an entry has no booking date") from error
            entry_reference = _text(entry, "AcctSvcrRef")
            details = [tx for nested in _children(entry, "NtryDtls") for tx in _children(nested, "TxDtls")]
            for index, tx in enumerate(details or [None]):
                amount, currency = _cents(amount_element)
                tx_amount = _child(tx, "AmtDtls", "TxAmt", "Amt") if tx is not None else None
                tx_amount = tx_amount if tx_amount is not None else (_child(tx, "Amt") if tx is not None else None)
                if tx_amount is not None and len(details) > 1:
                    amount, currency = _cents(tx_amount)
                reference = _text(tx, "Refs", "AcctSvcrRef") if tx is not None else ""
                if not reference:
                    reference = entry_reference if len(details) <= 1 else f"{entry_reference}/{index + 1}"
                if not reference:
                    raise StatementUnreadable("an entry has no AcctSvcrRef")
                structured = (
                    " ".join(
                        (element.text or "")
                        for strd in _children(_child(tx, "RmtInf"), "Strd")
                        for element in [_child(strd, "CdtrRefInf", "Ref")]
                        if element is not None
                    )
                    if tx is not None
                    else ""
                )
                free = (
                    " ".join((element.text or "") for element in _children(_child(tx, "RmtInf"), "Ustrd"))
                    if tx is not None
                    else ""
                )
                debtor = _text(tx, "RltdPties", "Dbtr", "Nm") or _text(tx, "RltdPties", "Dbtr", "Pty", "Nm")
                found.append(
                    Credit(
                        bank_reference=reference[:100],
                        booking_date=booking_date,
                        amount_cents=amount,
                        currency=currency or "EUR",
                        reference=rf_find(structured, free),
                        remittance=(structured + " " + free).strip()[:500],
                        debtor=debtor[:200],
                    )
                )
    return found
