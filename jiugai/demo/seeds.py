"""Demo data drawn from the five seed documents (shared/seeds/), plus illustrative filler.

Every name or number taken from a seed carries its seed file; names marked *illustrative* are
plausible inventions that fill out the tree (communities, a few streets, most non-Guyuan estates).
Street and community codes follow the national pattern (district code + 3 digits + 3 digits) but
only province, city and district codes are the real administrative division codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jiugai.accounts.choices import DepartmentType, Level, Role, UtilityType


@dataclass(frozen=True)
class SeedDocument:
    """One seed document: where it is stored, what it is called, when it was issued."""

    reference: str
    title: str
    date: dt.date
    date_note: str = ""


JIYUAN_DOC = SeedDocument(
    "seeds/000_f9b901b302fa6203.txt", "济源市住建局对政协提案第105049号的答复", dt.date(2021, 7, 20)
)
ZHANHE_DOC = SeedDocument(
    "seeds/001_f6a39a551d1fc451.txt",
    "湛河区老旧小区改造提质工作实施方案（平湛政办〔2020〕10号）",
    dt.date(2020, 5, 12),
)
XUCHANG_DOC = SeedDocument(
    "seeds/002_40d8e389fe8940d7.txt",
    "许昌市住建局对人大代表建议第67号的答复（许建人大〔2022〕2号）",
    dt.date(2022, 1, 1),
    "The reply states only the year 2022; 1 January is used as its effective date.",
)
GUYUAN_DOC = SeedDocument(
    "seeds/003_54d0b71b4a1e2a82.txt",
    "固原市区2022年老旧小区改造项目实施方案（征求意见稿）",
    dt.date(2022, 1, 28),
)
JINCHENG_DOC = SeedDocument(
    "seeds/004_391429ce0bbb685b.txt", "晋城市住建局对政协提案第TA00259号的答复", dt.date(2021, 5, 25)
)


@dataclass(frozen=True)
class StatedPlan:
    """Totals a plan document states for itself, kept as stated so that a plan check can compare them."""

    jurisdiction_code: str
    year: int
    estates: int
    buildings: int
    households: int
    housing_area_m2: Decimal
    investment_yuan: Decimal
    subsidy_requested_yuan: Decimal
    local_match_yuan: Decimal
    source: SeedDocument
    note: str = ""


# Guyuan 2022 (seed 003, §三(二) and §四). The document states 84 buildings for the city, while its
# three per-area figures add up to 35 + 29 + 17 = 81; both are kept as written.
GUYUAN_PLAN_2022 = StatedPlan(
    jurisdiction_code="640402",
    year=2022,
    estates=26,
    buildings=84,
    households=3081,
    housing_area_m2=Decimal("247891"),
    investment_yuan=Decimal("178086800"),
    subsidy_requested_yuan=Decimal("93812690"),
    local_match_yuan=Decimal("84274110"),
    source=GUYUAN_DOC,
    note="Stated 84 buildings; the per-area figures add up to 81.",
)


@dataclass(frozen=True)
class SeedArea:
    """A Guyuan 片区 with its estates and the totals the plan states for it."""

    name: str
    street_code: str
    community_code: str
    lanes: int
    households: int
    buildings: int
    area_m2: int
    estates: tuple[str, ...]


# Seed 003: the three areas and their 26 estates. Which street and community each area lies in is
# illustrative (the seed names the three streets but not which area belongs to which).
GUYUAN_AREAS: tuple[SeedArea, ...] = (
    SeedArea("西关北街片区", "640402002", "640402002001", 1, 1435, 35, 64180, ("东海园区", "福平苑", "税务小区")),
    SeedArea(
        "西关南街片区",
        "640402001",
        "640402001002",
        3,
        815,
        29,
        101452,
        (
            "信合小区",
            "紫薇花园",
            "供销车队小区",
            "动检站家属院",
            "吉祥苑",
            "民族小区",
            "武装部家属院",
            "绿源小区",
            "祥和家园",
            "工商小区南段",
            "工商小区北段",
            "交警队小区",
            "阳光小区",
            "妇幼小区",
        ),
    ),
    SeedArea(
        "南城路片区",
        "640402001",
        "640402001001",
        0,
        831,
        17,
        82259,
        (
            "新街口A区西段",
            "新街口A区东段",
            "新街口C区",
            "新街口D区",
            "八小家属院",
            "靖丰苑",
            "德福小区",
            "梅园小区",
            "电信小区",
        ),
    ),
)
# The seed spells one estate two ways (信合小区 in the area list, 信和小区 in the basic-works list).
GUYUAN_ALIASES: dict[str, tuple[str, ...]] = {"信合小区": ("信和小区",)}
# Illustrative: two estates built after 2000 (allowed for linkage up to 2005, at most 15% of households).
GUYUAN_POST2000: dict[str, int] = {"祥和家园": 2003, "阳光小区": 2002}
GUYUAN_IMPROVEMENT = (
    "新街口C区",
    "八小家属院",
    "靖丰苑",
    "德福小区",
    "梅园小区",
    "电信小区",
    "信合小区",
    "民族小区",
    "绿源小区",
    "祥和家园",
    "交警队小区",
    "东海园区",
)
GUYUAN_UPGRADE = ("靖丰苑", "梅园小区")


@dataclass(frozen=True)
class JurisdictionSeed:
    code: str
    name: str
    level: str
    parent: str | None


def _streets(district: str, names: tuple[str, ...]) -> list[JurisdictionSeed]:
    return [JurisdictionSeed(f"{district}{i:03d}", name, Level.STREET, district) for i, name in enumerate(names, 1)]


def _communities(street: str, names: tuple[str, ...]) -> list[JurisdictionSeed]:
    return [JurisdictionSeed(f"{street}{i:03d}", name, Level.COMMUNITY, street) for i, name in enumerate(names, 1)]


ZHANHE_STREETS = (
    "河滨街道",
    "北渡街道",
    "荆山街道",
    "姚孟街道",
    "九里山街道",
    "南环路街道",
    "马庄街道",
    "轻工路街道",
    "高阳路街道",
)
# Community names are illustrative.
ZHANHE_COMMUNITIES: dict[str, tuple[str, ...]] = {
    "410411001": ("湛南社区", "河滨社区", "光明社区"),
    "410411002": ("北渡社区", "曹镇社区"),
    "410411003": ("荆山社区", "开元社区"),
    "410411004": ("姚孟社区", "电厂社区"),
    "410411005": ("九里山社区", "新城社区"),
    "410411006": ("南环路社区", "建设社区"),
    "410411007": ("马庄社区", "程庄社区"),
    "410411008": ("轻工路社区", "湛北社区"),
    "410411009": ("高阳路社区", "和平社区"),
}

JURISDICTIONS: tuple[JurisdictionSeed, ...] = (
    JurisdictionSeed("CN", "全国", Level.NATION, None),
    JurisdictionSeed("41", "河南省", Level.PROVINCE, "CN"),
    JurisdictionSeed("64", "宁夏回族自治区", Level.PROVINCE, "CN"),
    JurisdictionSeed("14", "山西省", Level.PROVINCE, "CN"),
    # Jiyuan (seed 000): a county-level city under the province, streets directly below it.
    # 玉泉街道 is named in the seed; the other street names are Jiyuan's, their codes illustrative.
    JurisdictionSeed("419001", "济源市", Level.CITY, "41"),
    *_streets("419001", ("沁园街道", "济水街道", "北海街道", "天坛街道", "玉泉街道")),
    *_communities("419001005", ("东城社区", "玉泉社区")),  # illustrative
    *_communities("419001001", ("沁园社区",)),  # illustrative
    # Pingdingshan / Zhanhe (seed 001: the nine street offices on the leading-group list).
    JurisdictionSeed("410400", "平顶山市", Level.CITY, "41"),
    JurisdictionSeed("410411", "湛河区", Level.DISTRICT, "410400"),
    *_streets("410411", ZHANHE_STREETS),
    *[c for street, names in ZHANHE_COMMUNITIES.items() for c in _communities(street, names)],
    # Xuchang (seed 002 names 魏都区 and 建安区); street and community names illustrative.
    JurisdictionSeed("411000", "许昌市", Level.CITY, "41"),
    JurisdictionSeed("411002", "魏都区", Level.DISTRICT, "411000"),
    JurisdictionSeed("411003", "建安区", Level.DISTRICT, "411000"),
    *_streets("411002", ("西大街道", "五一路街道")),
    *_streets("411003", ("新元街道",)),
    *_communities("411002001", ("文峰社区", "西大社区")),
    *_communities("411002002", ("五一路社区",)),
    *_communities("411003001", ("新元社区",)),
    # Jincheng (seed 004); street and community names illustrative.
    JurisdictionSeed("140500", "晋城市", Level.CITY, "14"),
    JurisdictionSeed("140502", "城区", Level.DISTRICT, "140500"),
    *_streets("140502", ("东街街道", "西街街道", "南街街道")),
    *_communities("140502001", ("东街社区",)),
    *_communities("140502002", ("西街社区",)),
    *_communities("140502003", ("南街社区",)),
    # Guyuan / Yuanzhou (seed 003 names the three street offices); community names illustrative.
    JurisdictionSeed("640400", "固原市", Level.CITY, "64"),
    JurisdictionSeed("640402", "原州区", Level.DISTRICT, "640400"),
    *_streets("640402", ("南关街道", "古雁街道", "北塬街道")),
    *_communities("640402001", ("南城路社区", "西关南街社区")),
    *_communities("640402002", ("西关北街社区", "古雁社区")),
    *_communities("640402003", ("北塬社区",)),
)


# ---------------------------------------------------------------------------------------------
# Policy profiles
# ---------------------------------------------------------------------------------------------

GUIDANCE_TITLE = "国办发〔2020〕23号"
GUIDANCE_URL = "http://www.gov.cn/zhengce/content/2020-07/20/content_5528320.htm"
CIVIL_CODE_TITLE = "民法典第二百七十八条"
CIVIL_CODE_URL = "http://www.zombie-flick.com/xyzs/527.html"
CENTRAL_INVESTMENT_TITLE = "中央预算内投资保障性安居工程配套基础设施（2019年，每户不超过2万元）"
CENTRAL_INVESTMENT_URL = "https://pxhct.com/portal.php?aid=2152&mod=view"


@dataclass(frozen=True)
class ProfileSeed:
    """One version of a jurisdiction's policy profile with the source of each value."""

    jurisdiction_code: str
    effective_from: dt.date
    title: str
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    note: str = ""


