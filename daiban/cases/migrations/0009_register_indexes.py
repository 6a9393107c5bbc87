# The register (issue 19) walks a whole county's cases a page at a time, in the order
# asked for: newest or oldest opened, by promised date, by result.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_rating_source"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["created_at"], name="case_created_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["due_date"], name="case_due_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["decided_at"], name="case_decided_idx"),
        ),
    ]
