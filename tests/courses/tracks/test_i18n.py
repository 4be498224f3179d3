"""Every text of the track pages has its Traditional Chinese translation, and pages show it by default."""

from tests.i18n import messages_and_missing


def test_every_track_message_has_a_chinese_translation():
    found, missing = messages_and_missing("courses/tracks")
    assert len(found) > 150
    assert missing == []


def test_pages_are_chinese_first(client, procurement, make_user, login):
    login(make_user())
    page = client.get("/tracks/").get_data(as_text=True)
    assert "專業認證" in page and "我的資格" in page and "尚未取得任何資格。" in page
