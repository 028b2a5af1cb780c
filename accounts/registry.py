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
    # What deleting the account will do beyond removing data, one sentence each in the active language, for
    # the confirmation page (e.g. "Your appointment of … will be cancelled; the clerk will be told.").
    consequences: Callable[[Any], list[str]] | None = None


_sections: dict[str, PersonalDataSection] = {}


def register_personal_data(section: PersonalDataSection) -> None:
    _sections[section.key] = section


def personal_data_sections() -> list[PersonalDataSection]:
    return list(_sections.values())


def erase_consequences(user) -> list[str]:
    """Every section's consequences of deleting `user`'s account, in registration order."""
    return [line for section in _sections.values() if section.consequences for line in section.consequences(user)]


@dataclass(frozen=True)
class AccountSetting:
    """A choice another app keeps for the person, shown on the account page with a link to change it."""

    key: str
    label: Any  # a lazy string
    # The current choice in words, in the active language, for this user.
    describe: Callable[[Any], str]
    url_name: str


_settings: dict[str, AccountSetting] = {}


def register_account_setting(setting: AccountSetting) -> None:
    _settings[setting.key] = setting


def account_settings(user) -> list[dict]:
    """[{"label", "value", "url_name"}] for the account page, in registration order."""
    return [
        {"label": setting.label, "value": setting.describe(user), "url_name": setting.url_name}
        for setting in _settings.values()
    ]
