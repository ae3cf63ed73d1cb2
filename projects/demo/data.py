"""The demo data set, as data: Shuitou township's key projects as its report of 2018-06-11 gives them.

Source: /work/shared/seed/000_0e0b2c8eb00d8331.txt (水头镇重点工作汇报材料, 2018年6月11日, covering
January–May 2018). Names and the reported figures (1,725 mu, 552/345 rooms, 40/50/40 %, 104 座 /
634 穴, 28 / 57 / 102 mu, 550 万元 …) are the seed's; "多" (more than) is read as its lower bound.
What the seed does not say (planned totals, budgets, exact dates inside a month, village splits) is
an illustrative, plausible choice, marked "illustrative" where it is a figure.

Dates are written in seed time (the report is dated `REPORT_DATE`); the loader shifts every one of
them by (as-of date − `REPORT_DATE`), so that the demo looks live on any day.

Demo logins (fixed, for demo databases only): `demo-admin` / `shuitou-admin` (Django admin),
`demo-supervisor` / `shuitou-supervisor`, and one editor per office, `demo-<office code>` /
`shuitou-editor`.
"""

from dataclasses import dataclass

from accounts.choices import Role
from projects.choices import Category, ClearanceKind, LandKind, ProblemCategory, ProgressMethod, Status

REPORT_DATE = "2018-06-11"

# Figures are written as int, or as str where they have decimals ("7.1"); the loader makes Decimals.
Number = int | str


@dataclass(frozen=True, kw_only=True)
class OfficeSpec:
    code: str
    name: str


@dataclass(frozen=True, kw_only=True)
class UserSpec:
    username: str
    password: str
    role: str
    office: str | None = None


@dataclass(frozen=True)
class WorkItemSpec:
    name: str
    unit: str
    planned: Number
    completed: Number = 0
    weight: Number = 1


@dataclass(frozen=True)
class LandSpec:
    village: str
    kind: str
    planned_mu: Number
    completed_mu: Number = 0


@dataclass(frozen=True)
class DemolitionSpec:
    village: str
    planned_rooms: int
    agreements_signed: int = 0
    rooms_demolished: int = 0


@dataclass(frozen=True)
class ClearanceSpec:
    kind: str
    unit: str
    planned: Number
    completed: Number = 0


@dataclass(frozen=True)
class MilestoneSpec:
    """`weight`: the share of the work the milestone stands for (illustrative) in milestone-based progress."""

    name: str
    planned: str
    done: str | None = None
    weight: Number = 1
    delay_reason: str = ""


@dataclass(frozen=True)
class InvestmentSpec:
    period: str  # "YYYY-MM": the month the money went in
    amount: Number  # 万元


