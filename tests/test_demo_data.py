"""The demo data set (`manage.py load_demo`): the seed report's figures, read back through the API."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

# The seed's own report date: with it the demo's dates are the report's dates.
AS_OF = datetime.date(2018, 6, 11)
LATER = datetime.date(2025, 3, 3)

pytestmark = pytest.mark.django_db


def load(as_of: datetime.date | str | None = AS_OF) -> str:
    out = io.StringIO()
    options = {} if as_of is None else {"as_of": as_of}
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def rows(client, resource: str, **params) -> list[dict]:
    response = client.get(f"/api/v1/{resource}/", {"limit": 500, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return body["results"]


def project_ids(client) -> dict[str, int]:
    return {project["code"]: project["id"] for project in rows(client, "projects")}


def with_children(client, code: str) -> list[int]:
    """The project's id followed by its children's."""
    parent = project_ids(client)[code]
    return [parent, *(child["id"] for child in rows(client, "projects", parent=parent))]


def total(items: list[dict], field: str) -> Decimal:
    return sum((Decimal(str(item[field])) for item in items), Decimal(0))


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model of ours, with every value, timestamps and password hashes included."""
    labels = ("accounts", "projects", "milestones")
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


@pytest.fixture
def demo() -> str:
    return load()


def test_loads_the_seed_projects(api_client, demo):
    codes = set(project_ids(api_client))

    assert len(codes) >= 15
    assert {"SL-FH", "CW", "JT-KS", "JT-PL", "JT-ZY", "JT-S230", "SY-SX", "SY-EY", "JJ-YMG", "NY-CY"} <= codes


def test_flood_works_has_its_four_sections(api_client, demo):
    children = rows(api_client, "projects", parent=project_ids(api_client)["SL-FH"])

    assert [child["code"] for child in children] == ["SL-FH-1", "SL-FH-2", "SL-FH-3", "SL-FH-4"]
    assert [child["name"][-2:] for child in children] == ["1标", "2标", "3标", "4标"]


def test_flood_works_land_and_houses_total_the_report(api_client, demo):
    ids = with_children(api_client, "SL-FH")
    land = [row for project in ids for row in rows(api_client, "land-acquisitions", project=project)]
    houses = [row for project in ids for row in rows(api_client, "demolitions", project=project)]

    assert total(land, "completed_area_mu") == 1725
    assert total(houses, "agreements_signed") == 552
    assert total(houses, "rooms_demolished") == 345
    assert all(Decimal(row["planned_area_mu"]) >= Decimal(row["completed_area_mu"]) for row in land)
    assert all(row["planned_rooms"] >= max(row["agreements_signed"], row["rooms_demolished"]) for row in houses)


def test_pet_town_sub_projects(api_client, demo):
    ids = project_ids(api_client)
    children = {child["name"]: child for child in rows(api_client, "projects", parent=ids["CW"])}
    starts = {
        name: [m["planned_date"] for m in rows(api_client, "milestones", project=child["id"]) if m["name"] == "开工"]
        for name, child in children.items()
    }
    (road,) = rows(api_client, "work-items", project=ids["CW-DL1"])

    assert set(children) == {
        "宠物小镇建设临时指挥部",
        "宠物文化公园（一期）",
        "市政道路一期工程",
        "宠物用品小微园源飞地块",
        "垃圾中转站",
        "总部经济园（一期）",
    }
    assert children["宠物文化公园（一期）"]["status"] == "completed"
    assert road["progress"] == 20.0
    assert starts["宠物用品小微园源飞地块"][0][:7] == starts["垃圾中转站"][0][:7] == "2018-06"
    assert starts["总部经济园（一期）"][0][:7] == "2018-07"


def test_kunshui_road_quantities_give_the_reported_shares(api_client, demo):
    project = project_ids(api_client)["JT-KS"]
    items = {item["name"]: item for item in rows(api_client, "work-items", project=project)}
    bridges_done = {m["name"] for m in rows(api_client, "milestones", project=project) if m["actual_date"]}

    shares = {
        name: Decimal(item["completed_quantity"]) / Decimal(item["planned_quantity"]) * 100
        for name, item in items.items()
    }
    assert shares == {"路基": 40, "隧道": 50, "桥梁": 40}
    assert {name: item["progress"] for name, item in items.items()} == {"路基": 40.0, "隧道": 50.0, "桥梁": 40.0}
    assert {"元底桥完工", "水头1号桥完工"} <= bridges_done


def test_school_and_hospital_phases(api_client, demo):
    ids = project_ids(api_client)
    school = [child["code"] for child in rows(api_client, "projects", parent=ids["SY-SX"])]
    hospital = [child["code"] for child in rows(api_client, "projects", parent=ids["SY-EY"])]
    (main_building,) = rows(api_client, "work-items", project=ids["SY-EY-2"])

    assert school == ["SY-SX-1", "SY-SX-2"]
    assert hospital == ["SY-EY-1", "SY-EY-2"]
    assert (main_building["unit"], Decimal(main_building["completed_quantity"])) == ("层", 15)


def test_flood_access_road_moved_104_tombs_and_634_burial_places(api_client, demo):
    graves = rows(api_client, "clearance-items", project=project_ids(api_client)["JT-ZY"], kind="graves")

    assert {row["unit"]: Decimal(row["completed"]) for row in graves} == {"座": 104, "穴": 634}
    assert all(Decimal(row["planned"]) >= Decimal(row["completed"]) for row in graves)


