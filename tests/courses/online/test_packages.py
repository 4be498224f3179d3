"""Package checks and unpacking: structure (cmi5.xml, tincan.xml, plain), path traversal, absolute paths,
symlinks, zip bombs, declared sizes, limits, and the files landing in object storage."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from courses.online.packages import Limits
from lms.errors import RuleBrokenError, ValidationFailed
from lms.storage import get_storage
from tests.courses.online.conftest import au_xml, cmi5_xml, zip_of

INDEX = b"<!DOCTYPE html><p>hi</p>"


def messages(exc_info) -> str:
    return " ".join(m for _, m in exc_info.value.errors)


def test_sample_package_is_unpacked_into_storage(online_course, upload):
    from courses.online.demo import sample_zip

    package = upload(online_course, sample_zip())
    assert package.kind == "cmi5" and package.version == 1
    assert package.publisher_id == "https://lms.kcg.gov.tw/sample/cmi5/gender-mainstreaming"
    [unit] = package.units
    assert (unit.url, unit.move_on, unit.mastery_score, unit.launch_method) == (
        "index.html", "CompletedAndPassed", 0.6, "AnyWindow")
    assert unit.title_zh == "性別主流化入門" and unit.title_en == "Gender mainstreaming basics"
    storage = get_storage()
    with storage.open(f"{package.storage_prefix}/au.js") as stored:
        assert b"auth-token" in stored.read()
    assert package.file_count == 4 and package.total_bytes > 1000


def test_a_new_upload_replaces_the_package(online_course, upload, course_with_units):
    first = course_with_units(("Passed", "0.8"))
    package = upload(first, zip_of({"cmi5.xml": cmi5_xml(au_xml(1) + au_xml(2)), "index.html": INDEX}))
    assert package.version == 2 and [u.position for u in package.units] == [1, 2]


@pytest.mark.parametrize("name", ["../evil.html", "a/../../evil.html", "/etc/passwd", "C:/windows/evil.dll",
                                  "a\\..\\evil.html", "./index.html"])
def test_unsafe_member_names_are_refused(online_course, upload, name):
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"index.html": INDEX, name: b"x"}), completion_rule="last_page",
               last_page="index.html")
    assert name in messages(exc)


def test_symlinks_are_refused(online_course, upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", INDEX)
        link = zipfile.ZipInfo("secrets.html")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    buffer.seek(0)
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, buffer, completion_rule="last_page", last_page="index.html")
    assert "符號連結" in messages(exc)


def test_zip_bomb_ratio_is_refused(online_course, upload):
    bomb = zip_of({"index.html": INDEX, "video.mp4": b"\0" * (5 * 1024 * 1024)})
    assert bomb.getbuffer().nbytes < 100_000
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, bomb, completion_rule="last_page", last_page="index.html")
    assert "壓縮炸彈" in messages(exc)


def _lie_about_size(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size of `name` in the central directory and the local header."""
    raw = bytearray(data)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack("<H", raw[central + 28:central + 30])[0]
        if raw[central + 46:central + 46 + name_len] == name:
            struct.pack_into("<I", raw, central + 24, declared)
            local = struct.unpack("<I", raw[central + 42:central + 46])[0]
            struct.pack_into("<I", raw, local + 22, declared)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def _stored_files() -> set:
    return {p for p in Path(get_storage().root).rglob("*") if p.is_file()}


def test_member_larger_than_declared_is_refused_and_nothing_is_left(online_course, upload):
    before = _stored_files()
    data = zip_of({"index.html": INDEX, "big.txt": b"abc" * 20000}).getvalue()
    lying = io.BytesIO(_lie_about_size(data, b"big.txt", 10))
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, lying, completion_rule="last_page", last_page="index.html")
    assert "big.txt" in messages(exc) or "已損毀" in messages(exc)
    assert _stored_files() == before


@pytest.mark.parametrize("limits, expected", [
    (Limits(entries=2), "個項目"),
    (Limits(file_bytes=100), "解壓後過大"),
    (Limits(total_bytes=150, file_bytes=1000), "教材包解壓後為"),
])
def test_limits(online_course, limits, expected):
    from courses.online import services

    data = zip_of({"index.html": INDEX, "a.txt": b"a" * 120, "b.txt": b"b" * 120})
    with pytest.raises(ValidationFailed) as exc:
        services.upload_package(online_course, services.PackageUpload(data, "p.zip", completion_rule="last_page",
                                                                     last_page="index.html"), limits=limits)
    assert expected in messages(exc)


def test_not_a_zip(online_course, upload):
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, io.BytesIO(b"%PDF-1.4 not a zip"), filename="course.zip")
    assert "content does not match" in messages(exc)


def test_cmi5_package_without_cmi5_xml(online_course, upload):
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"index.html": INDEX}), kind="cmi5")
    assert "cmi5.xml" in messages(exc)


@pytest.mark.parametrize("xml, expected", [
    (b"<courseStructure><course", "不是有效的 XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
     b'<courseStructure>&b;</courseStructure>', "不是有效的 XML"),
    (b"<courseStructure/>", "根元素"),
    (cmi5_xml(""), "未列出任何學習單元"),
    (cmi5_xml(au_xml(1, move_on="Finished")), "moveOn 值 Finished"),
    (cmi5_xml(au_xml(1, mastery="1.5")), "masteryScore"),
    (cmi5_xml(au_xml(1, url="missing.html")), "missing.html 不是教材包中的檔案"),
    (cmi5_xml(au_xml(1, url="../outside.html")), "../outside.html 不是教材包中的檔案"),
    (cmi5_xml(au_xml(1, url="javascript:alert(1)")), "http(s) 網址"),
])
def test_bad_cmi5_xml(online_course, upload, xml, expected):
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"cmi5.xml": xml, "index.html": INDEX}))
    assert expected in messages(exc)


def test_external_au_url_is_accepted(online_course, upload):
    package = upload(online_course, zip_of({"cmi5.xml": cmi5_xml(au_xml(1, url="https://au.example.org/start"))}))
    assert package.units[0].url == "https://au.example.org/start"


def test_tincan_package(online_course, upload):
    xml = (b'<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>'
           b'<activity id="https://example.org/tc/1" type="http://adlnet.gov/expapi/activities/course">'
           b'<name>Tin Can course</name><launch lang="en-US">start.html</launch></activity></activities></tincan>')
    package = upload(online_course, zip_of({"tincan.xml": xml, "start.html": INDEX}))
    assert package.kind == "tincan" and package.units[0].url == "start.html"
    assert package.units[0].move_on == "CompletedOrPassed"


def test_plain_package_needs_index_and_a_rule(online_course, upload):
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"page.html": INDEX}))
    assert "index.html" in messages(exc)
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"index.html": INDEX}), completion_rule="last_page", last_page="end.html")
    assert [f for f, _ in exc.value.errors] == ["last_page"]
    with pytest.raises(ValidationFailed) as exc:
        upload(online_course, zip_of({"index.html": INDEX}), completion_rule="watched", watched_percent=0)
    assert [f for f, _ in exc.value.errors] == ["watched_percent"]
    package = upload(online_course, zip_of({"index.html": INDEX, "video.html": INDEX}), completion_rule="watched",
                     watched_percent=80)
    assert (package.kind, package.completion_rule, package.watched_percent) == ("html", "watched", 80)


def test_only_online_courses_take_packages(make_course, upload):
    with pytest.raises(RuleBrokenError):
        upload(make_course(delivery_mode="in_person"), zip_of({"index.html": INDEX}))
