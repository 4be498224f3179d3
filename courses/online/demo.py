"""Demo data for online courses: one self-paced course (gender mainstreaming, 1 hour) with the sample
cmi5 package uploaded. Called by `flask lms seed-demo` after the catalogue's demo exists."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable

from courses.catalogue.services import CourseData, create_course
from courses.online import queries, services

SAMPLE_DIR = Path(__file__).parent / "sample_course"
DEMO_COURSE = CourseData(
    code="GEN-ONL-101", title_zh="性別主流化入門（線上）", title_en="Gender mainstreaming basics (online)",
    category_code="MANDATED", credited_hours=1, agency_code="KHH", delivery_mode="online",
    description_zh="自學線上課程：三頁課文與測驗，通過測驗並讀完即認證 1 小時。",
    description_en="Self-paced: three pages and a quiz; pass the quiz and finish to be credited 1 hour.",
    target_audience="全體同仁", topic_codes=("gender",))


def sample_zip() -> io.BytesIO:
    """The sample cmi5 course as a zip, built from its folder (the package the demo and tests upload)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SAMPLE_DIR.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    buffer.seek(0)
    return buffer


def seed_demo(staff_count: int, echo: Callable[[str], None] = print) -> None:
    course = queries.online_course(DEMO_COURSE.code) or create_course(DEMO_COURSE)
    if queries.package_of(course.id) is None:
        services.upload_package(course, services.PackageUpload(sample_zip(), "gender-mainstreaming-cmi5.zip"))
    echo(f"Online course {course.code} with the sample cmi5 package.")
