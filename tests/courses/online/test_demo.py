"""The online-course demo: one self-paced course with the sample cmi5 package, seeded once."""
from __future__ import annotations


def test_seed_demo_uploads_the_sample_course(db, make_category, city):
    from courses.online import queries
    from courses.online.demo import DEMO_COURSE, seed_demo

    make_category(DEMO_COURSE.category_code)
    said = []
    seed_demo(0, said.append)
    course = queries.online_course(DEMO_COURSE.code)
    package = queries.package_of(course.id)
    assert (course.delivery_mode, float(course.credited_hours)) == ("online", 1.0)
    assert package.kind == "cmi5" and package.version == 1 and [u.move_on for u in package.units] == [
        "CompletedAndPassed"]
    seed_demo(0, said.append)  # a second run keeps the package
    assert queries.package_of(course.id).version == 1 and len(said) == 2
