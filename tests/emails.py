import re

from django.core import mail


def last_email_to(address: str):
    messages = [message for message in mail.outbox if address in message.to]
    assert messages, f"no e-mail to {address}; sent: {[(m.to, m.subject) for m in mail.outbox]}"
    return messages[-1]


def link_in(message, path_fragment: str) -> str:
    match = re.search(rf"https?://\S*{re.escape(path_fragment)}\S*", message.body)
    assert match, f"no link containing {path_fragment} in:\n{message.body}"
    return match.group(0)


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def calendar_part(message):
    """The iMIP part of a sent e-mail, parsed from the wire form: (Content-Type header, method param, Calendar).

    Fails if the message has no text/calendar part.
    """
    from email import message_from_bytes, policy

    from icalendar import Calendar

    wire = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    for part in wire.walk():
        if part.get_content_type() == "text/calendar":
            return part["Content-Type"], part.get_param("method"), Calendar.from_ical(part.get_content())
    raise AssertionError(f"no text/calendar part in {message.subject!r}")
