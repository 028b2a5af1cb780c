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
