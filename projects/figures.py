"""The figures of a project, declared once: what each one sums, in which unit and at which precision.

A figure here is a sum over the rows measured under a project and everything below it (money invested, land
planned and acquired, rooms planned, signed for and torn down), and a ratio of two of them. From this one
declaration come the database annotations of the project list (`projects.selectors`), the columns of the figures
kept after each report (`ReportFigures`), the totals of the summary report (`reporting.summary`), and the fields of
the API's shapes (`figure_serializer_fields`). Precision is decided once per kind of number, in settings.
"""

from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models.rows import Demolition, Investment, LandAcquisition


class Kind(Enum):
    """The kind of number a sum is: money in 万元 and areas in mu are decimals, rooms are counted."""

    MONEY = "money"
    AREA = "area"
    COUNT = "count"

    def sum_field(self, **kwargs) -> models.Field:
        """The type of a sum over many rows: wider than any one row's column, so that it cannot overflow."""
        if self is Kind.COUNT:
            return models.PositiveBigIntegerField(**kwargs)
        return models.DecimalField(max_digits=settings.SUM_MAX_DIGITS, decimal_places=2, **kwargs)


@dataclass(frozen=True)
class SubtreeSum:
    """A figure summed over a project and all its descendants: `column` of every `model` row under it."""

    name: str
    model: type[models.Model]
    column: str
    kind: Kind
    label: Promise
    help_text: str

    @property
    def counted(self) -> bool:
        return self.kind is Kind.COUNT


@dataclass(frozen=True)
class Ratio:
    """`part / whole × 100`, capped at 100; null when `whole` is zero or missing."""

    name: str
    part: str
    whole: str
    label: Promise


SUBTREE_SUMS = (
    SubtreeSum(
        "investment_completed",
        Investment,
        "amount",
        Kind.MONEY,
        _("investment completed (10,000 CNY)"),
        "万元 invested in the project and its descendants.",
    ),
    SubtreeSum(
        "land_planned_mu",
        LandAcquisition,
        "planned_area_mu",
        Kind.AREA,
        _("land planned (mu)"),
        "Mu, with descendants.",
    ),
    SubtreeSum(
        "land_completed_mu",
        LandAcquisition,
        "completed_area_mu",
        Kind.AREA,
        _("land completed (mu)"),
        "Mu, with descendants.",
    ),
    SubtreeSum("rooms_planned", Demolition, "planned_rooms", Kind.COUNT, _("rooms planned"), "With descendants."),
    SubtreeSum("rooms_signed", Demolition, "agreements_signed", Kind.COUNT, _("rooms signed"), "With descendants."),
    SubtreeSum(
        "rooms_demolished", Demolition, "rooms_demolished", Kind.COUNT, _("rooms demolished"), "With descendants."
    ),
)

RATIOS = (
    Ratio("land_progress", "land_completed_mu", "land_planned_mu", _("land progress (%)")),
    Ratio("agreement_progress", "rooms_signed", "rooms_planned", _("agreement progress (%)")),
    Ratio("demolition_progress", "rooms_demolished", "rooms_planned", _("demolition progress (%)")),
)
# Against the project's own budget, not a sum: only where a project (not a set of them) is shown.
INVESTMENT_PROGRESS = Ratio(
    "investment_progress", "investment_completed", "total_investment", _("investment progress (%)")
)

SUM_NAMES = tuple(figure.name for figure in SUBTREE_SUMS)


def in_reading_order(sums, ratios) -> list:
    """The sums in their declared order, each ratio right after the figure it is a share of."""
    ordered = []
    for figure in sums:
        ordered += [figure, *(ratio for ratio in ratios if ratio.part == figure.name)]
    return ordered


def sums_by_model() -> dict[type[models.Model], dict[str, str]]:
    """`{model: {figure name: column}}`: the sums each kind of row contributes, for one grouped query per model."""
    grouped: dict[type[models.Model], dict[str, str]] = {}
    for figure in SUBTREE_SUMS:
        grouped.setdefault(figure.model, {})[figure.name] = figure.column
    return grouped


def stored_figures_model() -> type[models.Model]:
    """An abstract model with a column per sum, for the figures kept after each report (`ReportFigures`)."""
    fields = {figure.name: figure.kind.sum_field(verbose_name=figure.label) for figure in SUBTREE_SUMS}
    meta = type("Meta", (), {"abstract": True})
    return type("StoredFigures", (models.Model,), {"__module__": __name__, "Meta": meta, **fields})
