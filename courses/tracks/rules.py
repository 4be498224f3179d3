"""The rules of the tracks as plain functions over loaded evidence (no database access here): whether a
requirement is met, an exam's result (pass mark on the total, no zero in any subject), the absence bar,
a licence's default expiry and a new holding's validity. Figures are editable defaults (DOMAIN.md §3–4)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from courses.tracks.models import LICENCE_KINDS, LICENCE_LEVELS

# CAA: an operator licence is valid 2 years (3 after the reform ?): the default when no expiry is entered.
DEFAULT_LICENCE_MONTHS = 24
# Days before expiry when the holder is reminded (once each).
REMINDER_DAYS = (90, 30)
# "Close": members missing at most this many requirements of a level.
CLOSE_MISSING = 1


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def licence_expiry(issued_on: date, months: int = DEFAULT_LICENCE_MONTHS) -> date:
    return add_months(issued_on, months)


@dataclass(frozen=True)
class Completion:
    course_id: int
    on: date
    hours: float
    topics: frozenset[str]


@dataclass(frozen=True)
class Licence:
    kind: str
    level: str
    expires_on: date
    number: str


@dataclass
class Evidence:
    """Everything known about one employee that the requirements look at."""

    completions: list[Completion] = field(default_factory=list)
    passed_exams: set[int] = field(default_factory=set)          # requirement ids
    licences: list[Licence] = field(default_factory=list)
    active_levels: set[int] = field(default_factory=set)         # level ids held and not lapsed


@dataclass(frozen=True)
class Status:
    requirement_id: int
    kind: str
    met: bool
    have: float | None = None
    need: float | None = None
    licence: Licence | None = None


def topic_hours(evidence: Evidence, topics: tuple[str, ...], year: int | None = None) -> float:
    wanted = set(topics)
    return round(sum(c.hours for c in evidence.completions
                     if (not wanted or c.topics & wanted) and (year is None or c.on.year == year)), 1)


def licence_rank(kind: str, level: str) -> tuple[int, int]:
    return LICENCE_KINDS.index(kind) if kind in LICENCE_KINDS else -1, \
        LICENCE_LEVELS.index(level) if level in LICENCE_LEVELS else 0


def matching_licence(evidence: Evidence, kind: str, level: str, today: date) -> Licence | None:
    """The unexpired licence of the kind (a higher kind or level also counts) that runs longest."""
    need = licence_rank(kind, level)

    def fits(lic: Licence) -> bool:
        have = licence_rank(lic.kind, lic.level)
        return lic.expires_on >= today and (have[0] > need[0] or (have[0] == need[0] and have[1] >= need[1]))

    return max(filter(fits, evidence.licences), key=lambda lic: lic.expires_on, default=None)


def check(requirement, evidence: Evidence, today: date) -> Status:
    kind = requirement.kind
    if kind == "course":
        return Status(requirement.id, kind, any(c.course_id == requirement.course_id for c in evidence.completions))
    if kind in ("topic_hours", "yearly_hours"):
        have = topic_hours(evidence, requirement.topics, today.year if kind == "yearly_hours" else None)
        need = float(requirement.hours or 0)
        return Status(requirement.id, kind, have >= need, have, need)
    if kind == "exam":
        return Status(requirement.id, kind, requirement.id in evidence.passed_exams)
    if kind == "licence":
        licence = matching_licence(evidence, requirement.licence_kind, requirement.licence_level, today)
        return Status(requirement.id, kind, licence is not None, licence=licence)
    return Status(requirement.id, kind, False)


@dataclass(frozen=True)
class LevelProgress:
    level_id: int
    statuses: list[Status]
    prerequisite_met: bool

    @property
    def missing(self) -> int:
        return sum(not s.met for s in self.statuses) + (not self.prerequisite_met)

    @property
    def complete(self) -> bool:
        return self.missing == 0

    @property
    def met(self) -> int:
        return sum(s.met for s in self.statuses)


def level_progress(level, evidence: Evidence, today: date) -> LevelProgress:
    prerequisite_met = level.prerequisite_id is None or level.prerequisite_id in evidence.active_levels
    return LevelProgress(level.id, [check(r, evidence, today) for r in level.requirements], prerequisite_met)


def is_close(progress: LevelProgress) -> bool:
    """Something already met and at most CLOSE_MISSING still missing (a one-requirement level is never
    "close": nothing of it is done yet)."""
    return progress.met >= 1 and 0 < progress.missing <= CLOSE_MISSING


def valid_until(level, progress: LevelProgress, today: date) -> date | None:
    """The expiry of a holding awarded or renewed today."""
    if level.validity_kind == "fixed" and level.validity_months:
        return add_months(today, level.validity_months)
    if level.validity_kind == "licence":
        expiries = [s.licence.expires_on for s in progress.statuses if s.licence is not None]
        return min(expiries) if expiries else None
    if level.validity_kind == "annual":
        # This year's hours are met, so the next deadline is the end of next year (DOMAIN.md §1: hours
        # count per calendar year).
        return date(today.year + 1, 12, 31)
    return None


@dataclass(frozen=True)
class ExamOutcome:
    percent: float
    passed: bool
    zero_subjects: tuple[str, ...]


def exam_outcome(scores: dict[str, float], pass_mark: float, no_zero: bool) -> ExamOutcome:
    """Pass at `pass_mark` % of the total (each subject out of 100) and, with `no_zero`, no subject at 0."""
    percent = round(sum(scores.values()) / len(scores), 2) if scores else 0.0
    zeros = tuple(name for name, score in scores.items() if score <= 0)
    return ExamOutcome(percent, percent >= pass_mark and not (no_zero and zeros), zeros)


def absence_bars(scheduled_minutes: int, attended_minutes: int, max_share: float | None) -> bool:
    """Absence over `max_share` of the scheduled hours bars the exam (procurement: a tenth)."""
    if max_share is None:
        return False
    if scheduled_minutes <= 0:
        return True
    return (scheduled_minutes - attended_minutes) > scheduled_minutes * max_share
