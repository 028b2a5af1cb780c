"""A local SMTP server that records what it receives: the stand-in for the municipality's mail relay."""

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Recorder:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.received.set()
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpStub:
    def __init__(self):
        self._recorder = _Recorder()
        self.port = _free_port()
        self._controller = Controller(self._recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpStub":
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self._recorder.messages

    def wait_for_message(self, timeout: float) -> bool:
        return self._recorder.received.wait(timeout)
