"""Reading GSIS's userinfo reply: `<root><userinfo taxid="…" firstname="…" …/></root>`.

GSIS pads values with trailing spaces, sends the literal `null` for missing ones and may encode Greek letters as
numeric character references; a real XML parser decodes those. defusedxml is not installed, so documents with a
DTD are refused outright: without a DTD the standard parser cannot expand entities (no "billion laughs").
"""

import re
from typing import TypedDict
from xml.etree import ElementTree

from accounts.validators import afm_is_valid

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class UserinfoError(ValueError):
    """The reply is not a userinfo document we can trust."""


class TaxisnetProfile(TypedDict):
    afm: str
    userid: str
    first_name: str
    last_name: str
    full_name: str
    father_name: str
    mother_name: str
    birth_year: int | None


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() == "null" else value


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1900 <= int(value) <= 2100 else None


def parse_userinfo(document: bytes | str) -> TaxisnetProfile:
    raw = document.encode() if isinstance(document, str) else document
    if _DTD.search(raw):
        raise UserinfoError("userinfo with a DTD refused")
    try:
        root = ElementTree.fromstring(raw)  # noqa: S314 - DTDs refused above, so no entity can expand
    except ElementTree.ParseError as error:
        raise UserinfoError(f"userinfo is not XML: {error}") from error
    element = root if root.tag == "userinfo" else root.find("userinfo")
    if element is None:
        raise UserinfoError("no <userinfo> element")
    value = {name: _clean(text) for name, text in element.attrib.items()}
    afm = value.get("taxid", "")
    if not afm_is_valid(afm):
        raise UserinfoError(f"taxid {afm!r} is not a valid ΑΦΜ")
    first_name, last_name = value.get("firstname", ""), value.get("lastname", "")
    return TaxisnetProfile(
        afm=afm,
        userid=value.get("userid", ""),
        first_name=first_name,
        last_name=last_name,
        full_name=" ".join(part for part in (first_name, last_name) if part),
        father_name=value.get("fathername", ""),
        mother_name=value.get("mothername", ""),
        birth_year=_year(value.get("birthyear", "")),
    )
