"""Every xAPI model, imported in one place so the blueprint loads them and Alembic sees them."""
from xapi.emitter.models import OutboxEntry  # noqa: F401
from xapi.store.models import Activity, Attachment, Document, LrsClient, Statement, StatementLink  # noqa: F401
from xapi.store.launch_tokens import LaunchCredential  # noqa: F401
