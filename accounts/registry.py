"""Personal data that other apps keep about a user, for "download my data" and "delete my account".

Apps above `accounts` (identity_verification, appointments, requests_tracker) register a section in their
`AppConfig.ready()`; accounts never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    export: Callable[[Any], Any]
    # Delete what may be deleted and anonymise what the law says must be kept. Runs inside the deletion's
    # transaction, before the account itself is anonymised.
    erase: Callable[[Any], None]


_sections: dict[str, PersonalDataSection] = {}


def register_personal_data(section: PersonalDataSection) -> None:
    _sections[section.key] = section


def personal_data_sections() -> list[PersonalDataSection]:
    return list(_sections.values())
