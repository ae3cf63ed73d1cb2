"""`manage.py send_reminders`: each office gets its own due and overdue milestones, by e-mail (locmem
backend) and by a signed webhook (a local HTTP server); a failing webhook is retried and logged while
the other offices still get theirs."""

import datetime
import hashlib
import hmac
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from notifications.models import DeliveryAttempt, ReminderSettings

from .factories import MilestoneFactory, OfficeFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = datetime.date(2018, 6, 11)
HANG_SECONDS = 1.0


class Receiver(BaseHTTPRequestHandler):
    """Answers by path: /ok 200, /fail 500, /hang after HANG_SECONDS (past the client's timeout)."""

    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path == "/hang":
            time.sleep(HANG_SECONDS)
        self.send_response(500 if self.path == "/fail" else 200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.REMINDER_WEBHOOK_TIMEOUT = 0.3
    settings.REMINDER_WEBHOOK_ATTEMPTS = 3
    settings.REMINDER_WEBHOOK_BACKOFF = 0


def office_with(code: str, *milestones: tuple[str, int, bool]):
    """An office and one project with milestones (name, days from today, done)."""
    office = OfficeFactory(code=code, name=f"{code}指挥部")
    project = ProjectFactory(office=office, name=f"{code}项目")
    for name, days, done in milestones:
        planned = TODAY + datetime.timedelta(days=days)
        MilestoneFactory(project=project, name=name, planned_date=planned, actual_date=planned if done else None)
    return office


def run(**options) -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out, **options)
    return out.getvalue()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def offices(receiver):
    flood = office_with("flood", ("开工", -5, False), ("水闸完工", 3, False), ("已完成", -2, True), ("远期", 30, False))
    road = office_with("road", ("路基完工", -1, False))
    school = office_with("school", ("竣工", 6, False))
    quiet = office_with("quiet", ("远期竣工", 40, False), ("早已完成", -40, True))
    ReminderSettings.objects.create(
        office=flood,
        email_recipients="a@flood.example, b@flood.example",
        webhook_url=f"{receiver}/ok",
        webhook_secret="s1",
    )
    ReminderSettings.objects.create(office=road, webhook_url=f"{receiver}/fail", webhook_secret="s2")
    ReminderSettings.objects.create(
        office=school, email_recipients="head@school.example", webhook_url=f"{receiver}/hang", webhook_secret="s3"
    )
    ReminderSettings.objects.create(
        office=quiet, email_recipients="q@quiet.example", webhook_url=f"{receiver}/ok", webhook_secret="s4"
    )
    return {"flood": flood, "road": road, "school": school, "quiet": quiet}


def test_each_office_gets_its_own_milestones_by_email(offices):
    run()

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("a@flood.example", "b@flood.example"), ("head@school.example",)}
    flood = by_recipient["a@flood.example", "b@flood.example"]
    assert "逾期1个" in flood.subject and "7天内到期1个" in flood.subject
    assert "flood项目「开工」" in flood.body and "已逾期5天" in flood.body and "flood项目「水闸完工」" in flood.body
    assert "已完成" not in flood.body and "远期" not in flood.body and "路基完工" not in flood.body
    assert "school项目「竣工」" in by_recipient["head@school.example",].body


def test_the_webhook_is_signed_over_its_raw_body(offices, receiver):
    run()

    (ok,) = [request for request in Receiver.received if request["path"] == "/ok"]
    headers, body = ok["headers"], ok["body"]
    assert headers["X-Shuitou-Signature"] == signature("s1", body)
    assert not hmac.compare_digest(headers["X-Shuitou-Signature"], signature("wrong", body))
    payload = json.loads(body)
    assert payload["office"]["code"] == "flood" and payload["event"] == "milestones.reminder"
    assert headers["X-Shuitou-Timestamp"] == str(payload["sent_at"])
    assert [m["name"] for m in payload["overdue"]] == ["开工"]
    assert [(m["name"], m["days_left"]) for m in payload["due_soon"]] == [("水闸完工", 3)]


def test_a_failing_or_hanging_webhook_is_retried_and_logged_while_the_others_get_theirs(offices):
    started = time.monotonic()
    output = run()
    elapsed = time.monotonic() - started

    attempts = {
        code: list(DeliveryAttempt.objects.filter(office=office, channel="webhook").order_by("attempt"))
        for code, office in offices.items()
    }
    assert [(a.attempt, a.succeeded, a.status_code) for a in attempts["flood"]] == [(1, True, 200)]
    assert [(a.attempt, a.succeeded, a.status_code) for a in attempts["road"]] == [
        (1, False, 500),
        (2, False, 500),
        (3, False, 500),
    ]
    assert [(a.succeeded, a.status_code) for a in attempts["school"]] == [(False, None)] * 3
    assert all("timed out" in a.error for a in attempts["school"])
    assert attempts["quiet"] == []
    assert [request["path"] for request in Receiver.received].count("/fail") == 3
    # The school's e-mail went out although its webhook hung.
    assert DeliveryAttempt.objects.get(office=offices["school"], channel="email").succeeded
    assert "webhook" in output and "FAILED after 3 attempt(s): HTTP 500" in output
    assert "FAILED after 3 attempt(s): timed out" in output
    # Offices run side by side: three timeouts of one office do not add up to the others' waits.
    assert elapsed < 3 * 0.3 + HANG_SECONDS * 3


def test_every_attempt_is_timed_and_belongs_to_the_run(offices):
    run()

    runs = set(DeliveryAttempt.objects.values_list("run", flat=True))
    assert len(runs) == 1
    assert all(attempt.duration_ms >= 0 for attempt in DeliveryAttempt.objects.all())
    assert DeliveryAttempt.objects.get(office=offices["flood"], channel="email").milestones == 2


def test_offices_with_nothing_due_get_nothing(offices):
    output = run()

    assert "quiet" not in output
    assert not DeliveryAttempt.objects.filter(office=offices["quiet"]).exists()
    assert not any(message.to == ["q@quiet.example"] for message in mail.outbox)


def test_days_widens_the_window(offices):
    run(days=45)

    assert any(message.to == ["q@quiet.example"] for message in mail.outbox)


def test_a_dry_run_sends_nothing(offices):
    output = run(dry_run=True)

    assert mail.outbox == [] and Receiver.received == [] and not DeliveryAttempt.objects.exists()
    assert "dry run" in output
    assert "would e-mail a@flood.example, b@flood.example" in output
    assert "would POST to" in output and '"office": {"id"' in output


def test_an_office_without_a_channel_is_reported_not_failed(receiver):
    office_with("bare", ("开工", -1, False))

    output = run()

    assert "bare" in output and "no reminder channel" in output


def test_the_command_fails_only_when_every_delivery_failed(receiver):
    road = office_with("road", ("路基完工", -1, False))
    ReminderSettings.objects.create(office=road, webhook_url=f"{receiver}/fail", webhook_secret="s2")

    with pytest.raises(CommandError, match="Every reminder delivery failed"):
        run()
    assert DeliveryAttempt.objects.filter(succeeded=False).count() == 3


def test_a_webhook_needs_a_secret():
    office = OfficeFactory()
    settings = ReminderSettings(office=office, webhook_url="https://example.org/hook")

    with pytest.raises(Exception, match="secret"):
        settings.full_clean()
