"""The one API router: every resource of every app under /api/v1/."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from milestones.api.views import MilestoneViewSet
from projects.api import views as project_views
from reporting.api.report_views import ProgressReportViewSet, ProjectHistoryView
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
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="auth-token"),
    path("reports/summary/", SummaryReportView.as_view(), name="report-summary"),
    path("reports/overdue/", OverdueReportView.as_view(), name="report-overdue"),
    path("projects/<int:pk>/history/", ProjectHistoryView.as_view(), name="project-history"),
    *router.urls,
]
