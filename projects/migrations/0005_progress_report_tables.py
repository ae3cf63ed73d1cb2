"""The moved progress-report tables and their indexes take the project domain's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_progress_reports_from_reporting"),
        ("reporting", "0003_progress_reports_to_projects"),
    ]

    operations = [
        migrations.AlterModelTable(name="progressreport", table=None),
        migrations.AlterModelTable(name="reportchange", table=None),
        migrations.AlterModelTable(name="reportfigures", table=None),
        migrations.RenameIndex(
            model_name="progressreport",
            new_name="projects_pr_project_ecc59d_idx",
            old_name="reporting_p_project_e6caaf_idx",
        ),
        migrations.RenameIndex(
            model_name="progressreport",
            new_name="projects_pr_office__19b7f1_idx",
            old_name="reporting_p_office__5a571a_idx",
        ),
    ]
