"""The enrolment demo seeder: history with attendance and results, the fire-safety class's 93.75 %
follow-up share, a certificate, and a second call that adds nothing."""
from courses.demo import seed_demo as seed_courses
from courses.enrollment.demo import seed_demo
from courses.enrollment.models import Certificate, Enrollment
from courses.evaluation.queries import run_evaluation
from courses.scheduling.models import ClassRun


def test_seed_demo_adds_history_follow_up_and_certificates(db, city, make_employee):
    for _ in range(40):
        make_employee()
    said = []
    seed_courses(40, said.append)
    seed_demo(40, said.append)
    assert "past enrolments" in said[-1]
    assert db.session.execute(db.select(db.func.count(Enrollment.id))).scalar() >= 100
    fire = db.session.execute(db.select(ClassRun).where(ClassRun.code.like("FIRE-201-111%"))).scalar_one()
    assert run_evaluation(fire.id).improved_share == 93.75
    assert db.session.execute(db.select(db.func.count(Certificate.id)).where(Certificate.storage_key.is_not(None))).scalar() >= 1
    no_shows = db.session.execute(db.select(db.func.count(Enrollment.id)).filter_by(no_show=True)).scalar()
    assert no_shows >= 1
    seed_demo(40, said.append)
    assert "already" in said[-1]
