"""Wording the briefing: the figures go through templates an office can edit, never through code.

Templates are looked up in `settings.BRIEFING_TEMPLATE_DIRS` first, then in reporting/templates, under
`briefing/<language>/` (`zh-hans`, `en`):

- `texts.md`: the short texts, one `{% block %}` each (title, summary, section and group headings);
- `project.md`: one project's paragraph, or `projects/<code>.md` / `categories/<category>.md` for one
  project or one category;
- `overdue.md`, `problem.md`: one overdue milestone, one open problem;
- `document.md`: the Markdown layout of the whole briefing.

A paragraph template is one paragraph: its line breaks are dropped (so it can be written over many
lines), and a clause separator left before a full stop is removed, so that a template can end every
clause with "，" and let the last one go.
"""

import re
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.template.loader_tags import BlockNode
from django.utils import translation
from django.utils.functional import Promise

from .figures import BriefingFigures, ProjectBrief

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGUAGE_DIRS = {"zh-hans": "zh-hans", "en": "en"}
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
PERCENT_FIELDS = {
    "progress",
    "planned_progress",
    "schedule_variance",
    "share",
    "investment_progress",
    "land_progress",
    "agreement_progress",
    "demolition_progress",
}

_TIDY = (
    (re.compile(r"[ \t]{2,}"), " "),
    (re.compile(r"\s+([，。；：、,.;:!?）)])"), r"\1"),
    (re.compile(r"([（(])\s+"), r"\1"),
    # A clause separator (or a run of them) before the end of a sentence or clause goes; a colon keeps its place.
    (re.compile(r"[，、；,;]+\s*([。；.;])"), r"\1"),
    (re.compile(r"([：:])\s*[。.]"), r"\1"),
    (re.compile(r"([，、,])\s*[，、,]+"), r"\1"),
    (re.compile(r"。{2,}"), "。"),
    (re.compile(r"(?<![.\d])\.{2,}(?!\.)"), "."),
)

TWO_PLACES = Decimal("0.01")


# English clauses: a space after a comma or semicolon, except inside a number (1,725).
_SPACE_AFTER = re.compile(r"([,;])(?=[^\s\d])")


def language_dir(language: str) -> str:
    return "en" if language.startswith("en") else "zh-hans"


def briefing_engine() -> Engine:
    """A template engine for plain text: no HTML escaping, the briefing filters built in."""
    dirs = [*map(str, settings.BRIEFING_TEMPLATE_DIRS), str(BUILTIN_DIR)]
    return Engine(dirs=dirs, autoescape=False, builtins=["reporting.briefing.filters"])


def paragraph(text: str, *, language: str) -> str:
    """The rendered template as one paragraph: lines joined, spaces and stray separators tidied."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    english = language_dir(language) == "en"
    joined = (" " if english else "").join(lines)
    for pattern, replacement in _TIDY:
        joined = pattern.sub(replacement, joined)
    if english:
        joined = _SPACE_AFTER.sub(r"\1 ", joined)
    return joined.strip()


def word_briefing(figures: BriefingFigures, *, language: str) -> dict:
    """The briefing as a document of sections and texts: what `?format=json` answers, and what the
    Markdown and Word layouts are built from."""
    folder = language_dir(language)
    with translation.override(language):
        engine = briefing_engine()
        base = {"period": figures.period, "as_of": figures.as_of, "totals": figures.totals}
        texts_template = engine.get_template(f"briefing/{folder}/texts.md")
        texts = _blocks(texts_template, base, language=language)
        groups = []
        for index, group in enumerate(figures.groups, start=1):
            context = {**base, "index": index, "label": group.label}
            heading = _blocks(texts_template, context, language=language)["group"]
            items = [
                {
                    "project": {"id": p.id, "code": p.code, "name": p.name, "office": p.office_name},
                    "reported_in_period": p.reported_in_period,
                    "text": _render(engine, _project_templates(folder, p), {**base, "p": p}, language=language),
                    "figures": _plain(p, exclude={"id", "code", "name", "office_name", "summaries", "row"}),
                }
                for p in group.projects
            ]
            groups.append({"category": group.category, "title": heading, "items": items})
        overdue = [
            {
                "milestone": _plain(m),
                "text": _render(engine, [f"briefing/{folder}/overdue.md"], {**base, "m": m}, language=language),
            }
            for m in figures.overdue
        ]
        problems = [
            {
                "problem": _plain(problem),
                "text": _render(
                    engine,
                    [f"briefing/{folder}/problem.md"],
                    {**base, "problem": problem, "index": index},
                    language=language,
                ),
            }
            for index, problem in enumerate(figures.problems, start=1)
        ]
        return {
            "period": str(figures.period),
            "as_of": figures.as_of.isoformat(),
            "language": language,
            "title": texts["title"],
            "summary": texts["summary"],
            "totals": _plain(figures.totals, exclude_keys={"as_of"}),
            "sections": [
                {"key": "projects", "title": texts["projects"], "note": "", "groups": groups},
                {
                    "key": "overdue",
                    "title": texts["overdue"],
                    "note": "" if overdue else texts["no_overdue"],
                    "items": overdue,
                },
                {
                    "key": "problems",
                    "title": texts["problems"],
                    "note": "" if problems else texts["no_problems"],
                    "items": problems,
                },
            ],
        }


def render_markdown(document: dict) -> str:
    """The whole briefing as Markdown, laid out by `document.md`."""
    language = document["language"]
    with translation.override(language):
        template = briefing_engine().get_template(f"briefing/{language_dir(language)}/document.md")
        text = template.render(Context({"document": document}, autoescape=False))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _project_templates(folder: str, project: ProjectBrief) -> list[str]:
    names = [f"briefing/{folder}/categories/{project.category}.md", f"briefing/{folder}/project.md"]
    if SAFE_NAME.fullmatch(project.code):
        names.insert(0, f"briefing/{folder}/projects/{project.code}.md")
    return names


def _render(engine: Engine, names: list[str], context: dict, *, language: str) -> str:
    return paragraph(engine.select_template(names).render(Context(context, autoescape=False)), language=language)


def _blocks(template, context: dict, *, language: str) -> dict[str, str]:
    """Each `{% block %}` of the template, rendered alone, as one paragraph."""
    rendered = Context(context, autoescape=False)
    with rendered.bind_template(template):
        return {
            node.name: paragraph(node.nodelist.render(rendered), language=language)
            for node in template.nodelist.get_nodes_by_type(BlockNode)
        }


def _plain(value, *, exclude: set[str] = frozenset(), exclude_keys: set[str] = frozenset(), name: str = ""):
    """Figures as JSON values the API's way: amounts as decimal strings, percentages as numbers."""
    if is_dataclass(value):
        data = {f.name: getattr(value, f.name) for f in fields(value) if f.name not in exclude}
        extra = (
            {"behind": value.behind, "changed_in_period": value.changed_in_period}
            if isinstance(value, ProjectBrief)
            else {}
        )
        return {key: _plain(item, name=key) for key, item in {**data, **extra}.items()}
    if isinstance(value, dict):
        return {key: _plain(item, name=key) for key, item in value.items() if key not in exclude_keys}
    if isinstance(value, list | tuple):
        return [_plain(item, name=name) for item in value]
    if isinstance(value, Decimal):
        # Amounts with the two places every decimal field of ours has, whatever the database returned.
        return float(value) if name in PERCENT_FIELDS else str(value.quantize(TWO_PLACES))
    if isinstance(value, Promise):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
