"""The national references every quartier is compared with (France, the national QPV
average), and a territory for each existing quartier with an official code."""

from django.db import migrations

NATIONAL = [("france", "FR", "France"), ("qpv_france", "QPV", "Moyenne nationale des QPV")]


def load_national(apps, schema_editor):
    Territoire = apps.get_model("quartiers", "Territoire")
    for kind, code, nom in NATIONAL:
        Territoire.objects.get_or_create(kind=kind, code=code, defaults={"nom": nom})


def load(apps, schema_editor):
    Territoire = apps.get_model("quartiers", "Territoire")
    Quartier = apps.get_model("quartiers", "Quartier")
    load_national(apps, schema_editor)
    for quartier in Quartier.objects.exclude(code="").filter(territoire__isnull=True):
        quartier.territoire, _ = Territoire.objects.get_or_create(
            kind="quartier", code=quartier.code, defaults={"nom": quartier.nom}
        )
        quartier.save(update_fields=["territoire"])


def unload(apps, schema_editor):
    """Remove what `load` added, unless values were recorded on it since."""
    Territoire = apps.get_model("quartiers", "Territoire")
    Quartier = apps.get_model("quartiers", "Quartier")
    Quartier.objects.filter(territoire__valeurs__isnull=True).update(territoire=None)
    unused = Territoire.objects.filter(valeurs__isnull=True, enfants__isnull=True)
    unused.filter(kind="quartier", quartier__isnull=True).delete()
    for kind, code, _ in NATIONAL:
        unused.filter(kind=kind, code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("quartiers", "0002_territoires_indicateurs_valeurs")]

    operations = [migrations.RunPython(load, unload)]
