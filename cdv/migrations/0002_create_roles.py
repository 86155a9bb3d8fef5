from django.db import migrations

ROLE_CODES = [
    "admin_pdv",
    "instructeur_financeur",
    "lecteur_partenaire",
    "porteur",
    "coordinateur_gup",
    "intervenant_gup",
    "referent_pre",
    "membre_eps",
    "charge_citeslab",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("cdv", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


def delete_roles(apps, schema_editor):
    apps.get_model("cdv", "Role").objects.filter(code__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("cdv", "0001_initial")]
    operations = [migrations.RunPython(create_roles, delete_roles)]
