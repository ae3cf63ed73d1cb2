"""List filters: each narrows to exactly the rows it names, and a value it cannot read is a 400."""

import datetime

import pytest

from .factories import MilestoneFactory, OfficeFactory, ProjectFactory
from .resources import API, PROJECT_ROWS, RESOURCES, error_fields, resource_params

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OLD = datetime.datetime(2018, 1, 10, 9, 0, tzinfo=SHANGHAI)
NEW = datetime.datetime(2018, 6, 10, 9, 0, tzinfo=SHANGHAI)


def ids(client, path: str, **query) -> list:
    response = client.get(f"{API}{path}/", query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def touch(rows, when: datetime.datetime) -> None:
    """Sets `updated_at` as if the rows were last written at `when` (`update()` skips `auto_now`)."""
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(updated_at=when)


# --- projects -----------------------------------------------------------------------------------


@pytest.fixture
def tree():
    """Two offices, two roots with children, a spread of categories, states and finish dates."""
    water, town = OfficeFactory(code="water"), OfficeFactory(code="town")
    p = {}
    p["dam"] = ProjectFactory(
        code="A1",
        name="水库除险加固",
        office=water,
        category="water",
        status="in_progress",
        leader="王强",
        planned_finish=datetime.date(2018, 12, 31),
    )
    p["dam_east"] = ProjectFactory(
        code="A1-1",
        name="东坝标段",
        office=water,
        parent=p["dam"],
        category="water",
        status="completed",
        contractor="瓯江水利建设公司",
        planned_finish=datetime.date(2018, 6, 30),
    )
    p["dam_west"] = ProjectFactory(
        code="A1-2",
        name="西坝标段",
        office=water,
        parent=p["dam"],
        category="water",
        status="planned",
        planned_finish=datetime.date(2019, 3, 31),
    )
    p["road"] = ProjectFactory(
        code="B1",
        name="水头大道",
        office=town,
        category="transport",
        status="in_progress",
        location="镇区东侧",
        planned_finish=datetime.date(2019, 12, 31),
    )
    p["road_bridge"] = ProjectFactory(
        code="B1-1",
        name="溪口大桥",
        office=town,
        parent=p["road"],
        category="transport",
        status="suspended",
        planned_finish=datetime.date(2020, 6, 30),
    )
    p["school"] = ProjectFactory(
        code="C1",
        name="水头二小",
        office=town,
        category="education",
        status="planned",
        planned_finish=datetime.date(2018, 9, 1),
    )
    return p


def pks(tree, *names) -> list:
    return [tree[name].pk for name in names]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "water"}, ["dam", "dam_east", "dam_west"]),
        ({"category": ["transport", "education"]}, ["road", "road_bridge", "school"]),
        ({"status": "planned"}, ["dam_west", "school"]),
        ({"status": ["completed", "suspended"]}, ["dam_east", "road_bridge"]),
        ({"root": "true"}, ["dam", "road", "school"]),
        ({"root": "false"}, ["dam_east", "dam_west", "road_bridge"]),
        ({"planned_finish_before": "2018-12-31"}, ["dam", "dam_east", "school"]),
        ({"planned_finish_after": "2019-03-31"}, ["dam_west", "road", "road_bridge"]),
        ({"planned_finish_after": "2018-07-01", "planned_finish_before": "2019-06-30"}, ["dam", "dam_west", "school"]),
        ({"search": "坝标段"}, ["dam_east", "dam_west"]),
        ({"search": "王强"}, ["dam"]),
        ({"search": "瓯江"}, ["dam_east"]),
        ({"search": "镇区东"}, ["road"]),
        ({"search": "B1"}, ["road", "road_bridge"]),
        ({"category": "water", "status": "in_progress"}, ["dam"]),
        ({"root": "true", "category": "transport"}, ["road"]),
    ],
    ids=repr,
)
def test_project_filters(api_client, tree, query, expected):
    assert ids(api_client, "projects", **query) == pks(tree, *expected)


def test_projects_by_office(api_client, tree):
    office = tree["road"].office
    assert ids(api_client, "projects", office=office.pk) == pks(tree, "road", "road_bridge", "school")


def test_projects_by_parent(api_client, tree):
    assert ids(api_client, "projects", parent=tree["dam"].pk) == pks(tree, "dam_east", "dam_west")
    assert ids(api_client, "projects", parent=tree["school"].pk) == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("planned_finish", ["dam_east", "school", "dam", "dam_west", "road", "road_bridge"]),
        ("-planned_finish", ["road_bridge", "road", "dam_west", "dam", "school", "dam_east"]),
        ("-code", ["school", "road_bridge", "road", "dam_west", "dam_east", "dam"]),
    ],
)
def test_project_ordering(api_client, tree, ordering, expected):
    assert ids(api_client, "projects", ordering=ordering) == pks(tree, *expected)


