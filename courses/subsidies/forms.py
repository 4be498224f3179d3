"""Subsidy forms: the learner's claim, the reviewer's reason, the year's rules and a test's CEFR mapping.
Fields only parse; the services check the rules and report problems by these field names."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, IntegerField, RadioField, SelectField, StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from courses.subsidies.labels import OUTCOME_LABELS, RESULT_KIND_LABELS, RULE_FIELD_LABELS
from courses.subsidies.models import CEFR_LEVELS, SubsidyClaim, SubsidyRuleSet, SubsidyTest, format_score
from courses.subsidies.services import ClaimData, RuleSetData, TestData, Upload


def _label_choices(labels: dict) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in labels.items()]


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class ClaimForm(FlaskForm):
    test_id = SelectField(_l("Test"), coerce=_int_or_none, validators=[Optional()])
    outcome = RadioField(_l("Result"), default="passed", validators=[Optional()])
    level = SelectField(_l("Level (tests reported by level, such as GEPT)"), coerce=_int_or_none,
                        validators=[Optional()])
    score = DecimalField(_l("Score (tests reported by score; TOEIC: listening plus reading total)"), places=None,
                         validators=[Optional()])
    test_date = DateField(_l("Test date"), validators=[Optional()])
    fee_paid = IntegerField(_l("Registration fee paid (NT$)"), validators=[Optional()])
    score_report = FileField(_l("Score report or certificate (PDF, PNG or JPEG)"))
    receipt = FileField(_l("Receipt (PDF, PNG or JPEG)"))

    def fill_choices(self, rule_set: SubsidyRuleSet | None, locale: str) -> "ClaimForm":
        tests = [t for t in (rule_set.tests if rule_set else []) if t.active]
        self.test_id.choices = [("", "—")] + [(t.id, t.name(locale)) for t in tests]
        self.outcome.choices = _label_choices(OUTCOME_LABELS)
        self.level.choices = [("", "—")] + [(lv.id, f"{t.name(locale)} {lv.label} ({lv.cefr})")
                                            for t in tests if t.result_kind == "level" for lv in t.levels]
        return self

    def load(self, claim: SubsidyClaim) -> None:
        self.test_id.data, self.outcome.data, self.level.data = claim.test_id, claim.outcome, claim.level_id
        self.score.data, self.test_date.data, self.fee_paid.data = claim.score, claim.test_date, claim.fee_paid

    def to_data(self) -> ClaimData:
        return ClaimData(test_id=self.test_id.data, outcome=self.outcome.data or "", test_date=self.test_date.data,
                         fee_paid=self.fee_paid.data, level_id=self.level.data, score=self.score.data)

    def uploads(self) -> dict[str, Upload | None]:
        return {name: Upload(f.data.stream, f.data.filename) if f.data and f.data.filename else None
                for name, f in (("score_report", self.score_report), ("receipt", self.receipt))}


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason or what to correct (sent to the claimant)"),
                           validators=[Optional(), Length(max=2000)])


class PayoutForm(FlaskForm):
    paid_on = DateField(_l("Payment date"), validators=[Optional()])


class SeedYearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired()])
    copy_from = SelectField(_l("Start from"), coerce=_int_or_none, validators=[Optional()])

    def fill_choices(self, rule_sets: list[SubsidyRuleSet]) -> "SeedYearForm":
        self.copy_from.choices = [("", str(_l("The default rules")))] + [
            (rs.id, str(_l("The rules of %(year)s", year=rs.year))) for rs in rule_sets]
        return self


class RuleSetForm(FlaskForm):
    claim_deadline_months = IntegerField(RULE_FIELD_LABELS["claim_deadline_months"], validators=[Optional()])
    budget = IntegerField(RULE_FIELD_LABELS["budget"], validators=[Optional()])
    cap_per_claim = IntegerField(RULE_FIELD_LABELS["cap_per_claim"], validators=[Optional()])
    pass_rate = DecimalField(RULE_FIELD_LABELS["pass_rate"], places=None, validators=[Optional()])
    failed_sit_rate = DecimalField(RULE_FIELD_LABELS["failed_sit_rate"], places=None, validators=[Optional()])
    failed_sits_per_year = IntegerField(RULE_FIELD_LABELS["failed_sits_per_year"], validators=[Optional()])
    min_cefr = SelectField(RULE_FIELD_LABELS["min_cefr"], choices=[(c, c) for c in CEFR_LEVELS])

    def load(self, rule_set: SubsidyRuleSet) -> None:
        for name in RULE_FIELD_LABELS:
            getattr(self, name).data = getattr(rule_set, name)

    def to_data(self) -> RuleSetData:
        return RuleSetData(**{name: getattr(self, name).data for name in RULE_FIELD_LABELS})


class TestForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=20)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=80)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])
    result_kind = SelectField(_l("The result is"), choices=_label_choices(RESULT_KIND_LABELS))
    score_label = StringField(_l("How the result is written (e.g. listening plus reading total)"),
                              validators=[Optional(), Length(max=80)])
    score_max = DecimalField(_l("Highest score (tests reported by score)"), places=None, validators=[Optional()])
    active = BooleanField(_l("Claims accepted"), default=True)
    sort_order = IntegerField(_l("Display order"), default=0, validators=[Optional()])
    # One field per CEFR level: the level's name (level tests) or the lowest score reaching it.
    level_A1 = StringField("A1", validators=[Optional(), Length(max=40)])
    level_A2 = StringField("A2", validators=[Optional(), Length(max=40)])
    level_B1 = StringField("B1", validators=[Optional(), Length(max=40)])
    level_B2 = StringField("B2", validators=[Optional(), Length(max=40)])
    level_C1 = StringField("C1", validators=[Optional(), Length(max=40)])
    level_C2 = StringField("C2", validators=[Optional(), Length(max=40)])

    def load(self, test: SubsidyTest) -> None:
        for name in ("code", "name_zh", "name_en", "result_kind", "score_label", "score_max", "active",
                     "sort_order"):
            getattr(self, name).data = getattr(test, name)
        for level in test.levels:
            getattr(self, f"level_{level.cefr}").data = level.label or format_score(level.min_score)

    def to_data(self) -> TestData:
        thresholds = {c: (getattr(self, f"level_{c}").data or "").strip() for c in CEFR_LEVELS}
        return TestData(code=self.code.data or "", name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
                        result_kind=self.result_kind.data, score_label=self.score_label.data or "",
                        score_max=self.score_max.data, active=bool(self.active.data),
                        sort_order=self.sort_order.data or 0, thresholds={c: v for c, v in thresholds.items() if v})