@dataclass(frozen=True, kw_only=True)
class ProjectSpec:
    code: str
    name: str
    status: str
    planned_start: str
    planned_finish: str
    # A child takes its parent's office and category unless it names its own.
    office: str | None = None
    category: str | None = None
    actual_start: str | None = None
    actual_finish: str | None = None
    total_investment: Number | None = None  # 万元
    # A parent's progress is its children's; it is marked "milestones" for the milestones it holds.
    progress_method: str = ProgressMethod.MILESTONES
    manual_progress: Number | None = None
    leader: str = ""
    location: str = ""
    description: str = ""
    work_items: tuple[WorkItemSpec, ...] = ()
    land: tuple[LandSpec, ...] = ()
    demolitions: tuple[DemolitionSpec, ...] = ()
    clearance: tuple[ClearanceSpec, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    investments: tuple[InvestmentSpec, ...] = ()
    children: tuple["ProjectSpec", ...] = ()


@dataclass(frozen=True, kw_only=True)
class ProblemSpec:
    category: str
    description: str
    raised_on: str
    project: str | None = None  # a project code; None for a town-wide problem


OFFICES = (
    OfficeSpec(code="flood-control", name="水头段防洪工程指挥部"),
    OfficeSpec(code="pet-town", name="平阳宠物小镇建设指挥部"),
    OfficeSpec(code="transport", name="交通建设指挥部"),
    OfficeSpec(code="social", name="社会事业办"),
    OfficeSpec(code="economy", name="经济发展办"),
    OfficeSpec(code="agriculture", name="农业农村办"),
    OfficeSpec(code="environment", name="环境整治办"),
)

ADMIN_PASSWORD = "shuitou-admin"
SUPERVISOR_PASSWORD = "shuitou-supervisor"
EDITOR_PASSWORD = "shuitou-editor"

USERS = (
    UserSpec(username="demo-admin", password=ADMIN_PASSWORD, role=Role.ADMIN),
    UserSpec(username="demo-supervisor", password=SUPERVISOR_PASSWORD, role=Role.SUPERVISOR),
    *(
        UserSpec(username=f"demo-{office.code}", password=EDITOR_PASSWORD, role=Role.EDITOR, office=office.code)
        for office in OFFICES
    ),
)

PROJECTS = (
    # Seed section 一(二) 一是: water projects
    ProjectSpec(
        code="SL-FH",
        name="水头段防洪工程",
        office="flood-control",
        category=Category.WATER,
        status=Status.IN_PROGRESS,
        planned_start="2017-01-01",
        planned_finish="2020-12-31",
        actual_start="2017-03-15",
        total_investment=260000,  # illustrative; the sum of its 标段
        location="水头镇鳌江干流水头段",
        description=(
            "实现水头段防洪工程1至4标段全线开挖和建设。完成土地征收1725亩，房屋征迁协议签订552间、"
            "拆除345间等政策处理工作。砌滩工程完成主体建设，显桥水闸启动建设。"
        ),
        # The seed gives the site-clearance figures for the works as a whole, so the parent holds them;
        # the planned 1,800 mu and 600 rooms are illustrative.
        land=(LandSpec("沿线各村", LandKind.EXPROPRIATION, planned_mu=1800, completed_mu=1725),),
        demolitions=(DemolitionSpec("沿线各村", planned_rooms=600, agreements_signed=552, rooms_demolished=345),),
        milestones=(
            MilestoneSpec("显桥水闸开工", "2018-05-15", done="2018-05-20"),
            MilestoneSpec("砌滩工程主体完工", "2018-05-31", done="2018-05-28"),
            MilestoneSpec("房屋拆除清零", "2018-12-31"),
            MilestoneSpec("全线竣工", "2020-12-31", weight=2),
        ),
        children=(
            ProjectSpec(
                code="SL-FH-1",
                name="水头段防洪工程1标",
                status=Status.IN_PROGRESS,
                planned_start="2017-03-01",
                planned_finish="2020-06-30",
                actual_start="2017-03-15",
                total_investment=86000,  # illustrative
                progress_method=ProgressMethod.QUANTITIES,
                description="1标完成隧洞开挖1000多米。",
                work_items=(WorkItemSpec("隧洞开挖", "m", planned=2400, completed=1000),),  # planned: illustrative
                milestones=(
                    MilestoneSpec("开工", "2017-03-01", done="2017-03-15"),
                    MilestoneSpec("隧洞贯通", "2019-06-30"),
                ),
            ),
            ProjectSpec(
                code="SL-FH-2",
                name="水头段防洪工程2标",
                status=Status.IN_PROGRESS,
                planned_start="2017-06-30",
                planned_finish="2020-06-30",
                actual_start="2017-07-10",
                total_investment=62000,  # illustrative
                description="2至4标段5大水闸无障碍施工。",
                milestones=(
                    MilestoneSpec("开工", "2017-06-30", done="2017-07-10"),
                    MilestoneSpec("水闸主体完工", "2019-06-30", weight=2),
                    MilestoneSpec("竣工", "2020-06-30", weight=2),
                ),
            ),
            ProjectSpec(
                code="SL-FH-3",
                name="水头段防洪工程3标",
                status=Status.IN_PROGRESS,
                planned_start="2017-09-30",
                planned_finish="2020-09-30",
                actual_start="2017-10-20",
                total_investment=58000,  # illustrative
                description="2至4标段5大水闸无障碍施工。",
                milestones=(
                    MilestoneSpec("开工", "2017-09-30", done="2017-10-20"),
                    MilestoneSpec("水闸主体完工", "2019-09-30", weight=2),
                    MilestoneSpec("竣工", "2020-09-30", weight=2),
                ),
            ),
            ProjectSpec(
                code="SL-FH-4",
                name="水头段防洪工程4标",
                status=Status.IN_PROGRESS,
                planned_start="2017-12-31",
                planned_finish="2020-12-31",
                actual_start="2018-01-15",
                total_investment=54000,  # illustrative
                description="2至4标段5大水闸无障碍施工。",
                milestones=(
                    MilestoneSpec("开工", "2017-12-31", done="2018-01-15"),
                    MilestoneSpec("水闸主体完工", "2019-12-31", weight=2),
                    MilestoneSpec("竣工", "2020-12-31", weight=2),
                ),
            ),
        ),
    ),
    # 一(二) 二是: the pet town
    ProjectSpec(
        code="CW",
        name="平阳宠物小镇",
        office="pet-town",
        category=Category.TOWN,
        status=Status.IN_PROGRESS,
        planned_start="2017-01-01",
        planned_finish="2021-12-31",
        actual_start="2017-06-20",
        total_investment=300000,  # illustrative
        location="水头镇",
        description=(
            "重新申报创建类特色小镇名单，重点推进3个项目建设，完成宠物小镇建设临时指挥部和宠物文化公园（一期），"
            "以及市政道路一期工程总工程量的20%。6月份开工宠物用品小微园源飞地块、垃圾中转站项目，"
            "7月份启动总部经济园（一期）建设。"
        ),
        milestones=(MilestoneSpec("第二届宠爱日暨平阳宠物产业发展论坛", "2018-05-29", done="2018-05-29"),),
        children=(
            ProjectSpec(
                code="CW-ZHB",
                name="宠物小镇建设临时指挥部",
                status=Status.COMPLETED,
                planned_start="2017-10-01",
                planned_finish="2018-03-31",
                actual_start="2017-10-15",
                actual_finish="2018-03-28",
                total_investment=800,  # illustrative
                milestones=(
                    MilestoneSpec("开工", "2017-10-01", done="2017-10-15"),
                    MilestoneSpec("竣工", "2018-03-31", done="2018-03-28"),
                ),
            ),
            ProjectSpec(
                code="CW-GY1",
                name="宠物文化公园（一期）",
                status=Status.COMPLETED,
                planned_start="2017-06-01",
                planned_finish="2018-05-15",
                actual_start="2017-06-20",
                actual_finish="2018-05-10",
                total_investment=6000,  # illustrative
                milestones=(
                    MilestoneSpec("开工", "2017-06-01", done="2017-06-20"),
                    MilestoneSpec("竣工", "2018-05-15", done="2018-05-10"),
                ),
            ),
            ProjectSpec(
                code="CW-DL1",
                name="市政道路一期工程",
                status=Status.IN_PROGRESS,
                planned_start="2018-01-15",
                planned_finish="2019-06-30",
                actual_start="2018-02-01",
                total_investment=12000,  # illustrative
                progress_method=ProgressMethod.QUANTITIES,
                description="完成市政道路一期工程总工程量的20%。",
                work_items=(WorkItemSpec("市政道路", "m", planned=3000, completed=600),),  # 20 %; length illustrative
                milestones=(MilestoneSpec("开工", "2018-01-15", done="2018-02-01"),),
            ),
            ProjectSpec(
                code="CW-YF",
                name="宠物用品小微园源飞地块",
                status=Status.PLANNED,
                planned_start="2018-06-20",
                planned_finish="2019-12-31",
                total_investment=25000,  # illustrative
                description="6月份开工。",
                milestones=(
                    MilestoneSpec("开工", "2018-06-20"),
                    MilestoneSpec("竣工", "2019-12-31", weight=2),
                ),
            ),
            ProjectSpec(
                code="CW-LJ",
                name="垃圾中转站",
                status=Status.PLANNED,
                planned_start="2018-06-30",
                planned_finish="2018-12-31",
                total_investment=1500,  # illustrative
                description="6月份开工。",
                milestones=(
                    MilestoneSpec("开工", "2018-06-30"),
                    MilestoneSpec("竣工", "2018-12-31", weight=2),
                ),
            ),
            ProjectSpec(
                code="CW-ZB1",
                name="总部经济园（一期）",
                status=Status.PLANNED,
                planned_start="2018-07-31",
                planned_finish="2020-06-30",
                total_investment=30000,  # illustrative
                description="7月份启动建设。",
                milestones=(
                    MilestoneSpec("开工", "2018-07-31"),
                    MilestoneSpec("竣工", "2020-06-30", weight=2),
                ),
            ),
        ),
    ),
    # 一(二) 三是: transport
    ProjectSpec(
        code="JT-KS",
        name="昆水公路",
        office="transport",
        category=Category.TRANSPORT,
        status=Status.IN_PROGRESS,
        planned_start="2016-10-01",
        planned_finish="2019-12-31",
        actual_start="2016-12-01",
        total_investment=150000,  # illustrative
        progress_method=ProgressMethod.QUANTITIES,
        description=(
            "实现昆水公路政策处理全线清零，完成路基工程量的40%，隧道工程工程量的50%，桥梁工程工程量的40%，"
            "其中元底桥、水头1号桥桥梁建设已完成。"
        ),
        # Planned quantities are illustrative, chosen so that the shares are exactly the seed's.
        work_items=(
            WorkItemSpec("路基", "m", planned=12000, completed=4800),  # 40 %
            WorkItemSpec("隧道", "m", planned=3600, completed=1800),  # 50 %
            WorkItemSpec("桥梁", "座", planned=5, completed=2),  # 40 %: 元底桥, 水头1号桥
        ),
        milestones=(
            MilestoneSpec("元底桥完工", "2018-04-30", done="2018-04-25"),
            MilestoneSpec("水头1号桥完工", "2018-05-31", done="2018-05-20"),
            MilestoneSpec("政策处理全线清零", "2018-05-31", done="2018-05-30"),
            MilestoneSpec("全线通车", "2019-12-31", weight=2),
        ),
    ),
    ProjectSpec(
        code="JT-PL",
        name="水头蒲潭垟村至南雁蒲岭村农村道路改造提升工程",
        office="transport",
        category=Category.TRANSPORT,
        status=Status.IN_PROGRESS,
        planned_start="2018-03-01",
        planned_finish="2019-06-30",
        actual_start="2018-03-20",
        total_investment=3500,  # illustrative
        location="水头镇蒲潭垟村至南雁镇蒲岭村",
        description="完成土地征用28亩以及赔青、坟墓迁移和鱼塘征收等政策处理工作，便道施工加快推进。",
        land=(LandSpec("沿线各村", LandKind.REQUISITION, planned_mu=28, completed_mu=28),),
        # Settled in full; the seed gives no counts, so the graves and ponds figures are illustrative.
        clearance=(
            ClearanceSpec(ClearanceKind.CROPS, "亩", planned=28, completed=28),
            ClearanceSpec(ClearanceKind.GRAVES, "座", planned=12, completed=12),
            ClearanceSpec(ClearanceKind.FISH_PONDS, "亩", planned=3, completed=3),
        ),
        milestones=(
            MilestoneSpec("政策处理完成", "2018-05-31", done="2018-05-31"),
            MilestoneSpec("便道完工", "2018-06-05", delay_reason="便道施工加快推进中。"),
            MilestoneSpec("路面工程完工", "2019-03-31", weight=2),
            MilestoneSpec("竣工验收", "2019-06-30"),
        ),
    ),
    ProjectSpec(
        code="JT-ZY",
        name="水头镇中元村至凤卧镇垟头村防洪通道农村道路改造提升工程",
        office="transport",
        category=Category.TRANSPORT,
        status=Status.IN_PROGRESS,
        planned_start="2018-01-01",
        planned_finish="2019-12-31",
        actual_start="2018-02-01",
        total_investment=28000,  # illustrative
        progress_method=ProgressMethod.QUANTITIES,
        location="水头镇中元村至凤卧镇垟头村",
        description=(
            "完成6个村共计57亩土地征收以及104座、634穴坟墓迁移等政策处理工作，"
            "秀溪至新鹤村隧道、秀溪至石牌隧道施工各自推进200多米。"
        ),
        work_items=(  # tunnel lengths illustrative
            WorkItemSpec("秀溪至新鹤村隧道", "m", planned=800, completed=200),
            WorkItemSpec("秀溪至石牌隧道", "m", planned=650, completed=200),
        ),
        land=(LandSpec("中元村等6个村", LandKind.EXPROPRIATION, planned_mu=57, completed_mu=57),),
        clearance=(
            ClearanceSpec(ClearanceKind.GRAVES, "座", planned=104, completed=104),
            ClearanceSpec(ClearanceKind.GRAVES, "穴", planned=634, completed=634),
        ),
        milestones=(
            MilestoneSpec("政策处理完成", "2018-05-31", done="2018-05-25"),
            MilestoneSpec("隧道贯通", "2019-03-31", weight=2),
            MilestoneSpec("竣工", "2019-12-31"),
        ),
    ),
    ProjectSpec(
        code="JT-S230",
        name="平阳县S230省道平阳段生态美丽示范路工程",
        office="transport",
        category=Category.TRANSPORT,
        status=Status.IN_PROGRESS,
        planned_start="2018-04-01",
        planned_finish="2018-12-31",
        actual_start="2018-04-01",
        total_investment=9000,  # illustrative
        description="完成6个村102亩土地的租用工作，工程处于无障碍施工中。",
        land=(LandSpec("沿线6个村", LandKind.LEASE, planned_mu=102, completed_mu=102),),
        milestones=(
            MilestoneSpec("开工", "2018-04-01", done="2018-04-01"),
            MilestoneSpec("土地租用完成", "2018-04-30", done="2018-04-28"),
            MilestoneSpec("竣工", "2018-12-31", weight=6),
        ),
    ),
    # 一(二) 四是: public services
    ProjectSpec(
        code="SY-SX",
        name="水头三小",
        office="social",
        category=Category.EDUCATION,
        status=Status.IN_PROGRESS,
        planned_start="2016-09-01",
        planned_finish="2020-08-31",
        actual_start="2016-10-15",
        description="水头三小一期工程即将竣工，二期工程正在调概。",
        children=(
            ProjectSpec(
                code="SY-SX-1",
                name="水头三小一期工程",
                status=Status.IN_PROGRESS,
                planned_start="2016-09-01",
                planned_finish="2018-06-30",
                actual_start="2016-10-15",
                total_investment=8000,  # illustrative
                description="一期工程即将竣工。",
                milestones=(
                    MilestoneSpec("开工", "2016-09-01", done="2016-10-15"),
                    MilestoneSpec("主体结顶", "2017-10-31", done="2017-11-20", weight=6),
                    MilestoneSpec("竣工验收", "2018-06-20"),
                ),
            ),
            ProjectSpec(
                code="SY-SX-2",
                name="水头三小二期工程",
                status=Status.PLANNED,
                planned_start="2018-09-01",
                planned_finish="2020-08-31",
                total_investment=9500,  # illustrative
                description="二期工程正在调概。",
                milestones=(
                    MilestoneSpec("调概批复", "2018-05-31", delay_reason="二期工程正在调概。"),
                    MilestoneSpec("开工", "2018-09-01"),
                    MilestoneSpec("竣工", "2020-08-31", weight=2),
                ),
            ),
        ),
    ),
    ProjectSpec(
        code="SY-EY",
        name="平二医迁建工程",
        office="social",
        category=Category.HEALTH,
        status=Status.IN_PROGRESS,
        planned_start="2015-12-01",
        planned_finish="2020-12-31",
        actual_start="2016-01-10",
        description="平二医迁建工程一期工程将在6月底完成装修工程，二期工程主楼已建至15层。",
        children=(
            ProjectSpec(
                code="SY-EY-1",
                name="平二医迁建一期工程",
                status=Status.IN_PROGRESS,
                planned_start="2015-12-01",
                planned_finish="2018-09-30",
                actual_start="2016-01-10",
                total_investment=32000,  # illustrative
                description="一期工程将在6月底完成装修工程。",
                milestones=(
                    MilestoneSpec("开工", "2015-12-01", done="2016-01-10"),
                    MilestoneSpec("主体结顶", "2017-06-30", done="2017-07-15", weight=6),
                    MilestoneSpec("装修工程完成", "2018-06-30", weight=2),
                    MilestoneSpec("投入使用", "2018-09-30"),
                ),
            ),
            ProjectSpec(
                code="SY-EY-2",
                name="平二医迁建二期工程",
                status=Status.IN_PROGRESS,
                planned_start="2017-03-01",
                planned_finish="2020-12-31",
                actual_start="2017-04-10",
                total_investment=48000,  # illustrative
                progress_method=ProgressMethod.QUANTITIES,
                description="二期工程主楼已建至15层。",
                work_items=(WorkItemSpec("主楼", "层", planned=20, completed=15),),  # 20 floors: illustrative
                milestones=(
                    MilestoneSpec("开工", "2017-03-01", done="2017-04-10"),
                    MilestoneSpec("主楼结顶", "2018-10-31"),
                ),
            ),
        ),
    ),
    # 一(一): industry and services
    ProjectSpec(
        code="JJ-YMG",
        name="年产8000万尺移膜革项目",
        office="economy",
        category=Category.INDUSTRY,
        status=Status.PLANNED,
        planned_start="2018-10-15",
        planned_finish="2020-06-30",
        total_investment=50000,  # illustrative
        description="已同相关企业签订勾地意向书，完成总评方案和低效用地指标报批，计划10月份开工建设。",
        milestones=(
            MilestoneSpec("签订勾地意向书", "2018-03-31", done="2018-03-26", weight="0.5"),
            MilestoneSpec("总评方案和低效用地指标报批", "2018-05-31", done="2018-05-22", weight="0.5"),
            MilestoneSpec("开工", "2018-10-15"),
            MilestoneSpec("竣工投产", "2020-06-30", weight=8),
        ),
    ),
    ProjectSpec(
        code="JJ-BG",
        name="北港旅游集散中心",
        office="economy",
        category=Category.SERVICES,
        status=Status.PLANNED,
        planned_start="2018-09-01",
        planned_finish="2019-12-31",
        total_investment=6000,  # illustrative
        description="完成北港旅游集散中心设计初稿。",
        milestones=(
            MilestoneSpec("设计初稿", "2018-05-31", done="2018-05-30"),
            MilestoneSpec("设计定稿", "2018-07-31"),
            MilestoneSpec("开工", "2018-09-01"),
            MilestoneSpec("竣工", "2019-12-31", weight=7),
        ),
    ),
    ProjectSpec(
        code="JJ-XL",
        name="下林农贸市场改造工程",
        office="economy",
        category=Category.SERVICES,
        status=Status.PLANNED,
        planned_start="2018-07-15",
        planned_finish="2018-12-31",
        total_investment=1200,  # illustrative
        description="计划下月开工建设下林农贸市场改造工程。",
        milestones=(
            MilestoneSpec("开工", "2018-07-15"),
            MilestoneSpec("竣工", "2018-12-31", weight=2),
        ),
    ),
    # 一(三): rural revitalisation
    ProjectSpec(
        code="NY-CY",
        name="朝阳万亩茶园",
        office="agriculture",
        category=Category.RURAL,
        status=Status.IN_PROGRESS,
        planned_start="2017-09-01",
        planned_finish="2020-12-31",
        actual_start="2017-10-01",
        total_investment=3000,  # illustrative
        progress_method=ProgressMethod.QUANTITIES,
        location="水头镇朝阳片",
        description=(
            "已投入园区道路及基础设施550多万元，启动弱电上改下、墙立面改造等工程，完成标准土地开荒300亩，"
            "土地流转1000多亩，流转空置农房26间，开垦茶园500多亩、新增茶园面积280亩。"
        ),
        work_items=(  # planned areas illustrative
            WorkItemSpec("标准土地开荒", "亩", planned=500, completed=300),
            WorkItemSpec("开垦茶园", "亩", planned=1000, completed=500),
            WorkItemSpec("新增茶园面积", "亩", planned=500, completed=280),
        ),
        land=(LandSpec("朝阳片各村", LandKind.TRANSFER, planned_mu=1200, completed_mu=1000),),  # planned illustrative
        milestones=(MilestoneSpec("弱电上改下、墙立面改造启动", "2018-05-15", done="2018-05-10"),),
        investments=(InvestmentSpec("2018-05", 550),),  # invested to the report date, booked in May
    ),
    ProjectSpec(
        code="NY-NH",
        name="南湖荷花基地",
        office="agriculture",
        category=Category.RURAL,
        status=Status.COMPLETED,
        planned_start="2017-11-01",
        planned_finish="2018-05-31",
        actual_start="2017-11-15",
        actual_finish="2018-05-20",
        total_investment=400,  # illustrative
        location="水头镇南湖村",
        description="完成项目设计和木栈道建设，投入120万元种植100亩果苗，观光园已启动运营。",
        milestones=(
            MilestoneSpec("项目设计完成", "2017-12-31", done="2017-12-20"),
            MilestoneSpec("种植果苗100亩", "2018-03-31", done="2018-03-25"),
            MilestoneSpec("木栈道建成", "2018-04-30", done="2018-04-28"),
            MilestoneSpec("观光园开园", "2018-05-31", done="2018-05-20"),
        ),
        investments=(InvestmentSpec("2018-03", 120),),
    ),
    ProjectSpec(
        code="NY-HX",
        name="鹤溪杨梅精品园",
        office="agriculture",
        category=Category.RURAL,
        status=Status.COMPLETED,
        planned_start="2018-01-01",
        planned_finish="2018-05-31",
        actual_start="2018-01-20",
        actual_finish="2018-05-25",
        total_investment=300,  # illustrative
        location="水头镇永乐村",
        description=(
            "已由村集体收回经营，并投入245万元推广杨梅新品种实地培植、搭棚技术，"
            "现已完成观光游步道、围栏等相关配套建设，为村农户增收约200万元。"
        ),
        milestones=(
            MilestoneSpec("村集体收回经营", "2018-01-31", done="2018-01-20"),
            MilestoneSpec("观光游步道、围栏建成", "2018-05-31", done="2018-05-25"),
        ),
        investments=(InvestmentSpec("2018-04", 245),),
    ),
    ProjectSpec(
        code="NY-LH",
        name="龙涵宠物休闲旅游度假村",
        office="agriculture",
        category=Category.RURAL,
        status=Status.IN_PROGRESS,
        planned_start="2018-04-01",
        planned_finish="2020-12-31",
        actual_start="2018-04-18",
        total_investment=20000,  # illustrative
        location="水头镇龙涵村",
        description="已委托设计，启动两幢民房示范改造。",
        milestones=(
            MilestoneSpec("委托设计", "2018-04-30", done="2018-04-18"),
            MilestoneSpec("两幢民房示范改造完成", "2018-08-31", weight=2),
            MilestoneSpec("度假村开业", "2020-12-31", weight=7),
        ),
    ),
    # 一(四): environment
    ProjectSpec(
        code="HJ-QY",
        name="河道综合治理（鳌江老河道、凤卧溪等）",
        office="environment",
        category=Category.ENVIRONMENT,
        status=Status.IN_PROGRESS,
        planned_start="2018-01-01",
        planned_finish="2018-12-31",
        actual_start="2018-01-10",
        total_investment=1200,  # illustrative
        progress_method=ProgressMethod.QUANTITIES,
        description="完成河道清淤7.1公里、6.2万方，清理河边垃圾、废弃物184.7吨。",
        work_items=(  # the year's plan is illustrative
            WorkItemSpec("河道清淤长度", "km", planned=10, completed="7.1"),
            WorkItemSpec("河道清淤方量", "m³", planned=90000, completed=62000),
        ),
    ),
    ProjectSpec(
        code="HJ-LJ",
        name="垃圾分类资源化处理站",
        office="environment",
        category=Category.ENVIRONMENT,
        status=Status.IN_PROGRESS,
        planned_start="2018-04-15",
        planned_finish="2018-10-31",
        actual_start="2018-04-28",
        description="开工建设鹤溪、南湖、溪心等三处资源化处理站，购置投放室外垃圾桶700个、室内3300个。",
        children=tuple(
            ProjectSpec(
                code=f"HJ-LJ-{code}",
                name=f"{village}资源化处理站",
                status=Status.IN_PROGRESS,
                planned_start="2018-04-15",
                planned_finish="2018-10-31",
                actual_start=started,
                total_investment=150,  # illustrative
                milestones=(
                    MilestoneSpec("开工", "2018-04-15", done=started),
                    MilestoneSpec("竣工", "2018-10-31", weight=4),
                ),
            )
            for code, village, started in (
                ("HX", "鹤溪", "2018-04-28"),
                ("NH", "南湖", "2018-05-06"),
                ("XX", "溪心", "2018-05-16"),
            )
        ),
    ),
    ProjectSpec(
        code="HJ-RK",
        name="城镇东西入口景观提升工程",
        office="environment",
        category=Category.ENVIRONMENT,
        status=Status.IN_PROGRESS,
        planned_start="2018-05-15",
        planned_finish="2018-12-31",
        actual_start="2018-05-28",
        total_investment=2500,  # illustrative
        description="启动城镇东西入口景观提升项目建设。",
        milestones=(
            MilestoneSpec("开工", "2018-05-15", done="2018-05-28"),
            MilestoneSpec("竣工", "2018-12-31", weight=5),
        ),
    ),
)

# 二、存在问题及建议: both town-wide (the funding shortage names several projects, the land quota none).
PROBLEMS = (
    ProblemSpec(
        category=ProblemCategory.FUNDING,
        description=(
            "建设资金缺乏：今年在建的宠物小镇建设，强电、弱电上改下工程，镇区三级管网截污纳管工程，"
            "老镇区路网改造工程，二中北路改造提升工程等涉及投资金额大，但目前融资工作非常困难，"
            "导致多个工程建设资金严重不足，对工程建设进展造成了一定影响。"
        ),
        raised_on=REPORT_DATE,
    ),
    ProblemSpec(
        category=ProblemCategory.LAND_QUOTA,
        description=(
            "缺乏土地指标：没有新增的商业或者工业地块出让，导致新项目引进存在困难，"
            "造成部分有投资意向的企业无法落地水头。"
        ),
        raised_on=REPORT_DATE,
    ),
)