def _from(doc: SeedDocument, **values: object) -> dict[str, dict[str, object]]:
    return {
        key.replace("__", "."): {"value": value, "source_title": doc.title, "source_reference": doc.reference}
        for key, value in values.items()
    }


def _sourced(title: str, url: str, **values: object) -> dict[str, dict[str, object]]:
    return {
        key.replace("__", "."): {"value": value, "source_title": title, "source_url": url}
        for key, value in values.items()
    }


PROFILES: tuple[ProfileSeed, ...] = (
    ProfileSeed(
        "CN",
        dt.date(2020, 7, 20),
        "全国默认：国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见",
        {
            **_sourced(
                GUIDANCE_TITLE,
                GUIDANCE_URL,
                eligibility__completed_by="2000-12-31",
                eligibility__post2000_allowed=False,
                eligibility__no_repeat_central_funding=True,
            ),
            **_sourced(CENTRAL_INVESTMENT_TITLE, CENTRAL_INVESTMENT_URL, funding__central_per_household_cap="20000"),
        },
        "National defaults from the State Council guidance.",
    ),
    ProfileSeed(
        "CN",
        dt.date(2021, 1, 1),
        "全国默认：民法典业主共同决定事项表决规则",
        {
            **_sourced(
                CIVIL_CODE_TITLE,
                CIVIL_CODE_URL,
                art278__participation_area="2/3",
                art278__participation_owners="2/3",
                art278__special_approval="3/4",
                art278__ordinary_approval="1/2",
                art278__non_voters_follow_majority=False,
            ),
            **_sourced("人大代表建议、政协提案办理（通常交办后3个月内答复）", "", oversight__reply_due_months=3),
        },
        "The Civil Code took effect on 1 January 2021.",
    ),
    ProfileSeed(
        "419001",
        JIYUAN_DOC.date,
        JIYUAN_DOC.title,
        _from(
            JIYUAN_DOC,
            funding__property_subsidy_rate="0.15",
            funding__property_subsidy_months=36,
            funding__property_subsidy_is_minimum=False,
            funding__utility_may_implement_share="1/3",
            funding__water_meter_utility_share="1/3",
            projects__weekly_report_weekday=5,
        ),
    ),
    ProfileSeed(
        "410411",
        ZHANHE_DOC.date,
        ZHANHE_DOC.title,
        _from(
            ZHANHE_DOC,
            funding__property_subsidy_rate="0.3",
            funding__property_subsidy_months=36,
            funding__property_subsidy_is_minimum=True,
            projects__acceptance_pass_rate="1",  # noqa: S106 - not a password
        ),
    ),
    ProfileSeed(
        "411000",
        XUCHANG_DOC.date,
        XUCHANG_DOC.title,
        _from(XUCHANG_DOC, consent__share_of_all_households="2/3"),
        XUCHANG_DOC.date_note,
    ),
    ProfileSeed(
        "640402",
        GUYUAN_DOC.date,
        GUYUAN_DOC.title,
        _from(
            GUYUAN_DOC,
            eligibility__post2000_allowed=True,
            eligibility__post2000_completed_by="2005-12-31",
            eligibility__post2000_household_cap="15/100",
            eligibility__no_repeat_central_funding=True,
            projects__survey_deadline="2021-06-30",
            projects__estates_fixed_deadline="2021-10-31",
            projects__preliminary_deadline="2022-02-28",
            projects__start_deadline="2022-03-15",
            projects__completion_deadline="2022-09-30",
            projects__acceptance_deadline="2022-11-30",
            projects__acceptance_pass_rate="1",  # noqa: S106 - not a password
        ),
    ),
    ProfileSeed(
        "140500",
        JINCHENG_DOC.date,
        JINCHENG_DOC.title,
        _from(
            JINCHENG_DOC,
            funding__hardship_exemption=True,
            stewardship__agreement_max_bidders=3,
            stewardship__agreement_area_below_m2="30000",
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# Organisations and demo logins
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSeed:
    """A demo account: the login a person uses, its role, where it acts and for which organisation."""

    username: str
    role: str
    jurisdiction_code: str | None
    organisation: str
    department_type: str = ""
    utility_type: str = ""
    primary: bool = False  # one per role, printed by load_demo


LOGINS: tuple[AccountSeed, ...] = (
    AccountSeed("admin", Role.PLATFORM_ADMIN, None, "平台运维", primary=True),
    AccountSeed(
        "city_office", Role.LEADING_GROUP_OFFICE, "410400", "平顶山市老旧小区改造工作领导小组办公室", primary=True
    ),
    AccountSeed("zhanhe_office", Role.LEADING_GROUP_OFFICE, "410411", "湛河区老旧小区改造提质工作领导小组办公室"),
    AccountSeed(
        "guyuan_office", Role.LEADING_GROUP_OFFICE, "640402", "原州区老旧小区改造工作领导小组办公室（原州区综合执法局）"
    ),
    AccountSeed("jiyuan_office", Role.LEADING_GROUP_OFFICE, "419001", "济源市老旧小区改造提升工作领导小组办公室"),
    AccountSeed(
        "zhanhe_housing", Role.DEPARTMENT, "410411", "湛河区住房和城乡建设局", DepartmentType.HOUSING, primary=True
    ),
    AccountSeed("zhanhe_street", Role.STREET_OFFICE, "410411001", "河滨街道办事处", primary=True),
    AccountSeed("zhanhe_community", Role.COMMUNITY_COMMITTEE, "410411001001", "湛南社区居民委员会", primary=True),
    AccountSeed("guyuan_water", Role.UTILITY, "640402", "六盘山水务公司", utility_type=UtilityType.WATER, primary=True),
    AccountSeed("design_firm", Role.DESIGN_FIRM, "410411", "湛河示范设计院（示例）", primary=True),
    AccountSeed("construction_firm", Role.CONSTRUCTION_FIRM, "410411", "湛河示范建设工程公司（示例）", primary=True),
    AccountSeed("supervision_firm", Role.SUPERVISION_FIRM, "410411", "湛河示范工程监理公司（示例）", primary=True),
    AccountSeed("property_company", Role.PROPERTY_COMPANY, "411003", "建安物业公司", primary=True),
    AccountSeed("deputy", Role.DEPUTY, "411000", "许昌市人大代表（建议第67号）", primary=True),
    AccountSeed("owners_committee", Role.OWNERS_COMMITTEE, "411002001001", "文宴雅居业主委员会", primary=True),
    # The Guyuan project demo (seed 003): the street office that drives 西关北街片区's projects and the parties that
    # sign their joint acceptance. The firms are illustrative; the seed names none.
    AccountSeed("guyuan_street", Role.STREET_OFFICE, "640402002", "古雁街道办事处"),
    AccountSeed("guyuan_designer", Role.DESIGN_FIRM, "640402", "原州示范设计院（示例）"),
    AccountSeed("guyuan_builder", Role.CONSTRUCTION_FIRM, "640402", "原州示范建设工程公司（示例）"),
    AccountSeed("guyuan_supervisor", Role.SUPERVISION_FIRM, "640402", "原州示范工程监理公司（示例）"),
    AccountSeed("guyuan_owners", Role.OWNERS_COMMITTEE, "640402002001", "福平苑业主委员会（示例）"),
)

# Zhanhe's member departments (seed 001, leading-group list).
ZHANHE_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("zhanhe_reform", "湛河区发展和改革委员会", DepartmentType.DEVELOPMENT_REFORM),
    ("zhanhe_finance", "湛河区财政局", DepartmentType.FINANCE),
    ("zhanhe_land", "湛河国土分局", DepartmentType.PLANNING),
    ("zhanhe_planning", "湛河规划分局", DepartmentType.PLANNING),
    ("zhanhe_urban", "湛河区城市管理局", DepartmentType.URBAN_MANAGEMENT),
    ("zhanhe_industry", "湛河区工业和信息化局", DepartmentType.INDUSTRY_IT),
    ("zhanhe_health", "湛河区卫生健康委员会", DepartmentType.HEALTH),
    ("zhanhe_education", "湛河区教育局", DepartmentType.EDUCATION_SPORTS),
    ("zhanhe_civil", "湛河区民政局", DepartmentType.CIVIL_AFFAIRS),
    ("zhanhe_culture", "湛河区文化广电和旅游局", DepartmentType.CULTURE),
    ("zhanhe_emergency", "湛河区应急管理局", DepartmentType.EMERGENCY),
    ("zhanhe_police_beidu", "北渡公安分局", DepartmentType.POLICE),
    ("zhanhe_police_yaomeng", "姚孟公安分局", DepartmentType.POLICE),
    ("zhanhe_police_qinggong", "轻工路公安分局", DepartmentType.POLICE),
    ("zhanhe_organisation", "湛河区委组织部", DepartmentType.ORGANISATION),
    ("zhanhe_publicity", "湛河区委宣传部", DepartmentType.PUBLICITY),
)
# Yuanzhou's member departments (seed 003, §六).
GUYUAN_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("guyuan_enforcement", "原州区综合执法局", DepartmentType.URBAN_MANAGEMENT),
    ("guyuan_reform", "原州区发改局", DepartmentType.DEVELOPMENT_REFORM),
    ("guyuan_finance", "原州区财政局", DepartmentType.FINANCE),
    ("guyuan_approvals", "原州区审批服务局", DepartmentType.APPROVALS),
    ("guyuan_education", "原州区教育体育局", DepartmentType.EDUCATION_SPORTS),
    ("guyuan_police", "原州区公安分局", DepartmentType.POLICE),
    ("guyuan_emergency", "原州区应急管理局", DepartmentType.EMERGENCY),
)
OTHER_DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("jiyuan_housing", "419001", "济源市住房和城乡建设局", DepartmentType.HOUSING),
    ("xuchang_housing", "411000", "许昌市住房和城乡建设局", DepartmentType.HOUSING),
    ("jincheng_housing", "140500", "晋城市住房和城乡建设局", DepartmentType.HOUSING),
)
# Guyuan's utilities (seed 003, §六): the telecom and cable operators are named only by brand.
GUYUAN_UTILITIES: tuple[tuple[str, str, str], ...] = (
    ("guyuan_power", "固原市供电公司", UtilityType.POWER),
    ("guyuan_heating_nanyuan", "南塬供热公司", UtilityType.HEATING),
    ("guyuan_heating_beiyuan", "北塬供热公司", UtilityType.HEATING),
    ("guyuan_gas", "中燃固原分公司", UtilityType.GAS),
    ("guyuan_telecom", "中国电信固原分公司", UtilityType.TELECOM),
    ("guyuan_mobile", "中国移动固原分公司", UtilityType.TELECOM),
    ("guyuan_unicom", "中国联通固原分公司", UtilityType.TELECOM),
    ("guyuan_cable", "固原广电网络公司", UtilityType.CABLE_TV),
)


