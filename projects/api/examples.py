"""Request examples of the projects app's write endpoints, for the OpenAPI schema (one or more each)."""

from drf_spectacular.utils import OpenApiExample


def _request(summary: str, value: dict) -> OpenApiExample:
    return OpenApiExample(summary, value=value, request_only=True)


OFFICE = [_request("A project office", {"code": "flood-control", "name": "水头段防洪工程指挥部"})]

PROJECT = [
    _request(
        "A bid section under a works",
        {
            "code": "SL-FH-2",
            "name": "鳌江干流治理水头段防洪工程二标",
            "category": "water",
            "status": "in_progress",
            "parent": 1,
            "office": 1,
            "leader": "陈副镇长",
            "contractor": "浙江省第一水电建设集团",
            "location": "水头镇鳌江北岸",
            "description": "堤防加固及沿线征迁",
            "planned_start": "2017-03-01",
            "planned_finish": "2019-12-31",
            "actual_start": "2017-03-15",
            "actual_finish": None,
            "total_investment": "32000.00",
            "progress_method": "quantities",
            "manual_progress": None,
        },
    ),
    _request("Progress entered by hand", {"progress_method": "manual", "manual_progress": 40.0}),
]

WORK_ITEM = [
    _request(
        "Subgrade in metres",
        {
            "project": 2,
            "name": "路基",
            "unit": "m",
            "planned_quantity": "2100.00",
            "completed_quantity": "840.00",
            "weight": "2.00",
        },
    )
]

LAND_ACQUISITION = [
    _request(
        "Land requisitioned in one village",
        {
            "project": 2,
            "village": "中元村",
            "kind": "requisition",
            "planned_area_mu": "60.00",
            "completed_area_mu": "57.00",
        },
    )
]

DEMOLITION = [
    _request(
        "Houses signed for and torn down",
        {"project": 2, "village": "水头村", "planned_rooms": 600, "agreements_signed": 552, "rooms_demolished": 345},
    )
]

CLEARANCE_ITEM = [
    _request("Graves moved", {"project": 2, "kind": "graves", "unit": "座", "planned": "120.00", "completed": "104.00"})
]

INVESTMENT = [_request("Invested in May", {"project": 2, "period": "2018-05-01", "amount": "550.00"})]

PROBLEM = [
    _request(
        "A land quota problem",
        {
            "project": 2,
            "category": "land_quota",
            "description": "用地指标不足，需县里协调",
            "status": "open",
            "raised_on": "2018-05-02",
            "due_on": "2018-06-30",
            "resolved_on": None,
        },
    ),
    _request("Resolved", {"status": "resolved", "resolved_on": "2018-06-20"}),
]

MILESTONE = [
    OpenApiExample(
        "A planned milestone",
        value={
            "project": 2,
            "name": "主体工程完工",
            "planned_date": "2018-10-31",
            "actual_date": None,
            "weight": "3.00",
            "delay_reason": "",
        },
        request_only=True,
    ),
    OpenApiExample("Met late", value={"actual_date": "2018-11-08", "delay_reason": "雨季停工"}, request_only=True),
]

PROGRESS_REPORT = [
    OpenApiExample(
        "A monthly report with every kind of change",
        value={
            "project": 2,
            "reported_on": "2018-06-11",
            "summary": "二标段堤防主体完成八成，中元村征地基本完成",
            "work_items": [{"id": 5, "completed_quantity": "1680.00"}],
            "land_acquisitions": [{"id": 3, "completed_area_mu": "59.00"}],
            "demolitions": [{"id": 1, "agreements_signed": 560, "rooms_demolished": 350}],
            "clearance_items": [{"id": 4, "completed": "110.00"}],
            "milestones": [{"id": 7, "actual_date": "2018-06-08"}],
            "investment": {"period": "2018-06-01", "amount": "620.00"},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Only a summary",
        value={"project": 2, "reported_on": "2018-06-11", "summary": "本月因雨季停工十天"},
        request_only=True,
    ),
]
