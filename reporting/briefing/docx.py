"""The briefing as a Word document (python-docx), laid out from the same sections as the Markdown and JSON.

Charts come in as PNG (Word shows no SVG): the portfolio's after the lead paragraph, a project's after
its paragraph. The East Asian font is set on every style used, so that Word shows the Chinese text in
a Song typeface on any machine that opens it.
"""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

EAST_ASIAN_FONT = "SimSun"
CHART_WIDTH = Cm(15)


def render_docx(document: dict, *, portfolio_chart: bytes | None = None, project_charts: dict | None = None) -> bytes:
    """`project_charts` maps a project id to its chart (PNG)."""
    project_charts = project_charts or {}
    word = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number"):
        _east_asian(word.styles[name])
    word.styles["Normal"].font.size = Pt(11)
    word.core_properties.title = document["title"]
    word.core_properties.language = "en" if document["language"].startswith("en") else "zh-CN"

    word.add_heading(document["title"], level=0)
    word.add_paragraph(document["summary"])
    if portfolio_chart:
        word.add_picture(io.BytesIO(portfolio_chart), width=CHART_WIDTH)
    for section in document["sections"]:
        word.add_heading(section["title"], level=1)
        if section["note"]:
            word.add_paragraph(section["note"])
        for group in section.get("groups", []):
            word.add_heading(group["title"], level=2)
            for number, item in enumerate(group["items"], start=1):
                word.add_paragraph(f"{number}. {item['text']}")
                chart = project_charts.get(item["project"]["id"])
                if chart:
                    word.add_picture(io.BytesIO(chart), width=CHART_WIDTH)
        for item in section.get("items", []):
            word.add_paragraph(item["text"], style="List Bullet" if section["key"] == "overdue" else None)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _east_asian(style) -> None:
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
