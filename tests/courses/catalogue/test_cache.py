"""The catalogue's cached page parts (lms.stamps): a search's result list and a course's description and runs
are served again until a write to the catalogue's tables changes its stamp; seats and the editors' links are
never cached; the cache keeps languages apart.

On SQLite the tests' own writes change the stamp at once. On PostgreSQL the stamp changes at commit, so inside
a test's rolled-back transaction nothing is cached (tests/lms/test_stamps.py covers the commits)."""
from courses.catalogue import services
from courses.catalogue.models import CATALOGUE_STAMP, CATALOGUE_STAMP_TABLES
from courses.enrollment import services as enrolment
from lms.stamps import fragment_cache, read_stamp, stamped_tables


def test_every_table_the_pages_read_has_the_stamps_triggers(db):
    assert stamped_tables(CATALOGUE_STAMP) == CATALOGUE_STAMP_TABLES


def test_a_changed_course_shows_at_once_in_the_search_and_on_its_page(db, learner_client, make_course):
    course = make_course(code="CACHE-1", title_zh="快取測試課程", title_en="Cache course")
    for _ in range(2):                   # the second time from the cache where there is one
        assert "快取測試課程" in learner_client.get("/courses/?q=快取").get_data(as_text=True)
        assert "快取測試課程" in learner_client.get("/courses/CACHE-1").get_data(as_text=True)
    course.title_zh = "改名後的課程"
    db.session.flush()
    search = learner_client.get("/courses/?q=課程").get_data(as_text=True)
    assert "改名後的課程" in search and "快取測試課程" not in search
    assert "改名後的課程" in learner_client.get("/courses/CACHE-1").get_data(as_text=True)
    services.archive_course(course)
    assert "CACHE-1" not in learner_client.get("/courses/?q=課程").get_data(as_text=True)


def test_a_cached_course_page_counts_its_seats_on_every_view(db, learner_client, make_course, open_run,
                                                             make_employee, count_queries):
    course = make_course(code="CACHE-2")
    run = open_run(course=course, capacity=5)
    assert "尚餘 5 個名額" in learner_client.get("/courses/CACHE-2").get_data(as_text=True)
    enrolment.enroll(run, make_employee())
    db.session.flush()
    with count_queries() as counted:
        html = learner_client.get("/courses/CACHE-2").get_data(as_text=True)
    assert "尚餘 4 個名額" in html and run.code in html
    if read_stamp(CATALOGUE_STAMP) is None:
        assert db.engine.dialect.name == "postgresql"     # this test's transaction has written: not cached
    else:
        assert len(counted) == 4, counted  # the user, the course, the stamp, the seats: the rest came from the cache
        assert len(fragment_cache()) > 0


def test_each_language_gets_its_own_copy(db, learner_client, make_course):
    make_course(code="CACHE-3", title_zh="雙語快取課程", title_en="Bilingual cached course")
    assert "雙語快取課程" in learner_client.get("/courses/?q=CACHE-3").get_data(as_text=True)
    learner_client.post("/locale/en", data={"next": "/courses/"})
    english = learner_client.get("/courses/?q=CACHE-3").get_data(as_text=True)
    assert "Bilingual cached course" in english and "雙語快取課程" not in english
    assert "Bilingual cached course" in learner_client.get("/courses/CACHE-3").get_data(as_text=True)
