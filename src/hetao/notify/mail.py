"""Mail backends. ``console`` prints messages (development), ``smtp`` sends them, ``memory`` keeps them
in a list (tests)."""

from __future__ import annotations

import smtplib
import sys
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from hetao.core.settings import Settings


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    message_id: str


class MailBackend(Protocol):
    def send(self, mail: Mail) -> None: ...


class ConsoleBackend:
    """Writes each message to standard error, for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def send(self, mail: Mail) -> None:
        print(
            f"--- mail {mail.message_id} to {mail.to}\nSubject: {mail.subject}\n\n{mail.body}\n---",
            file=self.stream,
            flush=True,
        )


@dataclass
class MemoryBackend:
    """Keeps sent messages in ``sent`` (tests)."""

    sent: list[Mail] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, mail: Mail) -> None:
        with self._lock:
            self.sent.append(mail)


@dataclass(frozen=True)
class SmtpBackend:
    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = "no-reply@localhost"
    timeout: float = 20.0

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Message-ID"] = f"<{mail.message_id}@hetao-one-stop>"
        message.set_content(mail.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def backend_from_settings(settings: Settings) -> MailBackend:
    if settings.mail_backend == "smtp":
        return SmtpBackend(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            sender=settings.mail_from,
        )
    if settings.mail_backend == "memory":
        return MemoryBackend()
    return ConsoleBackend()
