"""Submission tokens name no person and no exact moment (see SubmissionToken).

The rows live for a day and only serve replays; those there now are dropped rather
than converted, which at worst makes a form sent twice across the deploy save twice
(each a complete save)."""

import centres.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0012_one_clock"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM centres_submissiontoken", migrations.RunSQL.noop),
        migrations.RemoveField(model_name="submissiontoken", name="user"),
        migrations.AddField(
            model_name="submissiontoken",
            name="owner",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="submissiontoken",
            name="created",
            field=models.DateTimeField(db_index=True, default=centres.models.current_hour),
        ),
    ]
