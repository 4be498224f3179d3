"""Domain events: recorded with the change, handed to subscribers in the same transaction."""
import pytest

from lms.events import services
from lms.events.models import DomainEvent
from lms.events.queries import for_employee, for_object


@pytest.fixture
def received():
    seen = []

    def subscriber(event):
        seen.append((event.kind, event.payload))
    services.subscribe("test.", subscriber)
    yield seen
    services._SUBSCRIBERS.remove(("test.", subscriber))


def test_event_is_recorded_and_dispatched_by_prefix(db, make_employee, received):
    employee = make_employee()
    event = services.record_event("test.completed", employee=employee, obj=employee, hours=6)
    services.record_event("other.thing", employee=employee)
    assert received == [("test.completed", {"hours": 6})]
    assert (event.object_type, event.object_id, event.employee_id) == ("Employee", employee.id, employee.id)
    assert [e.kind for e in for_employee(employee.id)] == ["test.completed", "other.thing"]
    assert [e.id for e in for_object("Employee", employee.id)] == [event.id]


def test_a_failing_subscriber_rolls_back_with_the_change(db, make_employee):
    employee = make_employee()

    def broken(event):
        raise RuntimeError("LRS write failed")
    services.subscribe("fragile.", broken)
    try:
        savepoint = db.session.begin_nested()
        with pytest.raises(RuntimeError):
            services.record_event("fragile.change", employee=employee)
        savepoint.rollback()
    finally:
        services._SUBSCRIBERS.remove(("fragile.", broken))
    assert db.session.execute(db.select(DomainEvent).filter_by(kind="fragile.change")).first() is None
