"""Every text of the report pages has its Traditional Chinese translation."""

from tests.i18n import messages_and_missing


def test_every_report_message_has_a_chinese_translation():
    found, missing = messages_and_missing("courses/reports")
    assert len(found) > 80
    assert missing == []
