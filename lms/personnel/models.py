"""Tables of the hours ledger: the projection of the LRS (records, their topics, the ingestion
checkpoint), review decisions that survive a rebuild, external learning, requirement rule sets and
the state of the push to the HR system."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Hours = sa.Numeric(7, 2, asdecimal=False)

# LearningRecord.status
PENDING, CERTIFIED, REJECTED = "pending", "certified", "rejected"
STATUSES = (PENDING, CERTIFIED, REJECTED)
# LearningRecord.source
SOURCE_LRS, SOURCE_EXTERNAL = "lrs", "external"
# 學習性質: 1 數位, 2 實體, 3 混成
MODE_DIGITAL, MODE_PHYSICAL, MODE_BLENDED = 1, 2, 3


class IngestCheckpoint(db.Model):
    """How far the ledger has read the LRS (the last Statement.seq looked at)."""

    __tablename__ = "hours_checkpoints"

    name = sa.Column(sa.String(32), primary_key=True)
    last_seq = sa.Column(BigId, nullable=False, default=0)
    updated_at = sa.Column(TZDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class LearningRecord(db.Model):
    """Hours credited to one employee by one completion (an LRS statement or approved external learning).

    A projection: `flask lms rebuild-hours` deletes and re-creates every row; review decisions live in
    HoursReview so they survive. `agency_id` is the agency at the time of learning (history survives
    a transfer); reviews follow the employee's current agency.
    """

    __tablename__ = "learning_records"
    __table_args__ = (
        sa.Index("ix_learning_records_employee_year", "employee_id", "year"),
        sa.Index("ix_learning_records_status_year", "status", "year"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    source = sa.Column(sa.String(16), nullable=False, default=SOURCE_LRS)
    source_ref = sa.Column(sa.String(64), nullable=False, unique=True)  # statement id or "external:<id>"
    # Same employee, activity, registration and year: a later completion or failure replaces the earlier one.
    completion_key = sa.Column(sa.String(40), nullable=False, index=True)
    statement_seq = sa.Column(BigId, nullable=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False)
    agency_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=True)
    year = sa.Column(sa.Integer, nullable=False)
    course_code = sa.Column(sa.String(64), nullable=False, default="")
    course_title = sa.Column(sa.String(255), nullable=False, default="")
    provider = sa.Column(sa.String(120), nullable=False, default="")
    term = sa.Column(sa.String(20), nullable=False, default="")
    started_on = sa.Column(sa.Date, nullable=True)
    completed_on = sa.Column(sa.Date, nullable=False)
    hours = sa.Column(Hours, nullable=False, default=0)
    digital_hours = sa.Column(Hours, nullable=False, default=0)
    physical_hours = sa.Column(Hours, nullable=False, default=0)
    learning_mode = sa.Column(sa.SmallInteger, nullable=False, default=MODE_PHYSICAL)
    portal_category = sa.Column(sa.String(8), nullable=False, default="")
    portal_course_code = sa.Column(sa.String(40), nullable=False, default="")  # set: class opened on the portal
    score = sa.Column(sa.Float, nullable=True)
    certificate_no = sa.Column(sa.String(80), nullable=False, default="")
    attendance = sa.Column(sa.String(200), nullable=False, default="")
    job_related = sa.Column(sa.Boolean, nullable=False, default=True)
    # Topic tags (policy, environment, gender, cyber_pro...) as ",a,b,": a quota is one LIKE per topic on
    # rows already narrowed to the employee and period, so no join table is needed (and a rebuild
    # inserts one row per completion).
    topic_codes = sa.Column(sa.String(255), nullable=False, default=",")
    status = sa.Column(sa.String(16), nullable=False, default=PENDING)
    updated_at = sa.Column(TZDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    employee = relationship("Employee")

    @property
    def topics(self) -> list[str]:
        return [t for t in self.topic_codes.split(",") if t]


def topic_codes(topics) -> str:
    return "," + ",".join(sorted(set(topics))) + ("," if topics else "")


class HoursReview(db.Model):
    """The personnel officer's decision on one record, kept apart from the projection."""

    __tablename__ = "hours_reviews"

    source_ref = sa.Column(sa.String(64), primary_key=True)
    decision = sa.Column(sa.String(16), nullable=False)
    reason = sa.Column(sa.String(300), nullable=False, default="")
    reviewer_user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    decided_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)


# ExternalLearning.status
SUBMITTED, APPROVED, DECLINED = "submitted", "approved", "declined"


class ExternalLearning(TimestampMixin, db.Model):
    """A course taken elsewhere that a learner submits with proof; hours count once approved."""

    __tablename__ = "external_learnings"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    title = sa.Column(sa.String(255), nullable=False)
    provider = sa.Column(sa.String(120), nullable=False)
    started_on = sa.Column(sa.Date, nullable=False)
    ended_on = sa.Column(sa.Date, nullable=False)
    hours = sa.Column(Hours, nullable=False)
    learning_mode = sa.Column(sa.SmallInteger, nullable=False, default=MODE_PHYSICAL)
    topics = sa.Column(sa.String(255), nullable=False, default="")  # comma-separated topic codes
    job_related = sa.Column(sa.Boolean, nullable=False, default=True)
    proof_key = sa.Column(sa.String(255), nullable=False)
    proof_name = sa.Column(sa.String(255), nullable=False)
    proof_type = sa.Column(sa.String(100), nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default=SUBMITTED)
    reviewer_user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    reviewed_at = sa.Column(TZDateTime(), nullable=True)
    review_note = sa.Column(sa.String(300), nullable=False, default="")

    employee = relationship("Employee", lazy="joined")

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class RequirementSet(TimestampMixin, db.Model):
    """The rules of one year (national rule, local overlays, cybersecurity), editable by administrators."""

    __tablename__ = "requirement_sets"

    id = sa.Column(sa.Integer, primary_key=True)
    year = sa.Column(sa.Integer, nullable=False, unique=True)
    name = sa.Column(sa.String(120), nullable=False)
    note = sa.Column(sa.Text, nullable=False, default="")

    rules = relationship("RequirementRule", lazy="selectin", cascade="all, delete-orphan",
                         order_by="RequirementRule.position", back_populates="requirement_set")


