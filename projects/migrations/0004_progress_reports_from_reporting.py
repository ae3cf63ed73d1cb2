"""Progress reports move from `reporting` to the project domain: the same tables, the same rows.

Only Django's state moves here (the tables keep their names until 0005 renames them); the content
types are relabelled, so audit entries and permissions that point at them follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("progressreport", "reportchange", "reportfigures")


def relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        # A content type made for the new label before this ran (none in a normal upgrade) would clash.
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def to_projects(apps, schema_editor):
    relabel(apps, schema_editor, "reporting", "projects")


def to_reporting(apps, schema_editor):
    relabel(apps, schema_editor, "projects", "reporting")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_version"),
        ("reporting", "0002_report_figures_wide_sums"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ProgressReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                        ('reported_on', models.DateField(verbose_name='reported on')),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='progress_reports', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='projects.office', verbose_name='office')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='progress_reports', to='projects.project', verbose_name='project')),
                    ],
                    options={
                        'db_table': 'reporting_progressreport',
                        'verbose_name': 'progress report',
                        'verbose_name_plural': 'progress reports',
                        'ordering': ['-reported_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('target', models.CharField(choices=[('work_item', 'Work item'), ('land_acquisition', 'Land acquisition'), ('demolition', 'Demolition'), ('clearance_item', 'Clearance item'), ('milestone', 'Milestone'), ('investment', 'Investment')], max_length=20, verbose_name='target')),
                        ('object_id', models.BigIntegerField(verbose_name='object id')),
                        ('field', models.CharField(max_length=50, verbose_name='field')),
                        ('before', models.JSONField(null=True, verbose_name='before')),
                        ('after', models.JSONField(null=True, verbose_name='after')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project', verbose_name='project')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='projects.progressreport')),
                    ],
                    options={
                        'db_table': 'reporting_reportchange',
                        'verbose_name': 'report change',
                        'verbose_name_plural': 'report changes',
                        'ordering': ['report_id', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportFigures',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('progress', models.DecimalField(decimal_places=4, max_digits=7, verbose_name='progress (%)')),
                        ('investment_completed', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='investment completed (10,000 CNY)')),
                        ('land_planned_mu', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='planned area (mu)')),
                        ('land_completed_mu', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='completed area (mu)')),
                        ('rooms_planned', models.PositiveBigIntegerField(verbose_name='planned rooms')),
                        ('rooms_signed', models.PositiveBigIntegerField(verbose_name='agreements signed')),
                        ('rooms_demolished', models.PositiveBigIntegerField(verbose_name='rooms demolished')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='projects.project')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='projects.progressreport')),
                    ],
                    options={
                        'db_table': 'reporting_reportfigures',
                        'verbose_name': 'figures after a report',
                        'verbose_name_plural': 'figures after reports',
                        'ordering': ['project_id', 'report__reported_on', 'report_id'],
                    },
                ),
                migrations.AddIndex(
                    model_name="progressreport",
                    index=models.Index(fields=["project", "reported_on"], name="reporting_p_project_e6caaf_idx"),
                ),
                migrations.AddIndex(
                    model_name="progressreport",
                    index=models.Index(fields=["office", "reported_on"], name="reporting_p_office__5a571a_idx"),
                ),
                migrations.AddConstraint(
                    model_name="reportfigures",
                    constraint=models.UniqueConstraint(fields=("project", "report"), name="reportfigures_one_per_project"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_projects, to_reporting),
    ]
