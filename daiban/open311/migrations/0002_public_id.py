from django.db import migrations, models


def stored_ids(apps, schema_editor):
    # Requests filed before keep the id their callers stored.
    ServiceRequest = apps.get_model("open311", "ServiceRequest")
    for request in ServiceRequest.objects.only("pk", "inquiry_id"):
        ServiceRequest.objects.filter(pk=request.pk).update(public_id=f"DB{request.inquiry_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicerequest",
            name="public_id",
            field=models.CharField(max_length=40, null=True),
        ),
        migrations.RunPython(stored_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="servicerequest",
            name="public_id",
            field=models.CharField(max_length=40, unique=True),
        ),
    ]
