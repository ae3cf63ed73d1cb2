"""Request examples of the reporting endpoints, for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiExample

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
