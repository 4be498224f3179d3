"""Survey answers: the learner's reaction (Kirkpatrick level 1) and the supervisor's follow-up (level 3)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime
from lms.extensions import db


class ReactionResponse(TimestampMixin, db.Model):
    __tablename__ = "reaction_responses"

    id = sa.Column(sa.Integer, primary_key=True)
    enrollment_id = sa.Column(sa.Integer, sa.ForeignKey("enrollments.id", ondelete="CASCADE"), nullable=False,
                              unique=True)
    satisfaction = sa.Column(sa.Integer, nullable=False)   # 1..5
    usefulness = sa.Column(sa.Integer, nullable=False)     # 1..5
    comment = sa.Column(sa.Text, nullable=False, default="")

    enrollment = relationship("Enrollment")


class FollowUpSurvey(TimestampMixin, db.Model):
    """訓後追蹤: the trainee's direct supervisor is asked ~90 days after completion whether work improved."""

    __tablename__ = "follow_up_surveys"

    id = sa.Column(sa.Integer, primary_key=True)
    enrollment_id = sa.Column(sa.Integer, sa.ForeignKey("enrollments.id", ondelete="CASCADE"), nullable=False,
                              unique=True)
    supervisor_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=True, index=True)
    due_on = sa.Column(sa.Date, nullable=False, index=True)
    sent_at = sa.Column(TZDateTime(), nullable=True)
    answered_at = sa.Column(TZDateTime(), nullable=True)
    improved = sa.Column(sa.Boolean, nullable=True)
    comment = sa.Column(sa.Text, nullable=False, default="")

    enrollment = relationship("Enrollment", lazy="joined")
    supervisor = relationship("Employee")
