"""Demo tracks as the seeds name them (DOMAIN.md "Certification tracks named in the seeds", §1, §3, §4):
government procurement professional (basic, then advanced), drone operator licence prep, cybersecurity
professional (yearly hours by role), fire-safety inspection (the 60-hour class) and special search and
rescue (NAP); members drawn from the demo's past completers, exam results, drone licences (some expiring
within 90 days, one lapsed) and the demo learner L0001 following two tracks. Called by `flask lms seed-demo`
after the enrolment demo."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from courses.enrollment.models import Enrollment
from courses.scheduling.models import ClassRun
from courses.catalogue.models import Course
from courses.tracks import queries, services
from courses.tracks.models import Track
from courses.tracks.services import LevelData, LicenceData, RequirementData, TrackData
from lms.errors import DomainError
from lms.extensions import db
from lms.people.models import Employee

PROC_SUBJECTS = ("政府採購法規", "採購實務", "招標與決標")
PROC_ADVANCED_SUBJECTS = ("進階採購法規", "履約管理與爭議處理")

# track, its levels: (LevelData, [RequirementData...])
TRACKS = (
    (TrackData("procurement", "政府採購專業人員", "Government procurement professional",
               "依政府採購法第95條：基本資格＝基礎訓練＋測驗；進階資格＝基本資格＋進階訓練＋測驗。缺課逾十分之一不得參加測驗；"
               "總分70分以上且無任一科零分為及格。", sort_order=1),
     ((LevelData("procurement-basic", "基本資格", 1, "Basic"),
       (RequirementData("course", "完成政府採購專業人員基礎班", course_code="PROC-101"),
        RequirementData("exam", "基礎班測驗（總分70%以上、無任一科零分）", course_code="PROC-101",
                        subjects=PROC_SUBJECTS, pass_mark=70, no_zero=True, max_absence_share=0.1, sort_order=1))),
      (LevelData("procurement-advanced", "進階資格", 2, "Advanced", prerequisite_code="procurement-basic"),
       (RequirementData("course", "完成政府採購專業人員進階班", course_code="PROC-201"),
        RequirementData("exam", "進階班測驗（總分70%以上、無任一科零分）", course_code="PROC-201",
                        subjects=PROC_ADVANCED_SUBJECTS, pass_mark=70, no_zero=True, max_absence_share=0.1,
                        sort_order=1))))),
    (TrackData("drone", "遙控無人機操作證", "Drone operator licence",
               "民航局遙控無人機操作證：專業操作證（基本級／高級），效期2年，屆期前30日內換證。", sort_order=2),
     ((LevelData("drone-professional-basic", "專業操作證（基本級）", 1, "Professional, basic", validity_kind="licence"),
       (RequirementData("course", "完成無人機專業高級（初階）證照輔導專班", course_code="DRN-101"),
        RequirementData("licence", "登錄民航局專業操作證（基本級以上）", licence_kind="professional",
                        licence_level="basic", sort_order=1))),
      (LevelData("drone-professional-advanced", "專業操作證（高級）", 2, "Professional, advanced",
                 prerequisite_code="drone-professional-basic", validity_kind="licence"),
       (RequirementData("licence", "登錄民航局專業操作證（高級）", licence_kind="professional",
                        licence_level="advanced"),)))),
    (TrackData("cybersecurity", "資安專業人員", "Cybersecurity professional",
               "資通安全責任等級分級辦法：資訊人員每年3小時通識、每2年3小時專業；資安專職人員每年12小時專業課程。"
               "時數以年度計，未達者資格失效。", sort_order=3),
     ((LevelData("cyber-it", "資訊人員", 1, "IT staff", validity_kind="annual"),
       (RequirementData("yearly_hours", "本年度資安通識3小時", topic_codes=("cyber_general",), hours=3),
        RequirementData("topic_hours", "資安專業課程3小時", topic_codes=("cyber_pro",), hours=3, sort_order=1))),
      (LevelData("cyber-dedicated", "資安專職人員", 2, "Dedicated security staff", validity_kind="annual"),
       (RequirementData("yearly_hours", "本年度資安專業課程12小時", topic_codes=("cyber_pro",), hours=12),)))),
    (TrackData("fire-inspection", "消防安全檢查認證", "Fire-safety inspection certification",
               "消防安全檢查實務認證班：10天、60小時。", sort_order=4),
     ((LevelData("fire-inspection", "消防安全檢查員", 1, "Fire-safety inspector"),
       (RequirementData("course", "完成消防安全檢查實務認證班（60小時）", course_code="FIRE-201"),)),)),
    (TrackData("nap", "特種搜救（NAP）認證", "Special search and rescue (NAP)", "特種搜救（NAP）認證專業訓練。", sort_order=5),
     ((LevelData("nap", "特種搜救認證", 1, "NAP certified"),
       (RequirementData("course", "完成特種搜救（NAP）認證專業訓練班", course_code="FIRE-202"),)),)),
)


def seed_tracks() -> dict[str, Track]:
    """The tracks above; a requirement whose course is not in the catalogue is left out."""
    made = {}
    for track_data, levels in TRACKS:
        track = services.save_track(track_data)
        for level_data, requirements in levels:
            level = services.save_level(track, level_data)
            for requirement in requirements:
                if requirement.course_code and queries.course_by_code(requirement.course_code) is None:
                    continue
                services.save_requirement(level, requirement)
        made[track.code] = track
    return made


def _completers(course_code: str) -> list[Employee]:
    return list(db.session.execute(
        db.select(Employee).join(Enrollment, Enrollment.employee_id == Employee.id)
        .join(ClassRun, Enrollment.run_id == ClassRun.id).join(Course, ClassRun.course_id == Course.id)
        .where(Course.code == course_code, Enrollment.outcome == "completed")
        .group_by(Employee.id).order_by(Employee.staff_no)).scalars())


def _join(track: Track, people: list[Employee]) -> list[Employee]:
    joined = []
    for employee in people:
        try:
            services.join_track(track, employee, via="nomination")
            joined.append(employee)
        except DomainError:
            continue
    return joined


def _exam(track: Track, rank: int):
    level = next(lv for lv in track.levels if lv.rank == rank)
    return next((r for r in level.requirements if r.kind == "exam"), None)


def _sit(requirement, employee: Employee, scores: dict, taken_on: date) -> bool:
    try:
        return services.record_exam_result(requirement, employee, scores, taken_on=taken_on).passed
    except DomainError:   # barred by absence
        return False


def _procurement(track: Track) -> int:
    members = _join(track, _completers("PROC-101")[:12])
    basic, passed = _exam(track, 1), 0
    if basic is None:
        return 0
    for n, employee in enumerate(members[:9]):
        # The ninth scores a zero in one subject: 63 % would fail anyway, the zero fails it on its own.
        scores = ({s: (0 if i == 1 else 95) for i, s in enumerate(basic.subjects)} if n == 8 else
                  {s: 70 + (n * 3 + i * 7) % 25 for i, s in enumerate(basic.subjects)})
        passed += _sit(basic, employee, scores, date(2022, 11, 25))
    advanced = _exam(track, 2)
    advanced_people = {e.id for e in _completers("PROC-201")}
    for employee in members[:8]:
        if advanced is not None and employee.id in advanced_people:
            _sit(advanced, employee, {s: 82 for s in advanced.subjects}, date(2022, 12, 20))
    return passed


def _drone(track: Track, today: date) -> int:
    members = _join(track, _completers("DRN-101"))
    plans = [(700, "basic"), (680, "basic"), (650, "basic"), (200, "basic"), (150, "advanced"), (120, "basic"),
             (90, "basic")]
    for n, (days_ago, level) in enumerate(plans[:max(0, len(members) - 3)]):
        services.record_licence(members[n], LicenceData(
            kind="professional", level=level, number=f"CAA-UAV-{112000 + n:06d}",
            issued_on=today - timedelta(days=days_ago), groups=("G1",) if level == "advanced" else (),
            structure="multirotor"))
    if len(members) > len(plans):
        # One licence that ran out 20 days ago: awarded back then, lapsed now.
        lapsed = members[len(plans)]
        issued = today - timedelta(days=730 + 20)
        services.record_licence(lapsed, LicenceData(kind="professional", level="basic", number="CAA-UAV-111999",
                                                    issued_on=issued, structure="multirotor"))
        services.evaluate_employee(lapsed.id, today=issued + timedelta(days=30))
        services.lapse_expired(today)
    return len(members)


def _completers_of(codes: tuple[str, ...]) -> list[Employee]:
    people = {e.id: e for code in codes for e in _completers(code)}
    return sorted(people.values(), key=lambda e: e.staff_no)


def _complete(course_code: str, people: list[Employee], today: date) -> int:
    """Results of this year's run of the course imported for `people` (as the centre does after a class):
    each completion is an "enrollment.completed" event, which awards the levels it completes."""
    from courses.enrollment.services import import_completions

    run = db.session.execute(
        db.select(ClassRun).join(Course, ClassRun.course_id == Course.id)
        .where(Course.code == course_code, ClassRun.year == today.year, ClassRun.ends_on < today)
        .order_by(ClassRun.ends_on.desc()).limit(1)).scalar_one_or_none()
    if run is None or not people:
        return 0
    return import_completions(run, [{"staff_no": e.staff_no, "outcome": "completed"} for e in people]).accepted


def seed_demo(staff_count: int, echo: Callable[[str], None] = print) -> None:
    if queries.tracks(active_only=False):
        echo("Tracks already present; the track demo data was not added.")
        return
    today = queries.local_today()
    made = seed_tracks()
    passed = _procurement(made["procurement"])
    drone = _drone(made["drone"], today)
    cyber = _join(made["cybersecurity"], _completers_of(("CYB-101", "CYB-102", "CYB-103"))[:30])
    _complete("CYB-001", cyber[:12], today)       # this year's general hours: the IT-staff level
    _complete("CYB-101", cyber[:4], today)        # 12 professional hours this year: the dedicated level
    fire = _join(made["fire-inspection"], _completers("FIRE-201")[:25])
    rescuers = [e for e in _completers("FIRE-201") if e not in fire] + fire
    nap = _join(made["nap"], rescuers[:14])
    _complete("FIRE-202", nap[:10], today)
    learner = db.session.execute(db.select(Employee).filter_by(staff_no="L0001")).scalar_one_or_none()
    if learner is not None:
        for code in ("procurement", "cybersecurity"):
            if queries.membership(made[code].id, learner.id) is None:
                services.join_track(made[code], learner)
    db.session.flush()
    echo(f"Seeded {len(made)} certification tracks: {passed} procurement exam passes, {drone} drone members, "
         f"{len(cyber)} cybersecurity, {len(fire)} fire-safety and {len(nap)} NAP members.")
