"""Choice lists of the projects domain, with labels in Chinese and English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    WATER = "water", _("Water conservancy")
    TRANSPORT = "transport", _("Transport")
    TOWN = "town", _("Town development")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    INDUSTRY = "industry", _("Industry")
    SERVICES = "services", _("Services")
    RURAL = "rural", _("Rural revitalisation")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


# A project is behind schedule when its progress trails its planned progress by more than this.
BEHIND_SCHEDULE_VARIANCE = -10


class ProgressMethod(models.TextChoices):
    QUANTITIES = "quantities", _("From work quantities")
    MILESTONES = "milestones", _("From milestones")
    MANUAL = "manual", _("Entered by hand")


class LandKind(models.TextChoices):
    EXPROPRIATION = "expropriation", _("Expropriation")
    REQUISITION = "requisition", _("Requisition")
    LEASE = "lease", _("Lease")
    TRANSFER = "transfer", _("Transfer")


class ClearanceKind(models.TextChoices):
    GRAVES = "graves", _("Graves")
    FISH_PONDS = "fish_ponds", _("Fish ponds")
    CROPS = "crops", _("Crops")
    OTHER = "other", _("Other")


class ProblemCategory(models.TextChoices):
    FUNDING = "funding", _("Funding")
    LAND_QUOTA = "land_quota", _("Land quota")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ChangeTarget(models.TextChoices):
    """The kind of row a report changed; the key of the report's nested change list."""

    WORK_ITEM = "work_item", _("Work item")
    LAND_ACQUISITION = "land_acquisition", _("Land acquisition")
    DEMOLITION = "demolition", _("Demolition")
    CLEARANCE_ITEM = "clearance_item", _("Clearance item")
    MILESTONE = "milestone", _("Milestone")
    INVESTMENT = "investment", _("Investment")
