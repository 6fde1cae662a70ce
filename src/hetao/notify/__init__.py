"""Notifications: an outbox written in the same transaction as the change that causes it, delivered
afterwards by a mail backend (console, SMTP, or memory for tests), and shown in the site."""

from hetao.notify.mail import ConsoleBackend, MailBackend, MemoryBackend, SmtpBackend, backend_from_settings
from hetao.notify.models import OutboxMessage
from hetao.notify.outbox import deliver_due, enqueue, messages_for, withdraw

__all__ = [
    "ConsoleBackend",
    "MailBackend",
    "MemoryBackend",
    "OutboxMessage",
    "SmtpBackend",
    "backend_from_settings",
    "deliver_due",
    "enqueue",
    "messages_for",
    "withdraw",
]
