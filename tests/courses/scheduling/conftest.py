"""The shared enrolment factories (invitations go to the people seated in a run) and a mail server."""
import pytest

from tests.courses.enrollment.fixtures import open_run, seated, set_policy, today  # noqa: F401
from tests.courses.scheduling.smtp_sink import SmtpSink


@pytest.fixture
def mailbox(app, monkeypatch):
    """A real SMTP server on a free local port that keeps every message; the app delivers to it."""
    with SmtpSink() as sink:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
        yield sink
