"""The track demo: the five tracks the seeds name, holders among the demo's past completers, drone licences
lapsing within 90 days and one lapsed, people close to a level, and the demo learner following two tracks."""
from datetime import timedelta

from courses.tracks import queries
from courses.tracks.models import TrackHolding
from lms.auth.permissions import Scope


def test_seed_demo_builds_tracks_holders_and_renewals(db, city, make_employee, monkeypatch):
    from courses import demo as catalogue_demo
    from courses.enrollment import certificates
    from courses.enrollment import demo as enrollment_demo
    from courses.tracks.demo import seed_demo

    monkeypatch.setattr(certificates, "request_certificate", lambda enrollment: None)   # no PDF rendering here
    for n in range(40):
        make_employee(staff_no=f"K{n + 1:06d}", agency=city["patrol"] if n % 2 else city["fire"])
    learner = make_employee(staff_no="L0001")
    catalogue_demo.seed_demo(40, print)
    enrollment_demo.seed_demo(40, print)
    said = []
    seed_demo(40, said.append)
    tracks = {t.code: t for t in queries.tracks()}
    assert set(tracks) == {"procurement", "drone", "cybersecurity", "fire-inspection", "nap"}
    assert tracks["procurement"].levels[1].prerequisite.code == "procurement-basic"
    today = queries.local_today()
    held = queries.holders(Scope(True))
    levels = {row.holding.level.code for row in held}
    assert {"procurement-basic", "drone-professional-basic", "cyber-it", "fire-inspection", "nap"} <= levels
    lapsing = queries.holders(Scope(True), lapsing_by=today + timedelta(days=90), today=today)
    assert any(row.holding.level.code.startswith("drone") for row in lapsing)
    assert db.session.execute(db.select(TrackHolding).filter_by(status="lapsed")).scalars().all()
    assert queries.close_to_award(Scope(True), today)
    assert {m.track.code for m in queries.memberships_of(learner.id)} >= {"procurement", "cybersecurity"}
    seed_demo(40, said.append)                       # a second call adds nothing
    assert "already" in said[-1]
