"""Demo data for the training domain: the real courses and runs named in the Kaohsiung seed documents
(procurement, drone, cybersecurity with 崑山科技大學, fire safety, CEDAW, English, data skills), their
2022–2023 history, and a 2026 annual plan spread over the year with classroom and remote sessions.
Called by `flask lms seed-demo` after the core's agencies and staff exist."""
from __future__ import annotations

from datetime import date, time, timedelta
from typing import Callable

from courses.catalogue.models import Course
from courses.catalogue.services import CourseData, create_course, ensure_mandated_topics, upsert_category
from courses.scheduling.services import (RunData, SessionData, add_session, create_run, save_instructor, save_room,
                                         save_venue)
from lms.agencies.models import Agency
from lms.errors import ConflictError
from lms.extensions import db
from lms.people.models import Employee

CATEGORIES = (
    ("MANDATED", "法定及政策課程", "Mandated and policy courses", 1),
    ("PROC", "政府採購", "Government procurement", 2),
    ("CYBER", "資通安全", "Cybersecurity", 3),
    ("FIRE", "消防與救災", "Fire safety and rescue", 4),
    ("DRONE", "無人機", "Drones", 5),
    ("LANG", "英語學習", "English", 6),
    ("DATA", "數位與資料應用", "Digital and data skills", 7),
)

# code, title zh, title en, category, hours, mode, organiser, topics, prerequisites, audience
COURSES = (
    ("PROC-101", "政府採購專業人員基礎班", "Government procurement professional: basic class", "PROC", 84,
     "in_person", "PER-DEV", ("integrity",), (), "辦理採購業務人員"),
    ("PROC-201", "政府採購專業人員進階班", "Government procurement professional: advanced class", "PROC", 63,
     "in_person", "PER-DEV", ("integrity",), ("PROC-101",), "已具採購基本資格之採購單位主管及人員"),
    ("PROC-301", "機關委託技術服務作業要領及履約常見爭議處理研習班（遠距）",
     "Commissioning technical services and contract disputes (remote)", "PROC", 6, "remote", "PER-DEV", (), (),
     "辦理採購業務人員"),
    ("PROC-302", "工程規劃設計審查與招標注意事項研習班（遠距班）",
     "Reviewing engineering designs and tenders (remote)", "PROC", 3, "remote", "PER-DEV", (), (), "工程及採購人員"),
    ("DRN-101", "無人機專業高級（初階）證照輔導專班", "Drone professional advanced (entry) licence coaching class",
     "DRONE", 30, "in_person", "POL", (), (), "警察局及各機關無人機操作人員"),
    ("CYB-101", "網路架構與部署安全研習班（遠距班）", "Network architecture and deployment security (remote)",
     "CYBER", 12, "remote", "INFO", ("cyber_pro",), (), "資安專職人員及資訊人員"),
    ("CYB-102", "資安事件處理與數位鑑識實務研習班（遠距班）", "Incident handling and digital forensics (remote)",
     "CYBER", 12, "remote", "INFO", ("cyber_pro",), (), "資安專職人員及資訊人員"),
    ("CYB-103", "安全系統發展生命週期研習班（遠距班）", "Secure system development life cycle (remote)",
     "CYBER", 12, "remote", "INFO", ("cyber_pro",), (), "資訊人員"),
    ("CYB-001", "資通安全通識教育訓練", "Cybersecurity awareness (general)", "CYBER", 3, "blended", "INFO",
     ("cyber_general",), (), "全體同仁及主管"),
    ("FIRE-201", "消防安全檢查實務認證班", "Fire-safety inspection certification class", "FIRE", 60, "in_person",
     "FIRE", (), (), "消防局火災預防人員"),
    ("FIRE-202", "特種搜救（NAP）認證專業訓練班", "Special search and rescue (NAP) certification", "FIRE", 30,
     "in_person", "FIRE", (), (), "特種搜救大隊隊員"),
    ("FIRE-203", "山域救援幕僚作業訓練班", "Mountain rescue staff work", "FIRE", 30, "in_person", "FIRE", (), (),
     "消防救災幕僚人員"),
    ("GEN-101", "CEDAW教育訓練（基礎）", "CEDAW training (basic)", "MANDATED", 2, "in_person", "PER-DEV",
     ("gender", "human_rights"), (), "全體同仁"),
    ("GEN-201", "CEDAW教育訓練（進階）", "CEDAW training (advanced)", "MANDATED", 3, "blended", "PER-DEV",
     ("gender", "human_rights"), ("GEN-101",), "性別平等業務承辦人及主管"),
    ("ENV-101", "打造低碳城～看見綠實力研習班（遠距）", "Building a low-carbon city (remote)", "MANDATED", 4,
     "remote", "ENV", ("environment",), (), "全體同仁"),
    ("POL-101", "智在高雄～智慧城市任你行", "Smart Kaohsiung: the smart city", "MANDATED", 1, "online", "PER-DEV",
     ("policy",), (), "全體同仁"),
    ("POL-102", "發現高雄～幸福宜居城市", "Discover Kaohsiung: a liveable city", "MANDATED", 1, "online", "PER-DEV",
     ("policy",), (), "全體同仁"),
    ("POL-103", "魅力高雄～左營文創風華再現", "Charming Kaohsiung: Zuoying's cultural revival", "MANDATED", 1,
     "online", "PER-DEV", ("policy",), (), "全體同仁"),
    ("ENG-101", "英語短講", "English short talks", "LANG", 12, "in_person", "PER-DEV", (), (), "全體同仁"),
    ("ENG-102", "英語會話", "English conversation", "LANG", 18, "in_person", "PER-DEV", (), (), "全體同仁"),
    ("ENG-201", "公務英語", "Official English", "LANG", 12, "blended", "PER-DEV", (), ("ENG-102",), "涉外業務同仁"),
    ("ENG-301", "英檢衝刺班", "English test preparation", "LANG", 18, "in_person", "PER-DEV", (), (),
     "準備參加英語檢定之同仁"),
    ("DATA-101", "資訊視覺化研習班（遠距）", "Information visualisation (remote)", "DATA", 6, "remote", "INFO", (), (),
     "全體同仁"),
    ("DATA-102", "PowerBI 資料視覺化實戰班", "Power BI data visualisation workshop", "DATA", 12, "in_person", "INFO",
     (), (), "業務統計及資料分析人員"),
)

