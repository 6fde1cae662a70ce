"""The in-process outbox sender: a daemon thread that delivers due messages every few seconds.

Several processes may each run one: claims are atomic, so a message goes out once per successful
delivery (at least once overall)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from hetao.notify.mail import MailBackend
from hetao.notify.outbox import deliver_due

log = logging.getLogger(__name__)


class OutboxRunner:
    def __init__(self, factory: sessionmaker[Session], backend: MailBackend, interval: float):
        self.factory = factory
        self.backend = backend
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="outbox-runner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                deliver_due(self.factory, self.backend)
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the sender
                log.exception("outbox delivery failed; retrying in %s s", self.interval)
