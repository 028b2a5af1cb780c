import pytest

from accounts.taxisnet.client import UserinfoError, parse_userinfo
from tests.stubs.gsis import CITIZENS, userinfo_xml

# As GSIS sends it: values padded with spaces, "null" for what the registry lacks, Greek as character references.
GSIS_REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<root><userinfo userid="User123456783  " taxid="123456783 " '
    'lastname="&#928;&#913;&#928;&#913;&#916;&#919;&#924;&#919;&#932;&#929;&#921;&#927;&#933;   " '
    'firstname="&#913;&#925;&#925;&#913;   " fathername="ΓΕΩΡΓΙΟΣ  " mothername="null" birthyear="1985 "/></root>'
)


def test_character_references_are_decoded_and_spaces_trimmed():
    assert parse_userinfo(GSIS_REPLY) == {
        "afm": "123456783",
        "userid": "User123456783",
        "first_name": "ΑΝΝΑ",
        "last_name": "ΠΑΠΑΔΗΜΗΤΡΙΟΥ",
        "full_name": "ΑΝΝΑ ΠΑΠΑΔΗΜΗΤΡΙΟΥ",
        "father_name": "ΓΕΩΡΓΙΟΣ",
        "mother_name": "",
        "birth_year": 1985,
    }


def test_bytes_in_utf8_are_read():
    profile = parse_userinfo(GSIS_REPLY.replace("&#913;&#925;&#925;&#913;", "ΑΝΝΑ").encode())
    assert profile["first_name"] == "ΑΝΝΑ"


def test_null_and_missing_values_are_empty():
    profile = parse_userinfo(
        '<root><userinfo taxid="044444444" firstname="null" lastname="NULL" birthyear="null"/></root>'
    )
    assert profile["first_name"] == profile["last_name"] == profile["full_name"] == ""
    assert profile["father_name"] == profile["mother_name"] == ""
    assert profile["birth_year"] is None


@pytest.mark.parametrize("birthyear", ["", "19x5", "0", "85"])
def test_a_birth_year_that_is_not_a_year_is_none(birthyear):
    profile = parse_userinfo(f'<root><userinfo taxid="044444444" birthyear="{birthyear}"/></root>')
    assert profile["birth_year"] is None


def test_every_stand_in_citizen_parses():
    for citizen in CITIZENS:
        profile = parse_userinfo(userinfo_xml(citizen))
        assert profile["afm"] == citizen.taxid
        assert profile["first_name"] == citizen.firstname.strip()
        assert not profile["first_name"].startswith("&#")


@pytest.mark.parametrize(
    "document",
    [
        # "Billion laughs": entity expansion needs a DTD, which is refused before parsing.
        '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<root><userinfo taxid="044444444" firstname="&b;"/></root>',
        '<!doctype root SYSTEM "http://example.com/evil.dtd"><root><userinfo taxid="044444444"/></root>',
        '<!ENTITY x "y"><root><userinfo taxid="044444444"/></root>',
    ],
)
def test_a_document_with_a_dtd_is_refused(document):
    with pytest.raises(UserinfoError, match="DTD"):
        parse_userinfo(document)


@pytest.mark.parametrize(
    "document",
    [
        '{"error": "invalid_token", "error_description": "Access token expired"}',
        "<root><userinfo taxid='044444444'></root>",
        '<root><profile taxid="044444444"/></root>',
        '<root><userinfo taxid="null"/></root>',
        '<root><userinfo taxid="123456789"/></root>',  # wrong check digit
    ],
)
def test_anything_but_a_userinfo_with_a_valid_afm_is_an_error(document):
    with pytest.raises(UserinfoError):
        parse_userinfo(document)