# Past runs from the 2022 plan and the 2023 report: course, first day, last day, days, capacity, partner.
HISTORY = (
    ("PROC-101", date(2022, 9, 1), date(2022, 10, 14), 14, 45, ""),
    ("PROC-101", date(2022, 9, 15), date(2022, 10, 28), 14, 45, ""),
    ("PROC-201", date(2022, 9, 20), date(2022, 11, 16), 10, 40, ""),
    ("CYB-101", date(2022, 9, 23), date(2022, 9, 30), 2, 50, "崑山科技大學"),
    ("CYB-102", date(2022, 10, 5), date(2022, 10, 12), 2, 50, "崑山科技大學"),
    ("CYB-103", date(2022, 10, 14), date(2022, 10, 21), 2, 45, "崑山科技大學"),
    ("CYB-101", date(2022, 10, 24), date(2022, 10, 26), 2, 45, "崑山科技大學"),
    ("FIRE-201", date(2022, 9, 5), date(2022, 9, 19), 10, 35, ""),
    ("DRN-101", date(2023, 2, 6), date(2023, 2, 15), 5, 15, ""),
)

# The 2026 plan: course, months with a run, days per run, capacity.
PLAN_2026 = (
    ("PROC-101", (3, 9), 14, 45), ("PROC-201", (5,), 10, 40), ("PROC-301", (4, 10), 1, 80),
    ("PROC-302", (6,), 1, 80), ("DRN-101", (2, 8), 5, 20), ("CYB-101", (3, 9), 2, 50), ("CYB-102", (4, 10), 2, 50),
    ("CYB-103", (5, 11), 2, 45), ("CYB-001", (3, 6, 9), 1, 40), ("FIRE-201", (9,), 10, 35),
    ("FIRE-202", (7,), 5, 30), ("FIRE-203", (11,), 5, 34), ("GEN-101", (3, 4, 5, 9, 10), 1, 100),
    ("GEN-201", (6, 11), 1, 40), ("ENV-101", (4, 7, 10), 1, 90), ("ENG-101", (3, 9), 2, 30),
    ("ENG-102", (4, 10), 3, 30), ("ENG-201", (5, 11), 2, 30), ("ENG-301", (6, 12), 3, 30),
    ("DATA-101", (4, 8), 1, 80), ("DATA-102", (5, 10), 2, 36),
)

ROOMS = (("201教室", 48), ("202教室", 40), ("301電腦教室", 36), ("國際會議廳", 120))
EXTERNAL_INSTRUCTORS = (
    ("陳建志", "CHEN, CHIEN-CHIH", "崑山科技大學資訊工程系"),
    ("黃雅婷", "HUANG, YA-TING", "崑山科技大學資訊管理系"),
    ("劉宗翰", "LIU, TSUNG-HAN", "行政院公共工程委員會"),
    ("Emily Carter", "Emily Carter", "國立高雄師範大學英語學系"),
    ("吳佳穎", "WU, CHIA-YING", "高雄市政府性別平等辦公室"),
)
MEETING_BASE = "https://meet.example.gov.tw/khh-training/"


