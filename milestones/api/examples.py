"""Request examples of the milestone endpoints, for the OpenAPI schema."""

from drf_spectacular.utils import OpenApiExample

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
