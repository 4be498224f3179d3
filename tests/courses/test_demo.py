from courses.catalogue.models import Course
from courses.demo import seed_demo
from courses.scheduling.models import ClassRun, ClassSession
from courses.scheduling.queries import annual_plan


def test_seed_demo_builds_a_plan_with_remote_and_classroom_sessions(db, city):
    said = []
    seed_demo(10, said.append)
    assert db.session.execute(db.select(db.func.count(Course.id))).scalar() >= 20
    plan = annual_plan(2026)
    assert plan.total.runs >= 30 and len(plan.by_month) >= 10
    modes = set(db.session.execute(db.select(ClassSession.mode).distinct()).scalars())
    assert {"remote", "in_person", "online_prework"} <= modes
    remote = db.session.execute(db.select(ClassSession).filter_by(mode="remote").limit(1)).scalar_one()
    assert remote.meeting_url.startswith("https://") and remote.room is None
    cyber = db.session.execute(db.select(ClassRun).join(Course).filter(Course.code == "CYB-101")).scalars().all()
    assert any(r.partner == "崑山科技大學" and r.status == "finished" for r in cyber)
    seed_demo(10, said.append)                       # a second call adds nothing
    assert "already" in said[-1]
