"""The shared enrolment factories for this folder's tests."""
from tests.courses.enrollment.fixtures import open_run, seated, set_policy, today  # noqa: F401
