"""Catalogue tables: Course, its Category, its Topic tags (incl. the mandated topics) and prerequisites."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin
from lms.extensions import db

# The change stamp (lms/stamps.py) of what the catalogue's search and course pages show, seats aside; its
# triggers are on these tables (migration 0670_data_stamps; a new table those pages read needs its own).
CATALOGUE_STAMP = "catalogue"
CATALOGUE_STAMP_TABLES = frozenset({
    "courses", "categories", "topics", "course_topics", "course_prerequisites", "agencies", "class_runs",
    "class_sessions", "venues", "rooms", "instructors", "session_instructors"})

# 實體 / 遠距班 / 數位混成 / 線上自學
DELIVERY_MODES = ("in_person", "remote", "blended", "online")

# Topics the yearly-hours rules name (DOMAIN.md §1): (code, Chinese, English, group, portal code).
MANDATED_TOPICS = (
    ("policy", "當前政府重大政策", "Major government policy", "", ""),
    ("environment", "環境教育", "Environmental education", "", ""),
    ("gender", "性別主流化", "Gender mainstreaming (CEDAW)", "democratic_governance", ""),
    ("integrity", "廉政與服務倫理", "Integrity and service ethics", "democratic_governance", ""),
    ("human_rights", "人權教育", "Human rights", "democratic_governance", ""),
    ("neutrality", "行政中立", "Administrative neutrality", "democratic_governance", ""),
    ("ethnic_diversity", "多元族群文化", "Ethnic diversity", "democratic_governance", ""),
    ("civic_participation", "公民參與", "Civic participation", "democratic_governance", ""),
    ("cyber_general", "資通安全通識", "Cybersecurity (general)", "", "522"),
    ("cyber_pro", "資通安全專業職能", "Cybersecurity (professional)", "", "523"),
)

course_topics = sa.Table(
    "course_topics", db.metadata,
    sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.Integer, sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)

course_prerequisites = sa.Table(
    "course_prerequisites", db.metadata,
    sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("prerequisite_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"),
              primary_key=True),
)


SEARCHED_FIELDS = ("code", "title_zh", "title_en", "description_zh", "description_en")


def search_key(text: str) -> str:
    """How a search matches text: case-folded, so one case-sensitive LIKE serves every backend."""
    return (text or "").casefold()


def search_text_of(values) -> str:
    """The course's searched fields in one column (a newline between them: no single-line search spans two)."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return search_key("\n".join(str(get(name) or "") for name in SEARCHED_FIELDS))


def _search_text_default(context) -> str:
    # Bulk inserts (seeders, benches) fill the column from the row's own values.
    return search_text_of(context.get_current_parameters())


def _localised(obj, locale: str, zh: str, en: str) -> str:
    english = getattr(obj, en)
    return english if str(locale).startswith("en") and english else getattr(obj, zh)


class Category(db.Model):
    __tablename__ = "categories"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    name_zh = sa.Column(sa.String(80), nullable=False)
    name_en = sa.Column(sa.String(120), nullable=False, default="")
    sort_order = sa.Column(sa.Integer, nullable=False, default=0)

    def name(self, locale: str) -> str:
        return _localised(self, locale, "name_zh", "name_en")


class Topic(db.Model):
    __tablename__ = "topics"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    name_zh = sa.Column(sa.String(80), nullable=False)
    name_en = sa.Column(sa.String(120), nullable=False, default="")
    group = sa.Column(sa.String(32), nullable=False, default="")
    # e等公務園+ category code (522 通識 / 523 專業職能) where the portal has one.
    portal_code = sa.Column(sa.String(8), nullable=False, default="")

    def name(self, locale: str) -> str:
        return _localised(self, locale, "name_zh", "name_en")


class Course(TimestampMixin, db.Model):
    __tablename__ = "courses"
    # The catalogue lists live courses in code order: this index serves both, so a page stops at its rows.
    __table_args__ = (sa.Index("ix_courses_archived_code", "archived", "code"),)

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    title_zh = sa.Column(sa.String(200), nullable=False)
    title_en = sa.Column(sa.String(300), nullable=False, default="")
    description_zh = sa.Column(sa.Text, nullable=False, default="")
    description_en = sa.Column(sa.Text, nullable=False, default="")
    category_id = sa.Column(sa.Integer, sa.ForeignKey("categories.id"), nullable=False, index=True)
    credited_hours = sa.Column(sa.Numeric(6, 1, asdecimal=False), nullable=False)
    delivery_mode = sa.Column(sa.String(16), nullable=False, default="in_person", index=True)
    target_audience = sa.Column(sa.String(300), nullable=False, default="")
    agency_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=False, index=True)
    portal_category_code = sa.Column(sa.String(16), nullable=False, default="")
    archived = sa.Column(sa.Boolean, nullable=False, default=False)
    # Code, titles and descriptions case-folded in one column: the learners' keyword search reads one
    # column with LIKE instead of five with ILIKE (which PostgreSQL case-folds row by row).
    search_text = sa.Column(sa.Text, nullable=False, default=_search_text_default, server_default="")

    category = relationship("Category", lazy="joined")
    agency = relationship("Agency", lazy="joined")
    topics = relationship("Topic", secondary=course_topics, lazy="selectin", order_by="Topic.id")
    prerequisites = relationship("Course", secondary=course_prerequisites, lazy="selectin",
                                 primaryjoin=id == course_prerequisites.c.course_id,
                                 secondaryjoin=id == course_prerequisites.c.prerequisite_id,
                                 order_by="Course.code")

    def __repr__(self) -> str:
        return f"<Course {self.code}>"

    def title(self, locale: str) -> str:
        return _localised(self, locale, "title_zh", "title_en")

    def description(self, locale: str) -> str:
        return _localised(self, locale, "description_zh", "description_en")


@sa.event.listens_for(Course, "before_insert")
@sa.event.listens_for(Course, "before_update")
def _refresh_search_text(mapper, connection, course: Course) -> None:
    course.search_text = search_text_of(course)
