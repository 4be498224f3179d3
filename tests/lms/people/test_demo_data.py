"""Tests for lms.people.demo_data: the agency tree, names, national IDs, jobs and ROC dates."""
from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime

import pytest

from lms.people.demo_data import (
    AGENCIES,
    AGENCY_BY_CODE,
    GIVEN_CHARS,
    JOB_TITLES,
    ROC_OFFSET,
    ROMANISATION,
    SURNAMES,
    format_roc_date,
    job_kind_for,
    make_job,
    make_national_id,
    make_person,
    national_id_checksum_ok,
    national_id_sex,
    normalise_national_id,
    rank_class_for_grade,
    roc_year,
    romanise_name,
)

# Same as lms.agencies.models.CODE_PATTERN, but also no doubled or trailing hyphen.
CODE_RE = re.compile(r"[A-Z0-9]+(-[A-Z0-9]+)*")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


# --- agency tree ----------------------------------------------------------------------------

def test_tree_has_exactly_one_root_the_city_government():
    roots = [a for a in AGENCIES if a.parent_code is None]
    assert [(r.code, r.name_zh, r.name_en, r.kind) for r in roots] == [
        ("KHH", "高雄市政府", "Kaohsiung City Government", "city")
    ]


def test_codes_are_unique_well_formed_and_about_forty():
    codes = [a.code for a in AGENCIES]
    assert len(codes) == len(set(codes))
    assert 35 <= len(codes) <= 45
    for code in codes:
        assert CODE_RE.fullmatch(code), code
        assert len(code) <= 32  # Agency.code column width
    assert set(AGENCY_BY_CODE) == set(codes)


def test_every_parent_exists_and_comes_first_and_there_are_no_cycles():
    seen: set[str] = set()
    for agency in AGENCIES:
        if agency.parent_code is not None:
            assert agency.parent_code in seen, f"{agency.code} listed before its parent"
        seen.add(agency.code)
    for agency in AGENCIES:
        node, steps = agency, 0
        while node.parent_code is not None:
            node = AGENCY_BY_CODE[node.parent_code]
            steps += 1
            assert steps < len(AGENCIES)
        assert node.code == "KHH"


def test_kinds_follow_the_tree_levels():
    for agency in AGENCIES:
        assert agency.kind in {"city", "agency", "district", "unit"}
        assert agency.name_zh and CJK_RE.search(agency.name_zh), agency
        assert agency.name_en and agency.name_en.isascii(), agency
        parent = AGENCY_BY_CODE.get(agency.parent_code) if agency.parent_code else None
        if agency.kind in {"agency", "district"}:
            assert parent is not None and parent.kind == "city", agency
        if agency.kind == "unit":
            assert parent is not None and parent.kind in {"agency", "district"}, agency
            assert agency.code.startswith(parent.code + "-"), agency
        if agency.kind == "district":
            assert agency.name_zh.endswith("區公所") and agency.code.startswith("D-"), agency


def test_named_agencies_from_the_brief_are_present():
    expected = {
        "PER": "人事處", "PER-DEV": "公務人力發展中心", "POL": "警察局", "FIRE": "消防局",
        "INFO": "資訊局", "HEALTH": "衛生局", "SOC": "社會局", "EDU": "教育局", "ENV": "環境保護局",
        "PWB": "工務局", "D-FS": "鳳山區公所", "D-SM": "三民區公所", "D-ZY": "左營區公所",
    }
    for code, name in expected.items():
        assert AGENCY_BY_CODE[code].name_zh == name


def test_each_first_level_agency_has_two_to_four_units():
    children = Counter(a.parent_code for a in AGENCIES if a.kind == "unit")
    agencies = [a.code for a in AGENCIES if a.kind == "agency"]
    assert len(agencies) >= 9
    for code in agencies:
        assert 2 <= children[code] <= 4, (code, children[code])
    assert len([a for a in AGENCIES if a.kind == "district"]) >= 6


# --- names -------------------------------------------------------------------------------------