class RequirementRule(db.Model):
    """One requirement: `hours` within `period_years` ending with the set's year, counted from the
    records that match the filters. Empty filters mean "all"; lists are comma-separated codes."""

    __tablename__ = "requirement_rules"
    __table_args__ = (sa.UniqueConstraint("set_id", "code", name="uq_requirement_rules_set_code"),)

    id = sa.Column(sa.Integer, primary_key=True)
    set_id = sa.Column(sa.Integer, sa.ForeignKey("requirement_sets.id", ondelete="CASCADE"), nullable=False)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    code = sa.Column(sa.String(40), nullable=False)
    label_zh = sa.Column(sa.String(120), nullable=False)
    label_en = sa.Column(sa.String(120), nullable=False, default="")
    hours = sa.Column(Hours, nullable=False)
    period_years = sa.Column(sa.SmallInteger, nullable=False, default=1)
    # Which records count
    topics = sa.Column(sa.String(255), nullable=False, default="")          # any of these; empty = every topic
    exclude_topics = sa.Column(sa.String(255), nullable=False, default="")  # e.g. cyber_pro never counts as general
    job_related_only = sa.Column(sa.Boolean, nullable=False, default=False)
    # Who owes it
    rank_classes = sa.Column(sa.String(120), nullable=False, default="")
    cyber_roles = sa.Column(sa.String(60), nullable=False, default="")
    agency_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=True)  # its subtree

    requirement_set = relationship("RequirementSet", back_populates="rules")
    agency = relationship("Agency", lazy="joined")

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") and self.label_en else self.label_zh

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in (value or "").split(",") if v.strip()]


# HrPushItem.state
PUSH_PENDING, PUSH_ACCEPTED, PUSH_REJECTED = "pending", "accepted", "rejected"


class HrPushItem(db.Model):
    """What the HR system holds of one record: the fingerprint last accepted, or why it was refused.

    Kept by source_ref (not by record id) so it survives a ledger rebuild; a record that disappears
    (voided) after being accepted is sent again as a deletion.
    """

    __tablename__ = "hr_push_items"

    source_ref = sa.Column(sa.String(64), primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    fingerprint = sa.Column(sa.String(64), nullable=False, default="")   # of what we last tried to send
    accepted_fingerprint = sa.Column(sa.String(64), nullable=False, default="")
    state = sa.Column(sa.String(16), nullable=False, default=PUSH_PENDING)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_error = sa.Column(sa.String(500), nullable=False, default="")
    last_sent_at = sa.Column(TZDateTime(), nullable=True)
    accepted_at = sa.Column(TZDateTime(), nullable=True)


class HrPushRun(db.Model):
    """One run of the push: the reconciliation figures an administrator reads."""

    __tablename__ = "hr_push_runs"

    id = sa.Column(sa.Integer, primary_key=True)
    started_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    finished_at = sa.Column(TZDateTime(), nullable=True)
    sent = sa.Column(sa.Integer, nullable=False, default=0)
    accepted = sa.Column(sa.Integer, nullable=False, default=0)
    rejected = sa.Column(sa.Integer, nullable=False, default=0)
    failed = sa.Column(sa.Integer, nullable=False, default=0)
    pending = sa.Column(sa.Integer, nullable=False, default=0)
    error = sa.Column(sa.String(500), nullable=False, default="")


class Qualification(db.Model):
    """A qualification in the personnel record (a certification-track level, the certified English level):
    a projection of "awarded"/"approved" statements carrying the qualification extensions, rebuilt and
    voided with the hours ledger."""

    __tablename__ = "qualifications"
    __table_args__ = (sa.Index("ix_qualifications_employee_kind", "employee_id", "kind"),)

    id = sa.Column(sa.Integer, primary_key=True)
    source_ref = sa.Column(sa.String(64), nullable=False, unique=True)  # the statement id
    statement_seq = sa.Column(BigId, nullable=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False)
    kind = sa.Column(sa.String(40), nullable=False)    # "english", or a track code such as "procurement"
    level = sa.Column(sa.String(40), nullable=False, default="")  # "B2", "basic", "advanced"...
    title = sa.Column(sa.String(255), nullable=False, default="")  # the activity's name in the statement
    awarded_on = sa.Column(sa.Date, nullable=False)
    valid_until = sa.Column(sa.Date, nullable=True)    # None: does not expire
    updated_at = sa.Column(TZDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    def valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day


class HrApiToken(db.Model):
    """A bearer token with which the HR system pulls the JSON export: only its SHA-256 is kept (the
    token is 256 random bits, so a slow hash adds nothing); shown once when issued, revocable."""

    __tablename__ = "hr_api_tokens"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(120), nullable=False)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    prefix = sa.Column(sa.String(16), nullable=False)  # the first characters, to tell tokens apart in lists
    created_by_user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    last_used_at = sa.Column(TZDateTime(), nullable=True)
    revoked_at = sa.Column(TZDateTime(), nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
