"""Every text of the subsidy pages has its Traditional Chinese translation, and pages show it by default."""

from tests.i18n import messages_and_missing


def test_every_subsidy_message_has_a_chinese_translation():
    found, missing = messages_and_missing("courses/subsidies")
    assert len(found) > 150
    assert missing == []


def test_pages_are_chinese_first(client, this_year_rules, make_user, login):
    login(make_user())
    page = client.get("/subsidies/").get_data(as_text=True)
    assert "英檢報名費補助" in page and "同一 CEFR 等級僅補助一次" in page
