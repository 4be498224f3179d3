"""Read side of evaluation: answers per enrolment, completions due for follow-up, a run's results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from courses.enrollment.models import Enrollment
from courses.evaluation.models import FollowUpSurvey, ReactionResponse
from lms.extensions import db


def reaction_for(enrollment_id: int) -> ReactionResponse | None:
    return db.session.execute(db.select(ReactionResponse).filter_by(enrollment_id=enrollment_id)).scalar_one_or_none()


def get_follow_up(survey_id: int) -> FollowUpSurvey | None:
    return db.session.get(FollowUpSurvey, survey_id)


def completions_due_for_follow_up(completed_before: datetime) -> list[Enrollment]:
    asked = db.select(FollowUpSurvey.enrollment_id)
    return list(db.session.execute(
        db.select(Enrollment).where(Enrollment.outcome == "completed", Enrollment.completed_at <= completed_before,
                                    Enrollment.id.not_in(asked)).order_by(Enrollment.id)).scalars())


def pending_follow_ups(supervisor_id: int) -> list[FollowUpSurvey]:
    return list(db.session.execute(db.select(FollowUpSurvey).filter_by(supervisor_id=supervisor_id)
                                   .where(FollowUpSurvey.answered_at.is_(None)).order_by(FollowUpSurvey.id)).scalars())


@dataclass(frozen=True)
class RunEvaluation:
    reactions: int
    satisfaction: float | None
    usefulness: float | None
    asked: int
    answered: int
    improved: int

    @property
    def improved_share(self) -> float | None:
        """The share of supervisors who said yes, in per cent of those who answered."""
        return round(100 * self.improved / self.answered, 2) if self.answered else None


def run_evaluation(run_id: int) -> RunEvaluation:
    reactions = db.session.execute(
        db.select(db.func.count(ReactionResponse.id), db.func.avg(ReactionResponse.satisfaction),
                  db.func.avg(ReactionResponse.usefulness))
        .join(Enrollment, ReactionResponse.enrollment_id == Enrollment.id).where(Enrollment.run_id == run_id)).one()
    follow = db.session.execute(
        db.select(db.func.count(FollowUpSurvey.id), db.func.count(FollowUpSurvey.answered_at),
                  db.func.sum(db.case((FollowUpSurvey.improved.is_(True), 1), else_=0)))
        .join(Enrollment, FollowUpSurvey.enrollment_id == Enrollment.id).where(Enrollment.run_id == run_id)).one()
    return RunEvaluation(reactions=reactions[0], satisfaction=_round(reactions[1]), usefulness=_round(reactions[2]),
                         asked=follow[0], answered=follow[1], improved=int(follow[2] or 0))


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)
