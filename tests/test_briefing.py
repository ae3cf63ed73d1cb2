"""The period's briefing (`reports/briefing/`) and the progress charts, through the HTTP API.

The demo data set is the seed report of 2018-06-11; reports filed in June move some of its figures up
to the seed's, so that the briefing says both what changed in the month and where each project stands.
"""

import datetime
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from milestones.models import Milestone
from projects.models import Demolition, LandAcquisition, Project, WorkItem

from .factories import (
    ClearanceItemFactory,
    DemolitionFactory,
    InvestmentFactory,
    LandAcquisitionFactory,
    MilestoneFactory,
    OfficeFactory,
    ProblemFactory,
    ProjectFactory,
    WorkItemFactory,
)

API = "/api/v1"
BRIEFING = f"{API}/reports/briefing/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# The seed's key figures, as the Chinese briefing writes them, and as the English one does.
SEED_ZH = [
    "完成土地征收1725亩",
    "房屋征迁协议签订552间、拆除345间",
    "1标隧洞开挖工程量的41.7%（1000米）",
    "路基工程量的40%",
    "隧道工程量的50%",
    "桥梁工程量的40%",
    "完成土地征用28亩",
    "完成土地征收57亩",
    "完成104座、634穴坟墓迁移",
    "完成土地租用102亩",
    "主楼工程量的75%（15层）",
    "市政道路工程量的20%",
    "累计完成投资550万元",
    "总投资26亿元",
]
SEED_EN = [
    "1,725 mu of land expropriated",
    "552 relocation agreements signed and 345 rooms demolished",
    "路基 40% of its quantity",
    "隧道 50% of its quantity",
    "桥梁 40% of its quantity",
    "28 mu of land requisitioned",
    "57 mu of land expropriated",
    "graves relocated: 104 tombs and 634 burial places",
    "102 mu of land leased",
    "CNY 5.5 million invested",
    "budget CNY 2.6 billion",
]


def project(code: str) -> Project:
    return Project.objects.get(code=code)


