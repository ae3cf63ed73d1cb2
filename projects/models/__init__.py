"""The project domain's models: the tree, the rows measured under a project, the progress reports that change them."""

from .reports import ProgressReport, ReportChange, ReportFigures
from .rows import ClearanceItem, Demolition, Investment, LandAcquisition, Problem, ProjectRow, WorkItem
from .tree import Office, Project, ProjectLink

__all__ = [
    "ClearanceItem",
    "Demolition",
    "Investment",
    "LandAcquisition",
    "Office",
    "Problem",
    "ProgressReport",
    "Project",
    "ProjectLink",
    "ProjectRow",
    "ReportChange",
    "ReportFigures",
    "WorkItem",
]
