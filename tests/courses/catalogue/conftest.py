"""The shared enrolment factories: the course page counts the seats taken in each run."""
from tests.courses.enrollment.fixtures import open_run, seated, set_policy, today  # noqa: F401
