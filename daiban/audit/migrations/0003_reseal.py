"""Seal the records written before the trail was keyed with the current audit key.

The old plain SHA-256 chain is checked on the way: a record that does not fit it is
left unsealed, so `audit_verify` names it afterwards.
"""

from django.db import migrations


def reseal(apps, schema_editor):
    from daiban.audit.seal import reseal_legacy

    sealed, broken = reseal_legacy(
        apps.get_model("audit", "AuditRecord"), apps.get_model("audit", "AuditHead")
    )
    if broken is not None:
        print(
            f"\n  audit trail: {sealed} records sealed; record {broken} does not fit the old chain and was left unsealed"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_keyed")]

    operations = [migrations.RunPython(reseal, migrations.RunPython.noop)]