def report(client, code: str, reported_on: str, **changes) -> dict:
    response = client.post(
        f"{API}/progress-reports/", {"project": project(code).pk, "reported_on": reported_on, **changes}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def demo(api_client):
    """The demo data set as of the seed's date, with June's reports bringing the flood works and the
    Kunshui road up to the seed's figures (land +25 mu, rooms +8 signed, +15 demolished, tunnel +50 m, …)."""
    call_command("load_demo", as_of=datetime.date(2018, 6, 11), stdout=io.StringIO())
    flood, road = project("SL-FH"), project("JT-KS")
    land = LandAcquisition.objects.get(project=flood)
    houses = Demolition.objects.get(project=flood)
    tunnel = WorkItem.objects.get(project__code="SL-FH-1")
    subgrade = WorkItem.objects.get(project=road, name="路基")
    # Where they stood at the end of May.
    LandAcquisition.objects.filter(pk=land.pk).update(completed_area_mu=1700)
    Demolition.objects.filter(pk=houses.pk).update(agreements_signed=544, rooms_demolished=330)
    for item, before in ((tunnel, 950), (subgrade, 4500)):
        item.completed_quantity = before
        item.save()
    sluice = Milestone.objects.get(project=flood, name="显桥水闸开工")
    sluice.actual_date = None
    sluice.save()
    report(
        api_client,
        "SL-FH",
        "2018-06-05",
        summary="显桥水闸启动建设。",
        land_acquisitions=[{"id": land.pk, "completed_area_mu": "1725"}],
        demolitions=[{"id": houses.pk, "agreements_signed": 552, "rooms_demolished": 345}],
        work_items=[{"id": tunnel.pk, "completed_quantity": "1000"}],
        milestones=[{"id": sluice.pk, "actual_date": "2018-06-05"}],
    )
    report(api_client, "JT-KS", "2018-06-08", work_items=[{"id": subgrade.pk, "completed_quantity": "4800"}])
    return api_client


def briefing(client, **params) -> str:
    headers = params.pop("headers", {})
    response = client.get(BRIEFING, params, headers=headers)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_the_chinese_briefing_holds_the_seed_figures_of_every_main_project(demo):
    text = briefing(demo, period="2018-06")

    assert text.startswith("# 水头镇重点项目建设进展简报（2018年6月）")
    for figure in SEED_ZH:
        assert figure in text, figure
    assert "## 一、重点工作情况" in text and "### （一）水利" in text and "### （二）交通" in text


def test_the_month_says_what_its_reports_changed(demo):
    text = briefing(demo, period="2018-06")
    flood = next(line for line in text.splitlines() if "水头段防洪工程：" in line)

    assert "本月1标隧洞开挖推进50米，新增土地征收25亩，新签房屋征迁协议8间，新拆除房屋15间" in flood
    assert "显桥水闸开工（6月5日）" in flood
    assert "显桥水闸启动建设。" in flood
    assert "本月路基推进300米" in text


def test_a_month_without_reports_still_gives_every_projects_standing(demo):
    text = briefing(demo, period="2018-05")

    assert "本月新增" not in text and "本月1标" not in text
    for figure in SEED_ZH:
        assert figure in text, figure
    assert "（2018年5月）" in text


def test_the_period_defaults_to_the_current_month(demo):
    assert "（2018年6月）" in briefing(demo)


def test_overdue_milestones_and_problems_close_the_briefing(demo):
    text = briefing(demo, period="2018-06")
    overdue = text.index("## 二、逾期节点")
    problems = text.index("## 三、存在问题及建议")

    assert overdue < problems
    assert "水头三小二期工程“调概批复”原定2018年5月31日完成，已逾期11天" in text[overdue:problems]
    assert "一是建设资金缺乏" in text[problems:]
    assert "恳请县委县政府考虑水头实际，在建设资金上给予大力支持。" in text[problems:]
    assert "二是缺乏土地指标" in text[problems:]


def test_the_english_briefing_holds_the_same_figures(demo):
    text = briefing(demo, period="2018-06", headers={"Accept-Language": "en"})

    assert text.startswith("# Shuitou Township key projects: progress briefing, 2018-06")
    for figure in SEED_EN:
        assert figure in text, figure
    assert "25 mu more land expropriated" in text
    assert "## 2. Overdue milestones" in text and "We ask the county" in text


def test_markdown_is_the_default_and_says_its_language(demo):
    response = demo.get(BRIEFING, {"period": "2018-06"}, headers={"Accept-Language": "en"})

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Language"] == "en"


def test_a_measured_length_is_written_as_reports_round_it(demo):
    tunnel = WorkItem.objects.get(project__code="SL-FH-1")
    report(demo, "SL-FH-1", "2018-06-10", work_items=[{"id": tunnel.pk, "completed_quantity": "1034"}])

    assert "1标隧洞开挖工程量的43.1%（1000多米）" in briefing(demo, period="2018-06")


def test_json_gives_the_same_sections_with_their_figures(demo):
    response = demo.get(BRIEFING, {"period": "2018-06", "format": "json"})
    body = response.json()
    markdown = briefing(demo, period="2018-06")

    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    assert [section["key"] for section in body["sections"]] == ["projects", "overdue", "problems"]
    groups = body["sections"][0]["groups"]
    assert [group["category"] for group in groups][:2] == ["water", "transport"]
    flood = groups[0]["items"][0]
    assert flood["project"]["code"] == "SL-FH" and flood["reported_in_period"] is True
    assert flood["text"] in markdown
    figures = flood["figures"]
    assert figures["land"][0] == {
        "kind": "expropriation",
        "kind_label": "征收",
        "planned_mu": "1800.00",
        "completed_mu": "1725.00",
        "period_delta": "25.00",
    }
    assert figures["rooms"] == {
        "planned": 600,
        "signed": 552,
        "demolished": 345,
        "signed_delta": 8,
        "demolished_delta": 15,
    }
    assert isinstance(figures["progress"], float)
    assert [m["name"] for m in figures["milestones_met"]] == ["显桥水闸开工"]
    assert body["sections"][1]["items"][0]["milestone"]["days_overdue"] == 11
    assert body["totals"]["rooms_signed"] == 552 and body["totals"]["land_completed_mu"] == "2912.00"


def test_the_word_document_holds_the_same_text_and_charts(demo):
    response = demo.get(BRIEFING, {"period": "2018-06", "format": "docx"})
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    items = demo.get(BRIEFING, {"period": "2018-06", "format": "json"}).json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="briefing-2018-06.docx"' in response["Content-Disposition"]
    assert document.paragraphs[0].text == "水头镇重点项目建设进展简报（2018年6月）"
    for figure in SEED_ZH:
        assert figure in text, figure
    for group in items["sections"][0]["groups"]:
        for item in group["items"]:
            assert item["text"] in text
    # The portfolio's chart and one for each project reported on (the flood works and the road).
    assert len(document.inline_shapes) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2018-13"}, "period"),
        ({"period": "2018-6"}, "period"),
        ({"period": "June"}, "period"),
        ({"format": "pdf"}, "format"),
        ({"office": "99999"}, "office"),
        ({"category": "space"}, "category"),
        ({"root": "maybe"}, "root"),
    ],
)
def test_bad_parameters_answer_400_naming_them(api_client, params, field):
    response = api_client.get(BRIEFING, params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_briefing_needs_a_login(anonymous_client):
    assert anonymous_client.get(BRIEFING).status_code == 401


def test_an_office_gets_its_own_projects_without_the_town_wide_problems(demo):
    office = project("JT-KS").office_id
    text = briefing(demo, period="2018-06", office=office)

    assert "昆水公路" in text and "水头段防洪工程" not in text
    assert "建设资金缺乏" not in text
    assert "本期无待协调解决的问题。" in text


def test_a_category_filter_keeps_that_category(demo):
    text = briefing(demo, period="2018-06", category="water")

    assert "水头段防洪工程" in text and "昆水公路" not in text
    assert "### （一）水利" in text


def test_an_office_can_reword_a_project_in_its_own_template(demo, settings, tmp_path):
    folder = tmp_path / "briefing" / "zh-hans" / "projects"
    folder.mkdir(parents=True)
    (folder / "JT-KS.md").write_text("{{ p.name }}：路基{{ p.work_items.0.share|pct }}，\n总投资{{ p.budget|wan }}。\n")
    settings.BRIEFING_TEMPLATE_DIRS = [str(tmp_path)]

    text = briefing(demo, period="2018-06")

    assert "昆水公路：路基40%，总投资15亿元。" in text
    assert "完成土地征收1725亩" in text  # the other projects keep the built-in template


def add_trees(count: int) -> None:
    for _ in range(count):
        office = OfficeFactory()
        root = ProjectFactory(office=office, total_investment=Decimal(20000), planned_start=datetime.date(2018, 1, 1))
        child = ProjectFactory(office=office, parent=root, planned_finish=datetime.date(2019, 1, 1))
        WorkItemFactory(project=child)
        LandAcquisitionFactory(project=child)
        DemolitionFactory(project=root)
        ClearanceItemFactory(project=child)
        InvestmentFactory(project=child, period=datetime.date(2018, 6, 1))
        MilestoneFactory(project=child, planned_date=datetime.date(2018, 6, 1))
        MilestoneFactory(project=root, planned_date=datetime.date(2018, 6, 20))
        MilestoneFactory(project=root, planned_date=datetime.date(2018, 6, 2), actual_date=datetime.date(2018, 6, 3))
        ProblemFactory(project=child)


def queries(client, path: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (BRIEFING, {"period": "2018-06"}),
        (BRIEFING, {"period": "2018-06", "format": "json"}),
        (BRIEFING, {"period": "2018-06", "format": "docx"}),
        (f"{API}/reports/chart/", {}),
    ],
)
def test_the_briefing_costs_the_same_queries_for_3_projects_as_for_20(api_client, path, params):
    add_trees(3)
    few = queries(api_client, path, params)
    add_trees(17)

    assert queries(api_client, path, params) == few