# ---------------------------------------------------------------------------------------------
# Estates outside Guyuan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstateSeed:
    """A small demo estate: where it is, when it was built, how many buildings and households per building."""

    code: str
    name: str
    community_code: str
    build_year: int
    buildings: int
    households_per_building: int
    note: str = ""


# Names are illustrative except 东城建安住宅楼 (seed 000, 玉泉街道) and 文宴雅居 (seed 002, 魏都区).
OTHER_ESTATES: tuple[EstateSeed, ...] = (
    EstateSeed("410411001-E01", "湛南路机械厂家属院", "410411001001", 1988, 3, 24),
    EstateSeed("410411001-E02", "河滨小区", "410411001002", 1995, 2, 30),
    EstateSeed("410411001-E03", "光明路供电局家属院", "410411001003", 1992, 2, 18),
    EstateSeed("410411002-E01", "北渡粮站家属院", "410411002001", 1990, 2, 20),
    EstateSeed("410411002-E02", "曹镇供销社小区", "410411002002", 1986, 1, 24),
    EstateSeed("410411003-E01", "荆山纺织厂家属院", "410411003001", 1989, 2, 24),
    EstateSeed("410411004-E01", "姚孟电厂生活区", "410411004002", 1993, 3, 30),
    EstateSeed("410411005-E01", "九里山小区", "410411005001", 1997, 2, 24),
    EstateSeed("410411006-E01", "南环路建设小区", "410411006002", 1999, 2, 20),
    EstateSeed("410411007-E01", "马庄新村", "410411007001", 1991, 2, 18),
    EstateSeed("410411008-E01", "轻工路轻纺家属院", "410411008001", 1987, 2, 24),
    EstateSeed("410411009-E01", "高阳路二中家属院", "410411009001", 1994, 1, 20),
    EstateSeed("419001005-E01", "东城建安住宅楼", "419001005001", 1998, 1, 24, "seed 000: elevator retrofit done"),
    EstateSeed("419001005-E02", "玉泉小区", "419001005002", 1996, 2, 24),
    EstateSeed("419001001-E01", "沁园路商业局家属院", "419001001001", 1993, 2, 20),
    EstateSeed("411002001-E01", "文宴雅居", "411002001001", 1999, 2, 24, "seed 002: owners' committee formed"),
    EstateSeed("411002002-E01", "五一路棉纺厂家属院", "411002002001", 1988, 2, 30),
    EstateSeed("411003001-E01", "新元小区", "411003001001", 2000, 2, 24),
    EstateSeed("140502001-E01", "东街煤炭局家属院", "140502001001", 1990, 2, 24),
    EstateSeed("140502002-E01", "西街小区", "140502002001", 1995, 2, 20),
    EstateSeed("140502003-E01", "南街电业局家属院", "140502003001", 1992, 2, 24),
)

# Birth-place codes for demo ID numbers: codes valid for births from 1940 on (stdnum checks the year).
ID_REGION_CODES: dict[str, tuple[str, ...]] = {
    "410411": ("410400",),
    "419001": ("410800", "410000"),
    "411000": ("412301", "410000"),
    "140500": ("142500", "140000"),
    "640402": ("642221", "640000"),
}
