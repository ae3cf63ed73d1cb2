"""Progress reports now belong to the project domain (projects 0004 took them over, tables and all):
only Django's state forgets them here; no table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_report_figures_wide_sums"),
        ("projects", "0004_progress_reports_from_reporting"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ReportFigures"),
                migrations.DeleteModel(name="ReportChange"),
                migrations.DeleteModel(name="ProgressReport"),
            ],
            database_operations=[],
        ),
    ]
