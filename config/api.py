"""The one API router: every resource of every app under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView, TokenView
from core.api.audit import ChangeViewSet
from projects.api import views as project_views
from reporting.api.briefing_views import BriefingView, PortfolioChartView, ProjectChartView
from reporting.api.oc4ids_views import ProjectOc4idsView, ProjectPackageView
from reporting.api.views import OverdueReportView, SummaryReportView

router = DefaultRouter()
router.register("offices", project_views.OfficeViewSet, basename="office")
router.register("projects", project_views.ProjectViewSet, basename="project")
router.register("work-items", project_views.WorkItemViewSet, basename="work-item")
router.register("land-acquisitions", project_views.LandAcquisitionViewSet, basename="land-acquisition")
router.register("demolitions", project_views.DemolitionViewSet, basename="demolition")
router.register("clearance-items", project_views.ClearanceItemViewSet, basename="clearance-item")
router.register("investments", project_views.InvestmentViewSet, basename="investment")
router.register("problems", project_views.ProblemViewSet, basename="problem")
router.register("milestones", project_views.MilestoneViewSet, basename="milestone")
router.register("progress-reports", project_views.ProgressReportViewSet, basename="progress-report")
router.register("changes", ChangeViewSet, basename="change")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("", include("config.openapi")),  # schema/, docs/, redoc/
    path("reports/summary/", SummaryReportView.as_view(), name="report-summary"),
    path("reports/overdue/", OverdueReportView.as_view(), name="report-overdue"),
    path("projects/<int:pk>/history/", project_views.ProjectHistoryView.as_view(), name="project-history"),
    path("reports/briefing/", BriefingView.as_view(), name="report-briefing"),
    path("reports/chart/", PortfolioChartView.as_view(), name="report-chart"),
    path("projects/<int:pk>/chart/", ProjectChartView.as_view(), name="project-chart"),
    path("projects/<int:pk>/oc4ids/", ProjectOc4idsView.as_view(), name="project-oc4ids"),
    path("oc4ids/", ProjectPackageView.as_view(), name="oc4ids-package"),
    *router.urls,
]