def test_rural_road_settled_crops_graves_and_ponds(api_client, demo):
    items = rows(api_client, "clearance-items", project=project_ids(api_client)["JT-PL"])

    assert {row["kind"] for row in items} == {"crops", "graves", "fish_ponds"}
    assert all(row["progress"] == 100.0 for row in items)


@pytest.mark.parametrize(
    ("code", "kind", "mu"),
    [("JT-PL", "requisition", 28), ("JT-ZY", "expropriation", 57), ("JT-S230", "lease", 102)],
)
def test_road_land_areas(api_client, demo, code, kind, mu):
    land = rows(api_client, "land-acquisitions", project=project_ids(api_client)[code])

    assert {row["kind"] for row in land} == {kind}
    assert total(land, "completed_area_mu") == mu


def test_tea_garden_investment_and_land_transfer(api_client, demo):
    project = project_ids(api_client)["NY-CY"]
    land = rows(api_client, "land-acquisitions", project=project, kind="transfer")

    assert total(rows(api_client, "investments", project=project), "amount") == 550
    assert total(land, "completed_area_mu") >= 1000


def test_the_two_problems_are_raised_on_the_report_date(api_client, demo):
    problems = rows(api_client, "problems", town_wide="true")

    assert sorted(problem["category"] for problem in problems) == ["funding", "land_quota"]
    assert {problem["raised_on"] for problem in problems} == {AS_OF.isoformat()}
    assert {problem["status"] for problem in problems} == {"open"}
    assert any("建设资金缺乏" in problem["description"] for problem in problems)
    assert any("缺乏土地指标" in problem["description"] for problem in problems)


def test_a_second_run_changes_nothing(api_client, demo):
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert "Nothing changed" in output


def test_as_of_shifts_every_date(api_client):
    load(LATER.isoformat())
    ids = project_ids(api_client)
    fit_out = {m["name"]: m for m in rows(api_client, "milestones", project=ids["SY-EY-1"])}["装修工程完成"]
    (problem, *_) = rows(api_client, "problems", category="funding")

    # Seed time 2018-06-30 is 19 days after the report date.
    assert fit_out["planned_date"] == (LATER + datetime.timedelta(days=19)).isoformat()
    assert problem["raised_on"] == LATER.isoformat()


def test_moving_the_as_of_date_moves_rows_instead_of_adding_them(api_client):
    load(AS_OF)
    counts = {label: len(values) for label, values in snapshot().items()}

    load(LATER)

    assert {label: len(values) for label, values in snapshot().items()} == counts
    (invested,) = rows(api_client, "investments", project=project_ids(api_client)["NY-CY"])
    assert invested["period"] == "2025-02-01"  # the seed's May, the month before the report, stays the month before


@pytest.mark.parametrize("bad", ["2018-13-01", "yesterday", "20180611", "2018-06-11T00:00"])
def test_a_bad_as_of_date_is_a_clear_error(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        load(bad)


def test_demo_users_log_in_with_the_printed_passwords(anonymous_client, demo):
    table = demo.split("Demo logins", 1)[1].splitlines()[2:]
    logins = [line.split()[:4] for line in table if line.strip()]

    assert len(logins) == 9  # an admin, a supervisor and one editor for each of the seven offices
    for username, password, role, office in logins:
        response = anonymous_client.post("/api/v1/auth/token/", {"username": username, "password": password})
        assert response.status_code == 200, (username, response.content)
        assert response.json()["token"]
        user = User.objects.select_related("office").get(username=username)
        assert user.role == role
        assert (user.office.code if user.office else "-") == office
    admin = User.objects.get(role="admin", username__startswith="demo-")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.filter(role="supervisor", office=None).exists()


@time_machine.travel(datetime.datetime(2026, 1, 14, 20, 0, tzinfo=datetime.UTC), tick=False)
def test_default_as_of_is_today_in_shanghai_with_milestones_in_every_state(api_client):
    load(None)
    today = datetime.date(2026, 1, 15)  # 20:00 UTC is the next morning in Asia/Shanghai
    milestones = rows(api_client, "milestones")

    def planned(milestone) -> datetime.date:
        return datetime.date.fromisoformat(milestone["planned_date"])

    done = [m for m in milestones if m["actual_date"]]
    open_ = [m for m in milestones if not m["actual_date"]]
    assert {problem["raised_on"] for problem in rows(api_client, "problems")} == {today.isoformat()}
    assert done
    assert [m for m in open_ if planned(m) < today]  # overdue
    assert [m for m in open_ if today <= planned(m) <= today + datetime.timedelta(days=14)]  # due soon
    assert [m for m in open_ if planned(m) > today + datetime.timedelta(days=14)]  # upcoming
    assert {m["state"] for m in milestones} == {"done", "overdue", "due_soon", "upcoming"}


def test_the_flood_works_shows_the_seed_figures_in_its_detail_and_in_the_summary(api_client, frozen_today):
    load(frozen_today)
    works = rows(api_client, "projects", code="SL-FH")[0]
    assert (works["land_completed_mu"], works["rooms_signed"], works["rooms_demolished"]) == ("1725.00", 552, 345)
    assert works["children_count"] == 4

    office = works["office"]
    response = api_client.get("/api/v1/reports/summary/", {"office": office, "root": "true"})
    assert response.status_code == 200, response.content
    totals = response.json()["totals"]
    assert (totals["land_completed_mu"], totals["rooms_signed"], totals["rooms_demolished"]) == ("1725.00", 552, 345)
    assert totals["projects"] == 1
