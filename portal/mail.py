"""The console e-mail backend of `make run` (EMAIL_URL=console://), printing what a reader would see.

Django's own prints the wire form: a Greek subject as `=?utf-8?b?...?=` and bodies quoted-printable. This one prints
the headers decoded, then the plain text, then one line for each other part (the HTML alternative, attachments).
"""

from email import message_from_bytes, policy

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        wire = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        for name in ("From", "To", "Cc", "Reply-To", "Subject", "Date"):
            if wire[name] is not None:
                self.stream.write(f"{name}: {str(wire[name]).strip()}\n")
        self.stream.write("\n")
        text = wire.get_body(preferencelist=("plain",))
        if text is not None:
            self.stream.write(text.get_content().rstrip("\n") + "\n")
        for part in wire.walk():
            if part.is_multipart() or part is text:
                continue
            name = part.get_filename()
            kind = part.get_content_type()
            self.stream.write(f"\n[{kind}{f' {name}' if name else ''}, {len(part.get_content())} characters]\n")
        self.stream.write("-" * 79 + "\n")