def test_projects_are_ordered_by_code_by_default(api_client, tree):
    assert ids(api_client, "projects") == pks(tree, "dam", "dam_east", "dam_west", "road", "road_bridge", "school")


# --- milestones ---------------------------------------------------------------------------------


@pytest.fixture
def milestones(tree):
    return {
        "dam_start": MilestoneFactory(project=tree["dam"], planned_date=datetime.date(2018, 3, 1)),
        "dam_east_done": MilestoneFactory(project=tree["dam_east"], planned_date=datetime.date(2018, 6, 30)),
        "road_start": MilestoneFactory(project=tree["road"], planned_date=datetime.date(2018, 5, 1)),
        "school_roof": MilestoneFactory(project=tree["school"], planned_date=datetime.date(2018, 8, 15)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "water"}, ["dam_start", "dam_east_done"]),
        ({"category": ["education", "transport"]}, ["road_start", "school_roof"]),
        ({"planned_date_before": "2018-05-01"}, ["dam_start", "road_start"]),
        ({"planned_date_after": "2018-06-30"}, ["dam_east_done", "school_roof"]),
        ({"planned_date_after": "2018-04-01", "planned_date_before": "2018-07-01"}, ["road_start", "dam_east_done"]),
    ],
    ids=repr,
)
def test_milestone_filters(api_client, milestones, query, expected):
    assert ids(api_client, "milestones", **query) == [milestones[name].pk for name in expected]


def test_milestones_by_project_and_office(api_client, tree, milestones):
    assert ids(api_client, "milestones", project=tree["dam"].pk) == [milestones["dam_start"].pk]
    town = tree["road"].office_id
    assert ids(api_client, "milestones", office=town) == [milestones["road_start"].pk, milestones["school_roof"].pk]


# --- every list: project and updated_since ------------------------------------------------------


@resource_params(PROJECT_ROWS)
def test_rows_by_project(api_client, case):
    project = ProjectFactory()
    mine = [case.factory(project=project), case.factory(project=project)]
    case.factory()  # under another project

    assert sorted(ids(api_client, case.path, project=project.pk)) == sorted(row.pk for row in mine)


@resource_params()
def test_updated_since(api_client, case):
    old, new = case.factory(), case.factory()
    touch([old], OLD)
    touch([new], NEW)
    # Rows the factories made alongside (parents of the same model) count as old.
    others = case.model.objects.exclude(pk__in=[old.pk, new.pk])
    others.update(updated_at=OLD)

    assert ids(api_client, case.path, updated_since="2018-06-10T09:00:00+08:00") == [new.pk]
    assert ids(api_client, case.path, updated_since="2018-06-10T01:00:01Z") == []
    assert set(ids(api_client, case.path, updated_since="2018-01-10T09:00:00+08:00")) == {
        *others.values_list("pk", flat=True),
        old.pk,
        new.pk,
    }


# --- bad values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("projects", {"root": "maybe"}, "root"),
        ("projects", {"root": "yes please"}, "root"),
        ("projects", {"office": "999999"}, "office"),
        ("projects", {"office": "water"}, "office"),
        ("projects", {"parent": "999999"}, "parent"),
        ("projects", {"category": "space"}, "category"),
        ("projects", {"status": "done"}, "status"),
        ("projects", {"planned_finish_before": "2018-13-45"}, "planned_finish_before"),
        ("projects", {"planned_finish_after": "soon"}, "planned_finish_after"),
        ("milestones", {"office": "999999"}, "office"),
        ("milestones", {"project": "999999"}, "project"),
        ("milestones", {"category": "space"}, "category"),
        ("milestones", {"planned_date_before": "2018-02-30"}, "planned_date_before"),
        ("milestones", {"planned_date_after": "yesterday"}, "planned_date_after"),
        *[(case.path, {"project": "999999"}, "project") for case in PROJECT_ROWS],
        *[(case.path, {"updated_since": "notadate"}, "updated_since") for case in RESOURCES],
        *[(case.path, {"ordering": "-no_such_field"}, "ordering") for case in RESOURCES],
        ("projects", {"ordering": "code,password"}, "ordering"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_filter_value_it_cannot_read_is_a_400(api_client, path, query, parameter):
    ProjectFactory(code="unused")  # a row the list would otherwise show
    assert error_fields(api_client.get(f"{API}{path}/", query)) == {parameter}


def test_a_row_read_by_id_is_not_filtered(api_client, tree):
    # List parameters shape lists; on a detail URL they are ignored rather than turning the row into a 404 or 400.
    dam = tree["dam"]
    response = api_client.get(f"{API}projects/{dam.pk}/", {"office": tree["road"].office_id, "status": "nonsense"})
    assert response.status_code == 200, response.content
    assert response.json()["id"] == dam.pk
