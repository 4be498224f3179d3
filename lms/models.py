"""Every model of the core, imported in one place so metadata is complete for Alembic."""
from lms.agencies.models import Agency  # noqa: F401
from lms.auth.models import LoginAttempt, RoleGrant, User  # noqa: F401
from lms.events.models import DomainEvent  # noqa: F401
from lms.notifications.models import Notification  # noqa: F401
from lms.people.models import Employee  # noqa: F401
from lms.stamps import data_stamps  # noqa: F401
