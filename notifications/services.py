"""Sending the reminders of one run: build each office's list, deliver it on its channels, log every attempt.

Offices are independent: their deliveries run side by side in threads, so a webhook that hangs until
its timeout, or answers 5xx through all its retries, delays nobody else. The threads only talk to the
network and the mail backend; the attempts are written to the log table afterwards, in this thread.
"""

import datetime
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation

from .delivery import Delivery, deliver_email, deliver_webhook
from .models import DeliveryAttempt
from .selectors import Reminder, reminders_by_office

MAX_PARALLEL_OFFICES = 8


@dataclass
class OfficeOutcome:
    reminder: Reminder
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class ReminderRun:
    run: uuid.UUID
    as_of: datetime.date
    days: int
    dry_run: bool
    outcomes: list[OfficeOutcome] = field(default_factory=list)

    @property
    def deliveries(self) -> list[Delivery]:
        return [delivery for outcome in self.outcomes for delivery in outcome.deliveries]

    @property
    def all_failed(self) -> bool:
        """True when there was something to deliver and not one delivery got through."""
        deliveries = self.deliveries
        return bool(deliveries) and not any(delivery.succeeded for delivery in deliveries)


def reminder_payload(reminder: Reminder, *, as_of: datetime.date, days: int, sent_at: int) -> dict:
    """The webhook's JSON body (and what a dry run shows)."""

    def milestone(m) -> dict:
        project = m.project
        return {
            "id": m.pk,
            "name": m.name,
            "planned_date": m.planned_date,
            "days_overdue": m.days_overdue,
            "days_left": max((m.planned_date - as_of).days, 0),
            "delay_reason": m.delay_reason,
            "project": {"id": project.pk, "code": project.code, "name": project.name},
        }

    office = reminder.office
    return {
        "event": "milestones.reminder",
        "sent_at": sent_at,
        "as_of": as_of,
        "days": days,
        "office": {"id": office.pk, "code": office.code, "name": office.name},
        "overdue": [milestone(m) for m in reminder.overdue],
        "due_soon": [milestone(m) for m in reminder.due_soon],
    }


def reminder_email(reminder: Reminder, *, as_of: datetime.date, days: int) -> tuple[str, str]:
    """Subject and plain-text body, from templates an office may override (notifications/reminder_*.txt)."""
    context = {"reminder": reminder, "office": reminder.office, "as_of": as_of, "days": days}
    with translation.override("zh-hans"):
        subject = render_to_string("notifications/reminder_subject.txt", context).strip()
        body = render_to_string("notifications/reminder_body.txt", context)
    return " ".join(subject.split()), body


def reminders_send(*, as_of: datetime.date, days: int, dry_run: bool = False) -> ReminderRun:
    """Builds the reminders as of `as_of` and, unless `dry_run`, delivers them and logs every attempt."""
    run = ReminderRun(run=uuid.uuid4(), as_of=as_of, days=days, dry_run=dry_run)
    run.outcomes = [OfficeOutcome(reminder) for reminder in reminders_by_office(today=as_of, days=days)]
    if dry_run:
        return run
    planned = [(outcome, reminder_messages(outcome.reminder, as_of=as_of, days=days)) for outcome in run.outcomes]
    sendable = [(outcome, messages) for outcome, messages in planned if messages]
    if sendable:
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_OFFICES, len(sendable))) as pool:
            sent = pool.map(lambda item: _deliver(item[0].reminder, item[1]), sendable)
            for (outcome, _messages), deliveries in zip(sendable, sent, strict=True):
                outcome.deliveries = deliveries
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            run=run.run,
            office=outcome.reminder.office,
            channel=delivery.channel,
            target=delivery.target[:500],
            attempt=attempt.number,
            succeeded=attempt.succeeded,
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
            milestones=outcome.reminder.milestone_count,
        )
        for outcome in run.outcomes
        for delivery in outcome.deliveries
        for attempt in delivery.attempts
    )
    return run


def webhook_body(reminder: Reminder, *, as_of: datetime.date, days: int, sent_at: int) -> bytes:
    payload = reminder_payload(reminder, as_of=as_of, days=days, sent_at=sent_at)
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Message:
    """One message of a reminder on one channel: what `_deliver` sends, and what a dry run shows."""

    channel: str
    target: str  # the recipients, or the webhook's URL
    subject: str
    body: str | bytes
    sent_at: int


def reminder_messages(reminder: Reminder, *, as_of: datetime.date, days: int) -> list[Message]:
    """The messages of a reminder on the office's channels (none when it has none, or they are off)."""
    settings = reminder.settings
    if settings is None or not settings.enabled:
        return []
    messages = []
    sent_at = int(time.time())
    if settings.recipients:
        subject, body = reminder_email(reminder, as_of=as_of, days=days)
        messages.append(Message("email", ", ".join(settings.recipients), subject, body, sent_at))
    if settings.webhook_url:
        body = webhook_body(reminder, as_of=as_of, days=days, sent_at=sent_at)
        messages.append(Message("webhook", settings.webhook_url, "", body, sent_at))
    return messages


def _deliver(reminder: Reminder, messages: list[Message]) -> list[Delivery]:
    """Sends the messages, each on its channel; touches only the network (it runs in a thread of its own)."""
    settings, label = reminder.settings, reminder.office.code
    deliveries = []
    for message in messages:
        if message.channel == "email":
            deliveries.append(
                deliver_email(recipients=settings.recipients, subject=message.subject, body=message.body, label=label)
            )
        else:
            deliveries.append(
                deliver_webhook(
                    url=settings.webhook_url,
                    secret=settings.webhook_secret,
                    body=message.body,
                    timestamp=message.sent_at,
                    label=label,
                )
            )
    return deliveries