def _first_weekday(year: int, month: int, week: int) -> date:
    day = date(year, month, 1) + timedelta(weeks=week)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekdays_from(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _add_sessions(run, course: Course, rooms, instructors, days: list[date]) -> int:
    """One 09:00–16:00 session per training day (the first day online pre-work for blended courses);
    classroom days take the first free room big enough, instructors join when free."""
    added = 0
    for n, day in enumerate(days[:5]):   # long classes: the first week is enough for a demo
        mode = {"remote": "remote", "online": "online_prework"}.get(course.delivery_mode, "in_person")
        if course.delivery_mode == "blended" and n == 0:
            mode = "online_prework"
        url = f"{MEETING_BASE}{run.code.lower()}" if mode == "remote" else ""
        candidates = [r for r in rooms if r.seats >= run.capacity] if mode == "in_person" else [None]
        for room in candidates:
            for teachers in (instructors, ()):
                try:
                    add_session(run, SessionData(day=day, start=time(9), end=time(16), mode=mode,
                                                 room_id=room.id if room else None, meeting_url=url,
                                                 instructor_ids=tuple(i.id for i in teachers)))
                except ConflictError:
                    continue
                added += 1
                break
            else:
                continue
            break
    return added


def seed_demo(staff_count: int, echo: Callable[[str], None] = print) -> None:
    if db.session.execute(db.select(Course.id).limit(1)).scalar() is not None:
        echo("Courses already present; the training demo data was not added.")
        return
    ensure_mandated_topics()
    for code, name_zh, name_en, order in CATEGORIES:
        upsert_category(code, name_zh, name_en, order)
    agencies = {a.code for a in db.session.execute(db.select(Agency)).scalars()}
    fallback = "PER-DEV" if "PER-DEV" in agencies else sorted(agencies)[0]
    courses: dict[str, Course] = {}
    for code, zh, en, category, hours, mode, organiser, topics, prerequisites, audience in COURSES:
        courses[code] = create_course(CourseData(
            code=code, title_zh=zh, title_en=en, category_code=category, credited_hours=hours, delivery_mode=mode,
            agency_code=organiser if organiser in agencies else fallback, topic_codes=topics,
            prerequisite_codes=prerequisites, target_audience=audience))
    venue = save_venue("公務人力發展中心", "Civil Service Development Center", "高雄市")
    rooms = [save_room(venue, name, seats) for name, seats in ROOMS]
    lecturers = [save_instructor(zh, en, affiliation) for zh, en, affiliation in EXTERNAL_INSTRUCTORS]
    staff = db.session.execute(db.select(Employee).filter_by(staff_no="I0001")).scalar_one_or_none()
    if staff is not None:
        lecturers.append(save_instructor("", employee=staff))
    teachers_for = {"CYBER": lecturers[:2], "PROC": lecturers[2:3], "LANG": lecturers[3:4],
                    "MANDATED": lecturers[4:5] + lecturers[5:]}

    runs = sessions = 0
    for code, starts_on, ends_on, days, capacity, partner in HISTORY:
        course = courses[code]
        run = create_run(course, RunData(year=starts_on.year, starts_on=starts_on, ends_on=ends_on, days=days,
                                         capacity=capacity, status="planned", partner=partner,
                                         run_type="co_organised" if partner else "self_run"))
        sessions += _add_sessions(run, course, rooms, teachers_for.get(course.category.code, ()),
                                  _weekdays_from(starts_on, days))
        run.status = "finished"   # history: set after its sessions, which a finished run no longer takes
        runs += 1
    for code, months, days, capacity in PLAN_2026:
        course = courses[code]
        for week, month in enumerate(months):
            schedule = _weekdays_from(_first_weekday(2026, month, week % 3 + 1), days)
            opens = schedule[0] - timedelta(days=45)
            run = create_run(course, RunData(
                year=2026, starts_on=schedule[0], ends_on=schedule[-1], days=days, capacity=capacity,
                min_size=min(10, capacity), status="open" if month >= 3 else "planned",
                enrol_opens_on=opens, enrol_closes_on=schedule[0] - timedelta(days=14),
                partner="崑山科技大學" if course.category.code == "CYBER" else "",
                run_type="co_organised" if course.category.code == "CYBER" else "self_run"))
            sessions += _add_sessions(run, course, rooms, teachers_for.get(course.category.code, ()), schedule)
            runs += 1
    db.session.flush()
    echo(f"Seeded {len(courses)} courses, {runs} class runs and {sessions} sessions "
         f"(2026 plan at /plan/2026).")