def test_romanisation_covers_every_pooled_character():
    pooled = set(SURNAMES) | {ch for pool in GIVEN_CHARS.values() for ch in pool}
    missing = sorted(pooled - set(ROMANISATION))
    assert not missing, missing
    for ch, latin in ROMANISATION.items():
        assert len(ch) == 1 and re.fullmatch(r"[A-Z]+", latin), (ch, latin)


def test_pools_hold_the_common_surnames_without_duplicates():
    assert len(SURNAMES) == len(set(SURNAMES))
    assert set("陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周") <= set(SURNAMES)
    for pool in GIVEN_CHARS.values():
        assert len(pool) == len(set(pool)) and len(pool) >= 20


def test_passport_style_romanisation():
    assert romanise_name("陳", "怡君") == "CHEN, YI-CHUN"
    assert romanise_name("許", "志明") == "HSU, CHIH-MING"
    assert romanise_name("蔡", "偉") == "TSAI, WEI"
    with pytest.raises(KeyError):
        romanise_name("陳", "龘")


def test_make_person_is_consistent_and_draws_from_the_right_pool():
    rng = random.Random(7)
    people = [make_person(rng) for _ in range(1000)]
    assert {p.sex for p in people} == {"M", "F"}
    for p in people:
        surname, given = p.name_zh[0], p.name_zh[1:]
        assert surname in SURNAMES and 1 <= len(given) <= 2
        assert set(given) <= set(GIVEN_CHARS[p.sex])
        assert p.name_en == romanise_name(surname, given)
        assert re.fullmatch(r"[A-Z]+, [A-Z]+(-[A-Z]+)?", p.name_en), p.name_en
    surnames = Counter(p.name_zh[0] for p in people)
    assert surnames["陳"] > surnames["戴"]  # weighted towards common surnames
    assert len({p.name_zh for p in people}) > 800
    assert make_person(random.Random(1), sex="F").sex == "F"
    with pytest.raises(ValueError):
        make_person(random.Random(1), sex="X")


# --- national IDs -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "A123456789",
    # Hand-computed with the non-alphabetical letter codes: Z=33, I=34, W=32, O=35.
    "Z100000002", "I200000005", "W100000001", "O100000004",
])
def test_known_valid_ids_pass(value):
    assert national_id_checksum_ok(value)


@pytest.mark.parametrize("value", [
    "A123456788",   # wrong check digit
    "I200000001",   # what I=18 (alphabetical) would give
    "A323456789",   # second character must be 1 or 2
    "A12345678",    # too short
    "A1234567890",  # too long
    "1123456789",   # no letter
    "a123456789",   # not normalised
    " A123456789",
    "",
    None,
])
def test_invalid_ids_fail(value):
    assert not national_id_checksum_ok(value)


def test_exactly_one_check_digit_completes_each_prefix():
    rng = random.Random(3)
    for _ in range(200):
        prefix = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rng.choice("12") + "".join(
            rng.choice("0123456789") for _ in range(7))
        assert sum(national_id_checksum_ok(prefix + d) for d in "0123456789") == 1


def test_normalise_national_id():
    assert normalise_national_id("  a123456789\n") == "A123456789"
    assert normalise_national_id("Ａ１２３４５６７８９") == "A123456789"  # full-width IME input
    assert national_id_checksum_ok(normalise_national_id(" e100000005 "))


def test_generated_ids_are_valid_and_carry_sex_and_letter():
    rng = random.Random(2022)
    for i in range(1000):
        sex = "M" if i % 2 else "F"
        value = make_national_id(rng, sex)
        assert national_id_checksum_ok(value), value
        assert value[0] == "E"
        assert national_id_sex(value) == sex
    assert make_national_id(random.Random(1), "M", letter="S")[0] == "S"
    assert national_id_sex("A123456788") is None
    with pytest.raises(ValueError):
        make_national_id(rng, "X")
    with pytest.raises(ValueError):
        make_national_id(rng, "M", letter="e")


def test_generated_ids_vary():
    rng = random.Random(5)
    values = {make_national_id(rng, "F") for _ in range(1000)}
    assert len(values) >= 995


