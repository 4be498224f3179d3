"""Enrolment: self-enrolment, nomination, supervisor approval, seats and waitlists, per-agency quotas,
blended pre-work gating, completion results and certificates."""
