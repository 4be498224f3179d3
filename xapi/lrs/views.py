"""The Learning Record Store mounted at /xapi: every resource module registers on one blueprint."""
import xapi.models  # noqa: F401  (loads the tables)
from xapi.lrs import cli, documents, statements  # noqa: F401  (register their routes and commands)
from xapi.lrs.blueprint import bp

__all__ = ["bp"]

# The emitter listens to the platform's domain events once the LRS is part of the app.
from xapi.emitter import subscribers  # noqa: E402

subscribers.register()
