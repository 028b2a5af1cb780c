"""E-payment fixtures: Chania's collection account, a stand-in card provider, a fee-carrying e-request type,
bank statements built in the test (ISO 20022 camt.054), and the payments treasury clerk."""

from datetime import date

import pytest

from requests_tracker import services
from requests_tracker.models import ERequestType, PaymentAccount
from tests.personas import make_citizen as make_user
from tests.stubs.viva import VivaStub, point_settings_at

IBAN = "GR1601101250000000012300695"  # the commonly cited valid Greek IBAN


@pytest.fixture
def payment_account(chania) -> PaymentAccount:
    return PaymentAccount.objects.create(
        municipality=chania, beneficiary="Δήμος Χανίων", iban=IBAN, rf_prefix="1001", tax_number="997686360"
    )


@pytest.fixture
def fee_type(chania, building, payment_account) -> ERequestType:
    return ERequestType.objects.create(
        municipality=chania,
        department=building,
        name_el="Αντίγραφο σχεδίου",
        name_en="Copy of a plan",
        fee_cents=1250,
        delivery_post=False,
        delivery_pickup=False,
    )


@pytest.fixture
def viva(settings, live_server):
    with VivaStub() as stub:
        point_settings_at(settings, stub, live_server.url, timeout=3)
        yield stub


@pytest.fixture
def viva_offline(settings):
    """The stand-in with no portal to call back (unit tests drive the webhook themselves)."""
    with VivaStub() as stub:
        point_settings_at(settings, stub, "http://127.0.0.1:9", timeout=3)
        stub.webhook_url = ""
        yield stub


def make_payments_clerk(username: str, municipality):
    from accounts.roles import group_ensure
    from requests_tracker.roles import PAYMENTS_OFFICE

    user = make_user(username, municipality, is_staff=True)
    user.groups.add(group_ensure(PAYMENTS_OFFICE))
    return user


def issue(citizen, *, amount_cents=2000, description="Τέλος αντιγράφων"):
    return services.item_issue(
        municipality=citizen.municipality,
        citizen=citizen,
        kind="municipal_fee",
        description_el=description,
        amount_cents=amount_cents,
        due_date=date(2030, 1, 31),
    )


def credit(bank_reference: str, amount: str, *, rf: str = "", text: str = "", booked: str = "2026-03-02") -> str:
    remittance = ""
    if rf:
        kind = "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
        remittance += f"<Strd><CdtrRefInf>{kind}<Ref>{rf}</Ref></CdtrRefInf></Strd>"
    if text:
        remittance += f"<Ustrd>{text}</Ustrd>"
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{booked}</Dt></BookgDt><AcctSvcrRef>{bank_reference}</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>ΠΑΠΑΔΟΠΟΥΛΟΣ ΓΙΩΡΓΟΣ</Nm></Dbtr></RltdPties>
<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"""


def debit(bank_reference: str, amount: str) -> str:
    return f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>{bank_reference}</AcctSvcrRef></Ntry>"""


def camt054(*entries: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>NTF-1</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>{"".join(entries)}</Ntfctn>
</BkToCstmrDbtCdtNtfctn></Document>""".encode()


def camt053(*entries: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-03-02T23:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>{"".join(entries)}</Stmt>
</BkToCstmrStmt></Document>""".encode()
