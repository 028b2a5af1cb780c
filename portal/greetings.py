"""The one greeting of every e-mail to a person: «Γεια σας, Γιώργο,» in Greek, "Dear Giorgos," in English.

Greek addresses people in the vocative case (κλητική), so the first name is declined. No maintained library does
this for names (python-greek-names on PyPI has had no release since 2018; modern-greek-inflexion declines common
nouns from a lexicon, not first names), hence the small rule set below, after the grammar of Modern Greek
(Μ. Τριανταφυλλίδης, «Νεοελληνική Γραμματική», the masculine nouns in -ος, -ης, -ας):

- -ος: -ε when the name has more than two syllables and is stressed on the antepenult (Αλέξανδρος → Αλέξανδρε,
  Θεόδωρος → Θεόδωρε, Νικόλαος → Νικόλαε); -ο otherwise (Γιώργος → Γιώργο, Νίκος → Νίκο, Σπύρος → Σπύρο);
- -ης → -η (Παναγιώτης → Παναγιώτη), -ας → -α (Κώστας → Κώστα), the accent kept (Λουκάς → Λουκά);
- every other ending, the feminine names included (Μαρία, Ελένη, Δέσποινα), stays as it is.

The portal does not know its users' gender, so the greeting is the neutral «Γεια σας, …,» rather than
«Αγαπητέ/Αγαπητή», which would need it.
"""

import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

_VOWELS = set("αεηιουωάέήίόύώϊϋΐΰ")
# Two letters read as one vowel sound, unless the second carries a diaeresis or the first the accent.
_DIGRAPHS = {"αι", "ει", "οι", "υι", "ου", "αυ", "ευ", "ηυ", "αί", "εί", "οί", "υί", "ού", "αύ", "εύ", "ηύ"}
_ACCENTED = set("άέήίόύώΐΰ")
# Diminutives whose -ιος is one syllable in speech (synizesis), so they take -ο although written as antepenult-
# stressed: Στέλιος → Στέλιο, not *Στέλιε.
_SYNIZESIS = {"στέλιος": "στέλιο"}


def _syllable_nuclei(word: str) -> list[str]:
    """The vowel groups of a lower-case Greek word, left to right (one per written syllable)."""
    nuclei: list[str] = []
    i = 0
    while i < len(word):
        if word[i] in _VOWELS:
            pair = word[i : i + 2]
            if pair in _DIGRAPHS and word[i] not in _ACCENTED:
                nuclei.append(pair)
                i += 2
                continue
            nuclei.append(word[i])
        i += 1
    return nuclei


def _is_greek(word: str) -> bool:
    return any("GREEK" in unicodedata.name(char, "") for char in word)


def vocative(first_name: str) -> str:
    """The Greek vocative of a first name in the nominative: "Γιώργος" → "Γιώργο", "Μαρία" → "Μαρία".

    Each part of a double name is declined ("Γιώργος-Νικόλαος" → "Γιώργο-Νικόλαε"); names not written in Greek
    ("Giorgos") and endings the rules do not cover are returned unchanged. Capitals are kept ("ΝΙΚΟΣ" → "ΝΙΚΟ");
    a name in capitals has no accent to tell the stress by, so its -ος always becomes -ο.
    """
    if "-" in first_name:
        return "-".join(vocative(part) for part in first_name.split("-"))
    if len(first_name) < 3 or not _is_greek(first_name):
        return first_name
    lower = first_name.lower()
    if lower in _SYNIZESIS:
        declined = _SYNIZESIS[lower]
    elif lower.endswith("ός"):  # an oxytone keeps the accent on its ending (rare in names)
        declined = lower[:-2] + "έ"
    elif lower.endswith("ος"):
        nuclei = _syllable_nuclei(lower)
        antepenult_stressed = len(nuclei) > 2 and any(char in _ACCENTED for char in nuclei[-3])
        declined = lower[:-2] + ("ε" if antepenult_stressed else "ο")
    elif lower.endswith(("ης", "ής", "ας", "άς")):
        declined = lower[:-1]
    else:
        return first_name
    # Keep the writer's capitals: Γιώργος, ΓΙΩΡΓΟΣ.
    if first_name.isupper():
        return declined.upper()
    return "".join(
        new.upper() if index < len(first_name) and first_name[index].isupper() else new
        for index, new in enumerate(declined)
    )


def first_name(person) -> str:
    """The first name of a user (its `full_name`) or of a name as typed ("Γιώργος Παπαδόπουλος"); "" if none."""
    name = getattr(person, "full_name", person) if person is not None else ""
    parts = str(name or "").split()
    return parts[0] if parts else ""


def greeting(person) -> str:
    """The opening line of an e-mail to `person` (a user, a full name or None), in the active language.

    Greek: «Γεια σας, Γιώργο,» (the first name in the vocative); English: "Dear Giorgos,"; without a name
    (a user who gave none): «Γεια σας,» / "Hello,".
    """
    name = first_name(person)
    if not name:
        return _("Hello,")
    if (translation.get_language() or "").startswith("el"):
        name = vocative(name)
    return _("Dear %(name)s,") % {"name": name}
