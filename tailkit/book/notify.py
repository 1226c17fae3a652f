"""Delivering alerts: the log, a JSON webhook (HTTP POST) and e-mail (SMTP).

A notifier is an object with ``send(alerts) -> None`` that raises
:class:`~tailkit.errors.DataError` naming the destination when delivery fails; :func:`notify`
sends through several and returns the failures (one notifier failing does not stop the others).

:func:`deliver_pending` is what ``tailkit book alerts`` and ``tailkit book watch`` use: it
claims every open alert not yet delivered (``alerts.notify_claimed_at`` set in one write
transaction, so two processes never both send an alert), sends them, then records the delivery
(``alerts.notified_at``) or, when a notifier failed, releases the claim so the next cycle
retries. A claim older than :data:`CLAIM_LEASE` whose delivery was never recorded (the sender
was killed in between) is taken again. Delivery is therefore at least once: after a failure
of one notifier, or a killed sender, the alert is sent again; receivers de-duplicate by ``id``.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from tailkit.book.alerts import Alert
from tailkit.book.params import NotifyParams
from tailkit.book.store import Book, utc_now
from tailkit.errors import DataError

__all__ = [
    "Notifier",
    "LogNotifier",
    "WebhookNotifier",
    "SmtpNotifier",
    "notify",
    "notifiers_for",
    "Delivery",
    "deliver_pending",
    "CLAIM_LEASE",
]

#: how long another process's claim on an alert is honoured (longer than any send timeout)
CLAIM_LEASE = timedelta(minutes=10)
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"

LOGGER = logging.getLogger("tailkit.book.alerts")
_LEVELS = {"info": logging.INFO, "warning": logging.WARNING, "critical": logging.CRITICAL}


class Notifier(Protocol):
    """Anything with ``send(alerts)``."""

    def send(self, alerts: Sequence[Alert]) -> None:
        """Deliver the alerts."""


@dataclass(frozen=True, slots=True)
class LogNotifier:
    """Write each alert to the ``tailkit.book.alerts`` logger at its severity's level."""

    logger: logging.Logger = LOGGER

    def send(self, alerts: Sequence[Alert]) -> None:
        """Log the alerts."""
        for a in alerts:
            self.logger.log(_LEVELS[a.severity], "[%s] alert %s %s: %s", a.severity, a.id, a.rule, a.message)


@dataclass(frozen=True, slots=True)
class WebhookNotifier:
    """POST ``{"alerts": [...]}`` as JSON to ``url``; any non-2xx answer is a failure.

    Attributes
    ----------
    url : str
        ``http://`` or ``https://`` endpoint.
    timeout : float, default=10
        Seconds.
    """

    url: str
    timeout: float = 10.0

    def send(self, alerts: Sequence[Alert]) -> None:
        """POST the alerts."""
        if not alerts:
            return
        body = json.dumps({"alerts": [a.to_dict() for a in alerts]}, default=str).encode()
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            raise DataError(f"webhook {self.url}: answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DataError(f"webhook {self.url}: cannot deliver ({exc})") from None
        if not 200 <= status < 300:
            raise DataError(f"webhook {self.url}: answered HTTP {status}")


@dataclass(frozen=True, slots=True)
class SmtpNotifier:
    """One e-mail listing the alerts, through an SMTP server.

    Attributes
    ----------
    host : str
    port : int
    sender : str
    recipients : tuple of str
    timeout : float, default=10
    """

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    timeout: float = 10.0

    def send(self, alerts: Sequence[Alert]) -> None:
        """Send one message for all the alerts."""
        if not alerts:
            return
        worst = max(alerts, key=lambda a: ("info", "warning", "critical").index(a.severity)).severity
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.recipients)
        msg["Subject"] = f"tailkit book: {len(alerts)} alert(s), {worst}"
        msg.set_content("\n".join(f"[{a.severity}] {a.rule}: {a.message}" for a in alerts) + "\n")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise DataError(f"smtp {self.host}:{self.port}: cannot deliver ({exc})") from None


def notify(alerts: Sequence[Alert], notifiers: Sequence[Notifier]) -> list[str]:
    """Send the alerts through every notifier; return the failures' messages (empty when all delivered)."""
    failures: list[str] = []
    for n in notifiers:
        try:
            n.send(alerts)
        except DataError as exc:
            failures.append(str(exc))
    return failures


def notifiers_for(params: NotifyParams) -> list[Notifier]:
    """The log notifier, plus the webhook and the SMTP notifier when ``params`` names them."""
    out: list[Notifier] = [LogNotifier()]
    if params.webhook:
        out.append(WebhookNotifier(params.webhook))
    if params.smtp_host:
        out.append(
            SmtpNotifier(
                params.smtp_host,
                params.smtp_port,
                params.smtp_from,
                tuple(params.smtp_to),
                timeout=params.smtp_timeout,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Delivery:
    """What :func:`deliver_pending` did.

    Attributes
    ----------
    alerts : tuple of Alert
        The alerts sent (all of them were claimed).
    failures : tuple of str
        Failed notifiers' messages; when not empty the alerts stay pending (retried).
    """

    alerts: tuple[Alert, ...]
    failures: tuple[str, ...]

    @property
    def delivered(self) -> int:
        """Alerts delivered to every notifier (0 after a failure)."""
        return 0 if self.failures else len(self.alerts)


def deliver_pending(book: Book, notifiers: Sequence[Notifier], lease: timedelta = CLAIM_LEASE) -> Delivery:
    """Send every open, not yet delivered alert through ``notifiers`` (see the module docstring).

    Parameters
    ----------
    book : Book
        The book whose ``alerts`` table is read and updated.
    notifiers : sequence of Notifier
        Where to send.
    lease : timedelta
        How long a claim by another process is honoured: an alert claimed longer ago than this
        (its sender died between claiming and delivering) is claimed again and resent.
    """
    now = datetime.now(UTC)
    stamp = now.strftime(_STAMP)
    expired = (now - lease).strftime(_STAMP)
    pending = (
        "acknowledged_at IS NULL AND notified_at IS NULL "
        "AND (notify_claimed_at IS NULL OR notify_claimed_at < ?)"
    )
    with book.transaction() as conn:
        rows = conn.execute(
            f"SELECT id, rule, key, severity, message, payload FROM alerts WHERE {pending} ORDER BY id",
            (expired,),
        ).fetchall()
        conn.executemany(
            f"UPDATE alerts SET notify_claimed_at = ? WHERE id = ? AND {pending}",
            [(stamp, int(r[0]), expired) for r in rows],
        )
    alerts = tuple(
        Alert(str(r[1]), str(r[2]), str(r[3]), str(r[4]), json.loads(r[5] or "{}"), int(r[0])) for r in rows
    )
    if not alerts:
        return Delivery((), ())
    failures = tuple(notify(alerts, notifiers))
    with book.transaction() as conn:
        if failures:
            conn.executemany(
                "UPDATE alerts SET notify_claimed_at = NULL WHERE id = ? AND notify_claimed_at = ?",
                [(a.id, stamp) for a in alerts],
            )
        else:
            conn.executemany(
                "UPDATE alerts SET notified_at = ? WHERE id = ? AND notify_claimed_at = ?",
                [(utc_now(), a.id, stamp) for a in alerts],
            )
    return Delivery(alerts, failures)
