"""The xAPI-specific errors that lms.errors has no class for (the rest reuse lms.errors)."""
from __future__ import annotations

from lms.errors import DomainError


class UnauthorizedError(DomainError):
    status = 401


class PreconditionFailedError(DomainError):
    status = 412


class PayloadTooLargeError(DomainError):
    status = 413
