"""Factories for the online-course tests: an online course with the sample cmi5 package, zips built on
the fly, a launch with its parsed parameters, and statements sent with a launch token."""
from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
BASE = "http://localhost/"


def zip_of(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def cmi5_xml(aus: str, course_id: str = "https://example.org/course/1") -> bytes:
    return (f'<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
            f'<course id="{course_id}"><title><langstring lang="zh-TW">課程</langstring></title></course>'
            f'{aus}</courseStructure>').encode()


def au_xml(n: int, move_on: str = "Completed", mastery: str | None = None, url: str = "index.html") -> str:
    mastery_attr = f' masteryScore="{mastery}"' if mastery is not None else ""
    return (f'<au id="https://example.org/course/1/au/{n}" moveOn="{move_on}"{mastery_attr}>'
            f'<title><langstring lang="zh-TW">單元{n}</langstring><langstring lang="en-US">Unit {n}</langstring>'
            f'</title><url>{url}</url></au>')


@pytest.fixture
def online_course(make_course):
    return make_course(delivery_mode="online", credited_hours=2, topic_codes=("gender",))


@pytest.fixture
def upload(db):
    from courses.online import services

    def do_upload(course, data: io.BytesIO, filename="course.zip", **kw):
        return services.upload_package(course, services.PackageUpload(data, filename, **kw))
    return do_upload


@pytest.fixture
def sample_course(online_course, upload):
    from courses.online.demo import sample_zip

    upload(online_course, sample_zip())
    return online_course


@pytest.fixture
def course_with_units(online_course, upload):
    """An online course whose package has one AU per moveOn given."""
    def factory(*rules: tuple[str, str | None]):
        aus = "".join(au_xml(n, move_on, mastery) for n, (move_on, mastery) in enumerate(rules, start=1))
        upload(online_course, zip_of({"cmi5.xml": cmi5_xml(aus), "index.html": b"<p>hi</p>"}))
        return online_course
    return factory


@pytest.fixture
def launch(db):
    """Launch a unit for an employee; returns the launch with its query parameters and fetch code."""
    from courses.online import queries, services

    def do_launch(employee, course, position=1):
        package = queries.package_of(course.id)
        unit = next(u for u in package.units if u.position == position)
        result = services.launch_unit(employee, course, unit, base_url=BASE, return_url=BASE + "back",
                                      player_url="/player")
        query = {k: v[0] for k, v in parse_qs(urlsplit(result.url).query).items()}
        fetch_code = query["fetch"].rsplit("/", 1)[-1] if "fetch" in query else None
        return SimpleNamespace(launch=result, url=result.url, params=query, fetch_code=fetch_code,
                               actor=json.loads(query["actor"]) if "actor" in query else None,
                               registration=result.registration.registration,
                               activity_id=query.get("activityId"))
    return do_launch


@pytest.fixture
def au_session(client, launch):
    """A launched AU holding its auth token: `.send(verb, **result)` posts a statement as the AU would."""
    def start(employee, course, position=1):
        launched = launch(employee, course, position)
        response = client.post(f"/online/fetch/{launched.fetch_code}")
        assert response.status_code == 200, response.get_data(as_text=True)
        token = response.get_json()["auth-token"]

        def send(verb, *, actor=None, registration=None, categories=(CMI5,), **result):
            statement = {"id": str(uuid.uuid4()), "actor": actor or launched.actor,
                         "verb": {"id": verb if "://" in verb else ADL + verb, "display": {"en-US": verb}},
                         "object": {"objectType": "Activity", "id": launched.activity_id},
                         "context": {"registration": registration or launched.registration,
                                     "contextActivities": {"category": [{"id": c} for c in categories]}}}
            if result:
                statement["result"] = result
            return client.post("/xapi/statements", json=statement, headers={
                "Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3"})

        def get(resource, **query):
            return client.get("/xapi/" + resource, query_string=query, headers={
                "Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3"})

        return SimpleNamespace(**vars(launched), token=token, send=send, get=get,
                               key=base64.b64decode(token).decode().split(":")[0])
    return start