# --- jobs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("grade,expected", [
    (1, "elementary"), (5, "elementary"), (6, "junior"), (9, "junior"), (10, "senior"), (14, "senior"),
])
def test_rank_class_for_grade(grade, expected):
    assert rank_class_for_grade(grade) == expected


@pytest.mark.parametrize("grade", [0, 15, -1])
def test_rank_class_rejects_out_of_range_grades(grade):
    with pytest.raises(ValueError):
        rank_class_for_grade(grade)


@pytest.mark.parametrize("kind", sorted(JOB_TITLES))
def test_make_job_grade_rank_and_title_are_consistent(kind):
    rng = random.Random(11)
    ranges = {(t.title_zh, t.title_en): t for t in JOB_TITLES[kind]}
    jobs = [make_job(rng, kind) for _ in range(3000)]
    for job in jobs:
        title = ranges[(job.title_zh, job.title_en)]
        assert 1 <= job.grade <= 14
        assert title.min_grade <= job.grade <= title.max_grade
        assert job.rank_class == rank_class_for_grade(job.grade)
        assert job.is_supervisor == title.is_supervisor
    supervisors = [j for j in jobs if j.is_supervisor]
    staff = [j for j in jobs if not j.is_supervisor]
    assert 0.06 <= len(supervisors) / len(jobs) <= 0.13, len(supervisors) / len(jobs)
    mean = lambda js: sum(j.grade for j in js) / len(js)  # noqa: E731
    assert mean(supervisors) > mean(staff) + 1.5
    assert {j.rank_class for j in jobs} >= {"elementary", "junior"}


def test_title_tables_are_sane():
    for kind, titles in JOB_TITLES.items():
        assert any(t.is_supervisor for t in titles) and any(not t.is_supervisor for t in titles), kind
        for t in titles:
            assert 1 <= t.min_grade <= t.max_grade <= 14 and t.weight > 0, t


def test_kind_specific_titles():
    rng = random.Random(0)
    titles = lambda kind: {make_job(rng, kind).title_zh for _ in range(500)}  # noqa: E731
    assert {"警員", "巡佐"} <= titles("police")
    assert "隊員" in titles("fire")
    assert "課員" in titles("district")
    assert {"科員", "專員", "科長"} <= titles("agency")
    with pytest.raises(ValueError):
        make_job(rng, "ministry")


def test_job_kind_follows_the_first_level_agency():
    assert job_kind_for("POL") == "police"
    assert job_kind_for("POL-LY") == "police"
    assert job_kind_for("FIRE-SAR") == "fire"
    assert job_kind_for("D-FS") == job_kind_for("D-FS-CIV") == "district"
    assert job_kind_for("PER-DEV") == "agency"
    assert job_kind_for("KHH") == "city"
    for agency in AGENCIES:
        assert job_kind_for(agency.code) in JOB_TITLES


# --- determinism ------------------------------------------------------------------------------

def _draw(seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for _ in range(50):
        person = make_person(rng)
        out.append((person, make_national_id(rng, person.sex), make_job(rng, "agency")))
    return out


def test_same_seed_same_data_different_seed_different_data():
    assert _draw(42) == _draw(42)
    assert _draw(42) != _draw(43)


# --- ROC dates --------------------------------------------------------------------------------

def test_roc_year():
    assert ROC_OFFSET == 1911
    assert roc_year(date(2022, 9, 1)) == 111
    assert roc_year(2023) == 112
    assert roc_year(1912) == 1
    assert roc_year(datetime(2023, 2, 6, 9, 30)) == 112
    with pytest.raises(ValueError):
        roc_year(1911)


def test_format_roc_date():
    assert format_roc_date(date(2022, 9, 1)) == "111/09/01"
    assert format_roc_date(date(2023, 2, 15)) == "112/02/15"
    assert format_roc_date(date(2010, 1, 5)) == "099/01/05"
    assert format_roc_date(date(2022, 11, 16), sep="-") == "111-11-16"
    assert format_roc_date(datetime(2022, 12, 31, 23, 59)) == "111/12/31"
