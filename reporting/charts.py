"""Progress charts: a project's (or the portfolio's) progress and planned progress over time, as SVG or PNG.

The points come from the history (`ReportFigures`, one per report, the last of a day counting) and end
with today's standing; the planned line is the schedule's share at each of those dates. The portfolio
weighs its projects as a parent weighs its children (by total investment, equally when none has one),
and counts a project not yet reported on by a date at its first known figure.

Both formats are drawn from the same layout: SVG by hand (no dependency), PNG with Pillow (the Word
briefing needs a raster image). Visible text is numbers, dates and ASCII only, so no CJK font is needed
on the server; the project's name goes into the SVG's <title> for screen readers.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from projects.models import Project, ReportFigures

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 40, 44
ACTUAL, PLANNED, GRID, INK = "#1f6fb2", "#e08a1e", "#dddddd", "#333333"


@dataclass
class Series:
    label: str
    color: str
    points: list[tuple[datetime.date, float]]
    dashed: bool = False


@dataclass
class Chart:
    title: str  # ASCII: drawn with the fonts every server has
    description: str = ""  # any language: the SVG's <title>, never drawn
    series: list[Series] = field(default_factory=list)
    as_of: datetime.date | None = None  # where an empty chart's axis is centred


def planned_at(project: Project, day: datetime.date) -> float | None:
    """The planned progress on `day`, as `projects.selectors.planned_progress` computes it in SQL."""
    start, finish = project.planned_start, project.planned_finish
    if start is None or finish is None:
        return None
    if day <= start:
        return 0.0
    if day >= finish:
        return 100.0
    return (day - start).days * 100.0 / (finish - start).days


def progress_history(project_ids) -> dict[int, list[tuple[datetime.date, Decimal]]]:
    """Each project's progress after each report, the last report of a day only, oldest first (one query)."""
    history: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    rows = (
        ReportFigures.objects.filter(project_id__in=project_ids)
        .order_by("project_id", "report__reported_on", "report_id")
        .values_list("project_id", "report__reported_on", "progress")
    )
    for project_id, day, progress in rows:
        history[project_id][day] = progress
    return {project_id: sorted(days.items()) for project_id, days in history.items()}


def project_chart(project: Project, history: list[tuple[datetime.date, Decimal]], *, today: datetime.date) -> Chart:
    points = {day: float(progress) for day, progress in history if day <= today}
    points[today] = float(project.progress)
    days = sorted(points)
    planned = [(day, value) for day in days if (value := planned_at(project, day)) is not None]
    chart = Chart(title=_ascii(f"{project.code}: progress (%)"), description=f"{project.code} {project.name}")
    chart.series.append(Series("progress", ACTUAL, [(day, points[day]) for day in days]))
    if planned:
        chart.series.append(Series("planned", PLANNED, planned, dashed=True))
    return chart


def portfolio_chart(
    projects: list[Project], history: dict[int, list[tuple[datetime.date, Decimal]]], *, today: datetime.date
) -> Chart:
    """The weighted progress of `projects` (each with everything under it) at every report date and today."""
    days = sorted({day for project in projects for day, _ in history.get(project.pk, []) if day <= today} | {today})
    weights = [project.total_investment or Decimal(0) for project in projects]
    if not any(weights):
        weights = [Decimal(1)] * len(projects)
    actual, planned = [], []
    for day in days:
        values, plans = [], []
        for project, weight in zip(projects, weights, strict=True):
            values.append((_progress_on(project, history.get(project.pk, []), day, today), weight))
            if (plan := planned_at(project, day)) is not None:
                plans.append((plan, weight))
        if total := sum(weight for _, weight in values):
            actual.append((day, float(sum(Decimal(str(v)) * w for v, w in values) / total)))
        if total := sum(weight for _, weight in plans):
            planned.append((day, float(sum(Decimal(str(v)) * w for v, w in plans) / total)))
    chart = Chart(title="Portfolio: progress (%)", description="portfolio", as_of=today)
    chart.series.append(Series("progress", ACTUAL, actual))
    if planned:
        chart.series.append(Series("planned", PLANNED, planned, dashed=True))
    return chart


def _progress_on(project, history, day, today) -> float:
    if day >= today:
        return float(project.progress)
    known = [progress for reported_on, progress in history if reported_on <= day]
    if known:
        return float(known[-1])
    return float(history[0][1]) if history else float(project.progress)


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode()


