"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it accepts.

The server can be stopped and started again on the same port (an outage), made to refuse
chosen recipients (``refuse``), or every message at the DATA stage (``refuse_data``).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server took it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    # The client's address and port: messages with the same peer came over one connection.
    peer: tuple[str, int]


class RecordingHandler:
    """aiosmtpd handler that keeps what it accepts and refuses what it is told to."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.rcpt_attempts: list[str] = []
        self.recipient_replies: dict[str, str] = {}
        self.data_reply: str | None = None
        self.delay = 0.0
        # Close each connection once a message is accepted, as servers limiting a
        # connection to one message (or timing out idle ones) do.
        self.hang_up_after_data = False
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.rcpt_attempts.append(address)
        reply = self.recipient_replies.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            # Keeps senders that run at the same time overlapping.
            await asyncio.sleep(self.delay)
        if self.data_reply is not None:
            return self.data_reply
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), message, session.peer)
            )
        if self.hang_up_after_data:
            # Runs once the reply is written and the server waits for the next command.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on a free local port that can go down and come back on that port."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = _free_port()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def messages(self) -> list[EmailMessage]:
        return [received.message for received in self.handler.received]

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    def start(self) -> None:
        if self._controller is None:
            # A stopped controller has closed its event loop: every start needs a new one.
            controller = Controller(self.handler, hostname=HOST, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        """Answer RCPT TO for ``address`` with ``reply`` (a 4xx or 5xx line)."""
        self.handler.recipient_replies[address.lower()] = reply

    def refuse_data(self, reply: str | None) -> None:
        """Answer every DATA with ``reply``; None accepts again."""
        self.handler.data_reply = reply

    def count_by_message_id(self) -> Counter[str]:
        """How many times each Message-ID arrived."""
        return Counter(str(message["Message-ID"]) for message in self.messages)

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["To"]).lower() == address.lower()]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that keeps what it receives; stopped when the test ends."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
