"""The track rules as plain functions: the exam's pass mark and no-zero rule, the absence bar, licence expiry
and which licence satisfies a requirement, hours in topics (ever and this year), and a new holding's validity."""
from datetime import date
from types import SimpleNamespace

from courses.tracks import rules
from courses.tracks.rules import Completion, Evidence, Licence


def test_exam_passes_at_70_percent_of_the_total():
    assert rules.exam_outcome({"a": 70, "b": 70}, 70, no_zero=True).passed
    outcome = rules.exam_outcome({"a": 69, "b": 70}, 70, no_zero=True)
    assert outcome.percent == 69.5 and not outcome.passed


def test_a_zero_in_any_subject_fails_even_above_the_pass_mark():
    outcome = rules.exam_outcome({"法規": 100, "實務": 100, "招標": 0, "決標": 100}, 70, no_zero=True)
    assert outcome.percent == 75 and not outcome.passed and outcome.zero_subjects == ("招標",)
    assert rules.exam_outcome({"法規": 100, "實務": 100, "招標": 0, "決標": 100}, 70, no_zero=False).passed


def test_absence_over_a_tenth_bars_the_exam_and_a_tenth_does_not():
    assert not rules.absence_bars(600, 540, 0.1)        # exactly a tenth absent
    assert rules.absence_bars(600, 539, 0.1)            # one minute more
    assert not rules.absence_bars(600, 0, None)         # no bar set
    assert rules.absence_bars(0, 0, 0.1)                # no attendance to judge by


def test_licence_runs_two_years_by_default_and_a_leap_day_ends_on_the_28th():
    assert rules.licence_expiry(date(2024, 3, 1)) == date(2026, 3, 1)
    assert rules.licence_expiry(date(2024, 2, 29)) == date(2026, 2, 28)


def test_a_higher_licence_satisfies_a_lower_requirement_but_an_expired_one_nothing():
    today = date(2026, 6, 1)
    advanced = Licence("professional", "advanced", date(2027, 1, 1), "A")
    expired = Licence("professional", "advanced", date(2026, 5, 31), "B")
    ordinary = Licence("ordinary", "", date(2028, 1, 1), "C")
    evidence = Evidence(licences=[expired, ordinary])
    assert rules.matching_licence(evidence, "professional", "basic", today) is None
    assert rules.matching_licence(evidence, "learner", "", today) == ordinary
    evidence.licences.append(advanced)
    assert rules.matching_licence(evidence, "professional", "basic", today) == advanced
    assert rules.matching_licence(Evidence(licences=[Licence("professional", "basic", date(2027, 1, 1), "D")]),
                                  "professional", "advanced", today) is None


def test_topic_hours_count_tagged_completions_and_yearly_hours_only_this_year():
    evidence = Evidence(completions=[
        Completion(1, date(2025, 12, 30), 12, frozenset({"cyber_pro"})),
        Completion(2, date(2026, 3, 1), 3, frozenset({"cyber_general"})),
        Completion(3, date(2026, 4, 1), 6, frozenset({"cyber_pro", "policy"})),
        Completion(4, date(2026, 5, 1), 6, frozenset({"gender"})),
    ])
    assert rules.topic_hours(evidence, ("cyber_pro",)) == 18
    assert rules.topic_hours(evidence, ("cyber_pro",), 2026) == 6
    assert rules.topic_hours(evidence, ("cyber_pro", "cyber_general"), 2026) == 9


def _level(kind, months=None):
    return SimpleNamespace(validity_kind=kind, validity_months=months)


def test_validity_of_a_new_holding_by_kind():
    today = date(2026, 11, 25)
    licensed = rules.LevelProgress(1, [rules.Status(1, "licence", True,
                                                    licence=Licence("professional", "basic", date(2027, 2, 1), "X"))],
                                   True)
    assert rules.valid_until(_level("none"), licensed, today) is None
    assert rules.valid_until(_level("fixed", 36), licensed, today) == date(2029, 11, 25)
    assert rules.valid_until(_level("licence"), licensed, today) == date(2027, 2, 1)
    assert rules.valid_until(_level("annual"), licensed, today) == date(2027, 12, 31)


def test_progress_counts_a_missing_prerequisite_as_a_missing_requirement():
    requirement = SimpleNamespace(id=7, kind="course", course_id=42)
    level = SimpleNamespace(id=2, prerequisite_id=1, requirements=[requirement])
    done = Evidence(completions=[Completion(42, date(2026, 1, 1), 6, frozenset())])
    progress = rules.level_progress(level, done, date(2026, 2, 1))
    assert progress.met == 1 and progress.missing == 1 and not progress.complete
    done.active_levels.add(1)
    assert rules.level_progress(level, done, date(2026, 2, 1)).complete


def test_close_means_something_met_and_one_missing():
    def progress(*met, prerequisite=True):
        return rules.LevelProgress(1, [rules.Status(n, "course", m) for n, m in enumerate(met)], prerequisite)

    assert rules.is_close(progress(True, False))
    assert rules.is_close(progress(True, True, prerequisite=False))
    assert not rules.is_close(progress(False))                  # nothing done of a one-requirement level
    assert not rules.is_close(progress(True, False, False))     # two missing
    assert not rules.is_close(progress(True, True))             # complete: awarded, not close