class _Layout:
    """Maps dates and percentages onto the drawing area."""

    def __init__(self, chart: Chart):
        days = [day for series in chart.series for day, _ in series.points] or [chart.as_of or datetime.date.today()]
        self.first, self.last = min(days), max(days)
        if self.first == self.last:
            self.first -= datetime.timedelta(days=15)
            self.last += datetime.timedelta(days=15)
        self.span = (self.last - self.first).days

    def x(self, day: datetime.date) -> float:
        return LEFT + (day - self.first).days * (WIDTH - LEFT - RIGHT) / self.span

    @staticmethod
    def y(value: float) -> float:
        return TOP + (100 - max(0.0, min(100.0, value))) * (HEIGHT - TOP - BOTTOM) / 100

    def ticks(self) -> list[datetime.date]:
        middle = self.first + datetime.timedelta(days=self.span // 2)
        return [self.first, middle, self.last]


def render_svg(chart: Chart) -> str:
    layout = _Layout(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(chart.description or chart.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="22" font-size="14" fill="{INK}">{escape(chart.title)}</text>',
    ]
    for value in range(0, 101, 25):
        y = layout.y(value)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{value}</text>')
    for index, day in enumerate(layout.ticks()):
        anchor = ("start", "middle", "end")[index]
        parts.append(
            f'<text x="{layout.x(day):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" fill="{INK}">'
            f"{day.isoformat()}</text>"
        )
    for index, series in enumerate(chart.series):
        coordinates = " ".join(f"{layout.x(day):.1f},{layout.y(value):.1f}" for day, value in series.points)
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{series.color}" stroke-width="2"{dash}/>')
        for day, value in series.points:
            parts.append(
                f'<circle cx="{layout.x(day):.1f}" cy="{layout.y(value):.1f}" r="3" fill="{series.color}">'
                f"<title>{day.isoformat()}: {value:.1f}%</title></circle>"
            )
        legend_x = WIDTH - RIGHT - 180 + index * 90
        parts.append(
            f'<line x1="{legend_x}" y1="18" x2="{legend_x + 20}" y2="18" stroke="{series.color}" '
            f'stroke-width="2"{dash}/><text x="{legend_x + 26}" y="22" fill="{INK}">{escape(series.label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_png(chart: Chart, *, scale: int = 2) -> bytes:
    """The same drawing as `render_svg`, drawn at `scale`× and scaled down for smooth lines."""
    layout = _Layout(chart)
    image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    font, title_font = ImageFont.load_default(size=12 * scale), ImageFont.load_default(size=14 * scale)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, y * scale

    draw.text(at(LEFT, 10), chart.title, fill=INK, font=title_font)
    for value in range(0, 101, 25):
        y = layout.y(value)
        draw.line([at(LEFT, y), at(WIDTH - RIGHT, y)], fill=GRID, width=scale)
        draw.text(at(LEFT - 6, y), str(value), fill=INK, font=font, anchor="rm")
    for index, day in enumerate(layout.ticks()):
        anchor = ("lm", "mm", "rm")[index]
        draw.text(at(layout.x(day), HEIGHT - BOTTOM + 14), day.isoformat(), fill=INK, font=font, anchor=anchor)
    for index, series in enumerate(chart.series):
        points = [at(layout.x(day), layout.y(value)) for day, value in series.points]
        if series.dashed:
            _dashed(draw, points, fill=series.color, width=2 * scale, dash=6 * scale, gap=4 * scale)
        elif len(points) > 1:
            draw.line(points, fill=series.color, width=2 * scale, joint="curve")
        for x, y in points:
            draw.ellipse([x - 3 * scale, y - 3 * scale, x + 3 * scale, y + 3 * scale], fill=series.color)
        legend_x = WIDTH - RIGHT - 180 + index * 90
        _dashed(
            draw,
            [at(legend_x, 18), at(legend_x + 20, 18)],
            fill=series.color,
            width=2 * scale,
            dash=6 * scale,
            gap=(4 if series.dashed else 0) * scale,
        )
        draw.text(at(legend_x + 26, 18), series.label, fill=INK, font=font, anchor="lm")
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _dashed(draw, points, *, fill, width, dash, gap) -> None:
    """A polyline in dashes of `dash` with gaps of `gap` (a solid line when `gap` is 0)."""
    if gap == 0:
        draw.line(points, fill=fill, width=width)
        return
    drawing, left = True, dash
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        position = 0.0
        while position < length:
            step = min(left, length - position)
            if drawing:
                start, end = position / length, (position + step) / length
                draw.line(
                    [(x1 + (x2 - x1) * start, y1 + (y2 - y1) * start), (x1 + (x2 - x1) * end, y1 + (y2 - y1) * end)],
                    fill=fill,
                    width=width,
                )
            position += step
            left -= step
            if left <= 0:
                drawing = not drawing
                left = dash if drawing else gap