def test_a_projects_chart_is_an_svg_with_its_progress_and_plan(demo):
    flood = project("SL-FH")
    response = demo.get(f"{API}/projects/{flood.pk}/chart/")
    svg = ET.fromstring(response.content)

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2  # progress and planned
    # One point for the June report, one for today.
    assert len(lines[0].get("points").split()) == 2
    assert "SL-FH: progress (%)" in response.content.decode()
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "SL-FH 水头段防洪工程"


@pytest.mark.parametrize("path", ["projects/{id}/chart/", "reports/chart/"])
def test_charts_come_as_png_too(demo, path):
    response = demo.get(f"{API}/{path.format(id=project('JT-KS').pk)}", {"format": "png"})
    image = Image.open(io.BytesIO(response.content))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert image.format == "PNG" and image.size == (720, 360)


def test_the_portfolio_chart_follows_the_filters(demo):
    response = demo.get(f"{API}/reports/chart/", {"category": "transport"})

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    ET.fromstring(response.content)


def test_a_chart_refuses_a_format_it_does_not_make(demo):
    response = demo.get(f"{API}/projects/{project('JT-KS').pk}/chart/", {"format": "gif"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"


def test_the_chart_of_an_unknown_project_is_404(api_client):
    response = api_client.get(f"{API}/projects/99999/chart/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
