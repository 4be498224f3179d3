"""Demo and seed data for people: the agency tree, names, national IDs, job titles and ROC dates.

Owns the static Kaohsiung organisation tree used to seed a demo database, deterministic
generators of plausible civil servants (name, 身分證字號, job title, grade) and the ROC-calendar
helpers. Pure Python on purpose: the seeding command, the benchmarks and the tests all use it
without an app context. Every generator takes a `random.Random`, so a seed reproduces a data set.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "AGENCIES", "AGENCY_BY_CODE", "AgencySeed", "JOB_TITLES", "JobSeed", "JobTitle", "PersonName",
    "RANK_CLASS_ZH", "ROC_OFFSET", "ROMANISATION", "SURNAMES", "GIVEN_CHARS", "format_roc_date",
    "job_kind_for", "make_job", "make_national_id", "make_person", "national_id_checksum_ok",
    "national_id_sex", "normalise_national_id", "rank_class_for_grade", "roc_year", "romanise_name",
]


# ---------------------------------------------------------------------------------------------
# Agency tree
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AgencySeed:
    code: str
    name_zh: str
    name_en: str
    parent_code: str | None
    kind: str  # one of lms.agencies.models.AGENCY_KINDS: city, agency, district, unit


def _a(code: str, zh: str, en: str, parent: str | None, kind: str) -> AgencySeed:
    return AgencySeed(code, zh, en, parent, kind)


# Parents come before children, so the tuple can be inserted in order without a topological sort.
# Unit codes extend their parent's code so a code alone shows where a unit sits.
AGENCIES: tuple[AgencySeed, ...] = (
    _a("KHH", "高雄市政府", "Kaohsiung City Government", None, "city"),
    _a("PER", "人事處", "Personnel Department", "KHH", "agency"),
    _a("PER-DEV", "公務人力發展中心", "Civil Service Development Center", "PER", "unit"),
    _a("PER-TRN", "考訓科", "Examination and Training Section", "PER", "unit"),
    _a("PER-PLAN", "綜合規劃科", "General Planning Section", "PER", "unit"),
    _a("POL", "警察局", "Police Department", "KHH", "agency"),
    _a("POL-CIB", "刑事警察大隊", "Criminal Investigation Corps", "POL", "unit"),
    _a("POL-SPC", "保安警察大隊", "Special Police Corps", "POL", "unit"),
    _a("POL-LY", "苓雅分局", "Lingya Precinct", "POL", "unit"),
    _a("POL-FS", "鳳山分局", "Fengshan Precinct", "POL", "unit"),
    _a("FIRE", "消防局", "Fire Bureau", "KHH", "agency"),
    _a("FIRE-PREV", "火災預防科", "Fire Prevention Section", "FIRE", "unit"),
    _a("FIRE-RESC", "災害搶救科", "Disaster Rescue Section", "FIRE", "unit"),
    _a("FIRE-SAR", "特種搜救大隊", "Special Search and Rescue Brigade", "FIRE", "unit"),
    # The 2023 seed report still says 資訊中心; the centre has since become 資訊局.
    _a("INFO", "資訊局", "Information Bureau", "KHH", "agency"),
    _a("INFO-SEC", "資訊安全科", "Information Security Section", "INFO", "unit"),
    _a("INFO-NET", "網路管理科", "Network Management Section", "INFO", "unit"),
    _a("HEALTH", "衛生局", "Department of Health", "KHH", "agency"),
    _a("HEALTH-CDC", "疾病管制處", "Disease Control Division", "HEALTH", "unit"),
    _a("HEALTH-FOOD", "食品衛生處", "Food Sanitation Division", "HEALTH", "unit"),
    _a("SOC", "社會局", "Social Affairs Bureau", "KHH", "agency"),
    _a("SOC-DVSA", "家庭暴力及性侵害防治中心", "Domestic Violence and Sexual Assault Prevention Center",
       "SOC", "unit"),
    _a("SOC-DIS", "身心障礙福利科", "Disability Welfare Section", "SOC", "unit"),
    _a("EDU", "教育局", "Education Bureau", "KHH", "agency"),
    _a("EDU-SEC", "中等教育科", "Secondary Education Section", "EDU", "unit"),
    _a("EDU-ELEM", "國小教育科", "Elementary Education Section", "EDU", "unit"),
    _a("ENV", "環境保護局", "Environmental Protection Bureau", "KHH", "agency"),
    _a("ENV-AIR", "空氣品質科", "Air Quality Section", "ENV", "unit"),
    _a("ENV-WASTE", "廢棄物管理科", "Waste Management Section", "ENV", "unit"),
    _a("PWB", "工務局", "Public Works Bureau", "KHH", "agency"),
    _a("PWB-NEW", "新建工程處", "New Construction Office", "PWB", "unit"),
    _a("PWB-MAINT", "養護工程處", "Maintenance Engineering Office", "PWB", "unit"),
    _a("D-FS", "鳳山區公所", "Fengshan District Office", "KHH", "district"),
    _a("D-FS-CIV", "民政課", "Civil Affairs Section", "D-FS", "unit"),
    _a("D-FS-SOC", "社會課", "Social Affairs Section", "D-FS", "unit"),
    _a("D-SM", "三民區公所", "Sanmin District Office", "KHH", "district"),
    _a("D-ZY", "左營區公所", "Zuoying District Office", "KHH", "district"),
    _a("D-LY", "苓雅區公所", "Lingya District Office", "KHH", "district"),
    _a("D-QZ", "前鎮區公所", "Qianzhen District Office", "KHH", "district"),
    _a("D-NZ", "楠梓區公所", "Nanzi District Office", "KHH", "district"),
)

AGENCY_BY_CODE: Mapping[str, AgencySeed] = MappingProxyType({a.code: a for a in AGENCIES})


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PersonName:
    name_zh: str
    name_en: str  # passport style: "CHEN, YI-CHUN"
    sex: str      # "M" or "F", matching the second character of the national ID


# Wade-Giles without apostrophes or umlauts, as Taiwanese passports print it (許/徐 both HSU,
# 呂 LU). Single-character surnames only, so the first character of name_zh is always the surname.
ROMANISATION: Mapping[str, str] = MappingProxyType({
    # surnames
    "陳": "CHEN", "林": "LIN", "黃": "HUANG", "張": "CHANG", "李": "LI", "王": "WANG", "吳": "WU",
    "劉": "LIU", "蔡": "TSAI", "楊": "YANG", "許": "HSU", "鄭": "CHENG", "謝": "HSIEH", "郭": "KUO",
    "洪": "HUNG", "曾": "TSENG", "邱": "CHIU", "廖": "LIAO", "賴": "LAI", "周": "CHOU", "徐": "HSU",
    "蘇": "SU", "葉": "YEH", "莊": "CHUANG", "呂": "LU", "江": "CHIANG", "何": "HO", "蕭": "HSIAO",
    "羅": "LO", "高": "KAO", "潘": "PAN", "簡": "CHIEN", "朱": "CHU", "鍾": "CHUNG", "彭": "PENG",
    "游": "YU", "詹": "CHAN", "胡": "HU", "施": "SHIH", "沈": "SHEN", "余": "YU", "盧": "LU",
    "梁": "LIANG", "趙": "CHAO", "顏": "YEN", "柯": "KO", "翁": "WENG", "魏": "WEI", "孫": "SUN",
    "戴": "TAI",
    # given-name characters
    "怡": "YI", "君": "CHUN", "婷": "TING", "雅": "YA", "淑": "SHU", "芬": "FEN", "惠": "HUI",
    "美": "MEI", "玲": "LING", "佩": "PEI", "珊": "SHAN", "欣": "HSIN", "宜": "YI", "靜": "CHING",
    "慧": "HUI", "秀": "HSIU", "娟": "CHUAN", "筱": "HSIAO", "涵": "HAN", "萱": "HSUAN", "瑩": "YING",
    "琪": "CHI", "詩": "SHIH", "雯": "WEN", "蓉": "JUNG", "穎": "YING", "如": "JU", "貞": "CHEN",
    "麗": "LI", "華": "HUA", "婉": "WAN", "瑜": "YU", "芳": "FANG", "萍": "PING", "佳": "CHIA",
    "文": "WEN", "庭": "TING", "志": "CHIH", "明": "MING", "偉": "WEI", "建": "CHIEN", "宏": "HUNG",
    "俊": "CHUN", "傑": "CHIEH", "家": "CHIA", "豪": "HAO", "冠": "KUAN", "宇": "YU", "承": "CHENG",
    "翰": "HAN", "彥": "YEN", "廷": "TING", "哲": "CHE", "信": "HSIN", "威": "WEI", "國": "KUO",
    "正": "CHENG", "政": "CHENG", "勝": "SHENG", "榮": "JUNG", "德": "TE", "仁": "JEN", "嘉": "CHIA",
    "柏": "PO", "睿": "JUI", "祐": "YU", "恩": "EN", "凱": "KAI", "銘": "MING", "達": "TA",
    "育": "YU", "韋": "WEI", "仲": "CHUNG", "昱": "YU", "瑋": "WEI",
})

SURNAMES: tuple[str, ...] = tuple(
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴"
)
# The head of the list is drawn far more often, as in the real population (陳 and 林 alone ≈ 20 %).
_SURNAME_WEIGHTS: tuple[float, ...] = tuple(1.0 / (i + 3) for i in range(len(SURNAMES)))

# Unisex characters (佳 文 家 宇 庭) are in both pools on purpose.
GIVEN_CHARS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "F": tuple("怡君婷雅淑芬惠美玲佩珊欣宜靜慧秀娟筱涵萱瑩琪詩雯蓉穎如貞麗華婉瑜芳萍佳文庭"),
    "M": tuple("志明偉建宏俊傑家豪冠宇承翰彥廷哲信威國正文政勝榮德仁嘉庭柏睿祐恩凱銘達育韋仲昱瑋"),
})


def romanise_name(surname: str, given: str) -> str:
    """Passport-style English name: "陳", "怡君" -> "CHEN, YI-CHUN". KeyError for unknown characters."""
    return f"{ROMANISATION[surname]}, " + "-".join(ROMANISATION[ch] for ch in given)


def make_person(rng: random.Random, sex: str | None = None) -> PersonName:
    if sex is None:
        sex = rng.choice(("M", "F"))
    if sex not in GIVEN_CHARS:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = GIVEN_CHARS[sex]
    # A few people have a one-character given name; two identical characters are rare enough to skip.
    given = rng.choice(pool) if rng.random() < 0.05 else "".join(rng.sample(pool, 2))
    return PersonName(surname + given, romanise_name(surname, given), sex)


# ---------------------------------------------------------------------------------------------
# National ID numbers (身分證字號)
# ---------------------------------------------------------------------------------------------

# Not alphabetical: letters added after the original allocation (I, O, W, X, Y, Z) got codes at the end.
_LETTER_CODES: Mapping[str, int] = MappingProxyType({
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
})
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
# Citizens only: 1 = male, 2 = female. Resident certificates (8/9, or a second letter) are rejected.
_NATIONAL_ID_RE = re.compile(r"[A-Z][12][0-9]{8}")
_SEX_DIGIT = MappingProxyType({"M": "1", "F": "2"})


def normalise_national_id(value: str) -> str:
    # NFKC because people type IDs with a Chinese IME, which yields full-width "Ａ１２３…".
    return unicodedata.normalize("NFKC", value).strip().upper()


def _weighted_sum(value: str) -> int:
    code = _LETTER_CODES[value[0]]
    digits = (code // 10, code % 10, *(int(ch) for ch in value[1:]))
    return sum(d * w for d, w in zip(digits, _WEIGHTS))


def national_id_checksum_ok(value: str) -> bool:
    """True for a well-formed citizen ID with a valid check digit. Expects normalised input."""
    if not isinstance(value, str) or not _NATIONAL_ID_RE.fullmatch(value):
        return False
    return _weighted_sum(value) % 10 == 0


def national_id_sex(value: str) -> str | None:
    """Sex ("M" or "F") encoded in a valid ID; None when the ID is not valid."""
    if not national_id_checksum_ok(value):
        return None
    return "M" if value[1] == "1" else "F"


def make_national_id(rng: random.Random, sex: str, letter: str = "E") -> str:
    """A valid, random ID. E is Kaohsiung City; S (old Kaohsiung County) is also Kaohsiung today.

    Uniqueness is the caller's business: 10**7 numbers per letter and sex make collisions rare, not
    impossible, and Employee.national_id_digest is unique.
    """
    if sex not in _SEX_DIGIT:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    if letter not in _LETTER_CODES:
        raise ValueError(f"letter must be one of A-Z, not {letter!r}")
    body = letter + _SEX_DIGIT[sex] + "".join(str(rng.randrange(10)) for _ in range(7))
    # The check digit has weight 1, so it is whatever brings the sum to a multiple of ten.
    check = -_weighted_sum(body + "0") % 10
    return body + str(check)


# ---------------------------------------------------------------------------------------------
# Job titles, grades (職等) and rank classes (官等)
# ---------------------------------------------------------------------------------------------

RANK_CLASS_ZH: Mapping[str, str] = MappingProxyType(
    {"elementary": "委任", "junior": "薦任", "senior": "簡任"}
)


def rank_class_for_grade(grade: int) -> str:
    if not 1 <= grade <= 14:
        raise ValueError(f"grade must be 1..14, not {grade!r}")
    return "elementary" if grade <= 5 else "junior" if grade <= 9 else "senior"


@dataclass(frozen=True, slots=True)
class JobTitle:
    title_zh: str
    title_en: str
    min_grade: int
    max_grade: int
    is_supervisor: bool
    weight: float  # relative headcount within its job kind


@dataclass(frozen=True, slots=True)
class JobSeed:
    title_zh: str
    title_en: str
    grade: int
    rank_class: str
    is_supervisor: bool


def _t(zh: str, en: str, lo: int, hi: int, weight: float, supervisor: bool = False) -> JobTitle:
    return JobTitle(zh, en, lo, hi, supervisor, weight)


# Grade ranges follow the usual 職務列等 of a municipal bureau; the weights aim at a staff pyramid
# with supervisors at about 9 % of headcount. Police and fire ranks (警佐/警正/警監) are mapped
# onto the equivalent civil-service grades so one grade field serves everybody.
_BUREAU_TITLES: tuple[JobTitle, ...] = (
    _t("書記", "Clerical Assistant", 1, 3, 6),
    _t("辦事員", "Office Assistant", 3, 5, 12),
    _t("科員", "Clerk", 5, 7, 34),
    _t("技士", "Technical Specialist", 5, 7, 10),
    _t("專員", "Specialist", 7, 9, 14),
    _t("技正", "Senior Technical Specialist", 8, 9, 5),
    _t("視察", "Inspector", 8, 9, 4),
    _t("秘書", "Secretary", 9, 10, 3),
    _t("專門委員", "Senior Specialist", 10, 11, 3),
    _t("股長", "Unit Head", 7, 8, 4, True),
    _t("科長", "Section Chief", 9, 9, 4, True),
    _t("主任", "Director", 10, 11, 1, True),
)
_DISTRICT_TITLES: tuple[JobTitle, ...] = (
    _t("書記", "Clerical Assistant", 1, 3, 8),
    _t("辦事員", "Office Assistant", 3, 5, 18),
    _t("課員", "Section Clerk", 4, 6, 36),
    _t("里幹事", "Village Secretary", 3, 5, 20),
    _t("秘書", "Secretary", 8, 9, 3),
    _t("課長", "Section Chief", 7, 8, 7, True),
    _t("主任秘書", "Chief Secretary", 9, 10, 1, True),
)
_POLICE_TITLES: tuple[JobTitle, ...] = (
    _t("警員", "Police Officer", 3, 5, 48),
    _t("偵查佐", "Detective", 4, 6, 14),
    _t("巡佐", "Sergeant", 5, 6, 12),
    _t("巡官", "Lieutenant", 6, 7, 8),
    _t("警務員", "Police Inspector", 7, 8, 5),
    _t("科員", "Clerk", 5, 7, 4),
    _t("所長", "Police Station Chief", 7, 8, 5, True),
    _t("組長", "Division Chief", 9, 9, 2, True),
    _t("大隊長", "Corps Commander", 10, 11, 1, True),
)
_FIRE_TITLES: tuple[JobTitle, ...] = (
    _t("隊員", "Firefighter", 3, 5, 54),
    _t("小隊長", "Squad Leader", 5, 6, 12),
    _t("科員", "Clerk", 5, 7, 8),
    _t("技士", "Technical Specialist", 6, 7, 6),
    _t("專員", "Specialist", 7, 9, 6),
    _t("分隊長", "Fire Station Chief", 7, 8, 6, True),
    _t("科長", "Section Chief", 9, 9, 2, True),
    _t("大隊長", "Brigade Commander", 10, 11, 1, True),
)

# "city", "agency" and "unit" are AgencySeed kinds; "police" and "fire" are job kinds that
# job_kind_for() derives from the agency tree, because their staff hold different titles.
JOB_TITLES: Mapping[str, tuple[JobTitle, ...]] = MappingProxyType({
    "city": _BUREAU_TITLES,
    "agency": _BUREAU_TITLES,
    "unit": _BUREAU_TITLES,
    "district": _DISTRICT_TITLES,
    "police": _POLICE_TITLES,
    "fire": _FIRE_TITLES,
})
_JOB_KIND_BY_AGENCY = MappingProxyType({"POL": "police", "FIRE": "fire"})


def job_kind_for(agency_code: str) -> str:
    """The JOB_TITLES key for staff of an agency: its first-level ancestor decides."""
    node = AGENCY_BY_CODE[agency_code]
    while node.parent_code is not None and AGENCY_BY_CODE[node.parent_code].parent_code is not None:
        node = AGENCY_BY_CODE[node.parent_code]
    return _JOB_KIND_BY_AGENCY.get(node.code) or node.kind


def make_job(rng: random.Random, agency_kind: str) -> JobSeed:
    """A job drawn from JOB_TITLES[agency_kind] (an AgencySeed kind or "police"/"fire")."""
    try:
        titles = JOB_TITLES[agency_kind]
    except KeyError:
        raise ValueError(f"unknown agency kind {agency_kind!r}; expected one of {sorted(JOB_TITLES)}")
    title = rng.choices(titles, weights=[t.weight for t in titles])[0]
    grade = rng.randint(title.min_grade, title.max_grade)
    return JobSeed(title.title_zh, title.title_en, grade, rank_class_for_grade(grade), title.is_supervisor)


# ---------------------------------------------------------------------------------------------
# ROC (民國) calendar
# ---------------------------------------------------------------------------------------------

ROC_OFFSET = 1911


def roc_year(d: date | int) -> int:
    """民國 year of a date or of an AD year: 2022 -> 111."""
    year = d if isinstance(d, int) else d.year
    # Year 0 does not exist and earlier years are 民國前 N, which nothing in the platform needs.
    if year <= ROC_OFFSET:
        raise ValueError(f"{year} is before the ROC calendar (1912 = 民國1年)")
    return year - ROC_OFFSET


def format_roc_date(d: date, sep: str = "/") -> str:
    """2022-09-01 -> "111/09/01". sep="-" gives the portal's upload format (YYY-MM-DD)."""
    # Zero-padded to three digits like the portal's 7-digit YYYMMDD, so strings sort by date.
    return f"{roc_year(d):03d}{sep}{d.month:02d}{sep}{d.day:02d}"
