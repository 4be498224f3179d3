"""Benchmark the track report's "close to a level" list at a city's scale: 2,000 members of a two-level track
with 6,000 completions, exam results and licences, in a fresh SQLite database (temporary folder).

The report loads the evidence of every member set-based (queries.evidence_for: five queries whatever the
number of members) and applies the rules in memory. Baseline in the same run: the same evidence loaded one
member at a time (what a per-person loop would do). Prints both, and the ratio.

    .venv/bin/python bench/tracks.py [--members 2000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(members: int) -> None:
    from courses.catalogue.services import CourseData, create_course, upsert_category
    from courses.enrollment.models import Enrollment
    from courses.scheduling.services import RunData, create_run
    from courses.tracks import services
    from courses.tracks.models import TrackMembership
    from courses.tracks.services import LevelData, RequirementData, TrackData
    from lms.agencies.services import upsert_agency
    from lms.extensions import db
    from lms.people.models import Employee

    city = upsert_agency("KHH", "高雄市政府", "Kaohsiung", "city", None)
    upsert_category("CYBER", "資通安全", "Cybersecurity", 1)
    courses = [create_course(CourseData(code=f"CYB-{n}", title_zh=f"資安課程{n}", title_en="", category_code="CYBER",
                                        credited_hours=6, agency_code="KHH", topic_codes=("cyber_pro",)))
               for n in range(3)]
    runs = [create_run(c, RunData(year=2026, starts_on=datetime(2026, 3, 2).date(), ends_on=datetime(2026, 3, 3).date(),
                                  capacity=5000, status="finished")) for c in courses]
    track = services.save_track(TrackData("cyber", "資安專業人員"))
    basic = services.save_level(track, LevelData("cyber-1", "資訊人員", 1))
    services.save_requirement(basic, RequirementData("course", course_code="CYB-0"))
    services.save_requirement(basic, RequirementData("topic_hours", topic_codes=("cyber_pro",), hours=12, sort_order=1))
    advanced = services.save_level(track, LevelData("cyber-2", "資安專職人員", 2, prerequisite_code="cyber-1"))
    services.save_requirement(advanced, RequirementData("yearly_hours", topic_codes=("cyber_pro",), hours=18))
    db.session.execute(db.insert(Employee), [
        {"staff_no": f"B{n:06d}", "name_zh": f"員工{n}", "name_en": "", "agency_id": city.id, "job_title": "",
         "rank_class": "other", "cyber_role": "it", "is_supervisor": False, "is_active": True} for n in range(members)])
    ids = list(db.session.execute(db.select(Employee.id)).scalars())
    now = datetime(2026, 3, 3, 9, tzinfo=timezone.utc)
    db.session.execute(db.insert(TrackMembership), [
        {"track_id": track.id, "employee_id": i, "via": "self", "joined_at": now} for i in ids])
    rows = []
    for i in ids:
        for n, run in enumerate(runs[: 1 + i % 3]):
            rows.append({"run_id": run.id, "employee_id": i, "status": "seated", "seq": i, "via": "import",
                         "requested_at": now, "outcome": "completed", "digital_hours": 6, "physical_hours": 0,
                         "minutes_attended": 0, "completed_at": now + timedelta(days=n), "no_show": False,
                         "created_at": now, "updated_at": now, "decision_reason": "", "cancel_reason": ""})
    db.session.execute(db.insert(Enrollment), rows)
    db.session.commit()


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import flask_migrate

    from lms import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench-" * 6,
                          "INSTANCE_PATH": tmp, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
            build(args.members)
            from courses.tracks import queries
            from lms.auth.permissions import Scope

            today = queries.local_today()
            ids = [m.employee_id for m in
                   queries.db.session.execute(queries.db.select(queries.TrackMembership)).scalars()]
            close = queries.close_to_award(Scope(True), today)
            batched = timed(lambda: queries.close_to_award(Scope(True), today), args.repeat)
            one_by_one = timed(lambda: [queries.evidence_for([i], today) for i in ids], args.repeat)
    print(f"members: {len(ids)}, close to a level: {len(close)}")
    print(f"close_to_award (set-based evidence, whole report list): {batched * 1000:8.1f} ms")
    print(f"baseline: evidence loaded one member at a time:          {one_by_one * 1000:8.1f} ms")
    print(f"ratio baseline / set-based: {one_by_one / batched:.1f}x")


if __name__ == "__main__":
    main()
