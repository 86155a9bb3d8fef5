"""ANCT 2024 theme nomenclature (anct-carto/ci-ville2), loaded as reference data."""

from django.db import migrations

THEMES = {
    ("1", "Éducation"): [
        ("1.1", "Programme de réussite éducative (PRE)"),
        ("1.2", "Soutien à la scolarité"),
        ("1.3", "Cités éducatives"),
        ("1.4", "Persévérance scolaire et accès à des études supérieures"),
    ],
    ("2", "Accès aux droits"): [
        ("2.1", "Santé"),
        ("2.2", "Soutien à la parentalité"),
        ("2.3", "Citoyenneté"),
        ("2.4", "Prévention et lutte contre les discriminations liées à l'origine et à l'adresse"),
    ],
    ("3", "Cadre de vie, sociabilité et transitions"): [
        ("3.1", "Cadre de vie"),
        ("3.2", "Tranquillité et sûreté publique"),
        ("3.3", "Médiation sociale"),
        ("3.4", "Transitions"),
    ],
    ("4", "Jeunesse, accès à la culture, aux sports et aux loisirs"): [
        ("4.1", "Jeunesse"),
        ("4.2", "Culture et expression artistique"),
        ("4.3", "Sports"),
        ("4.4", "Vacances et loisirs"),
    ],
    ("5", "Emploi et développement économique"): [
        ("5.1", "Emploi"),
        ("5.2", "Cités de l'emploi"),
        ("5.3", "Engagement des entreprises et PAQTE"),
        ("5.4", "Attractivité et développement économique"),
        ("5.5", "Entrepreneuriat Quartiers 2030"),
    ],
    ("6", "Soutien aux acteurs de la politique de la ville"): [
        ("6.1", "Soutien à l'initiative associative"),
        ("6.2", "Participation des habitants"),
        ("6.3", "Pilotage, ingénierie, ressources et évaluations"),
        ("6.4", "Structures mutualisatrices"),
    ],
}


def load(apps, schema_editor):
    ThematiqueANCT = apps.get_model("cdv", "ThematiqueANCT")
    for (code, libelle), sous_themes in THEMES.items():
        theme, _ = ThematiqueANCT.objects.update_or_create(code=code, defaults={"libelle": libelle})
        for sous_code, sous_libelle in sous_themes:
            ThematiqueANCT.objects.update_or_create(
                code=sous_code, defaults={"libelle": sous_libelle, "parent": theme}
            )


def unload(apps, schema_editor):
    ThematiqueANCT = apps.get_model("cdv", "ThematiqueANCT")
    ThematiqueANCT.objects.filter(parent__isnull=False).delete()
    ThematiqueANCT.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cdv", "0002_create_roles")]
    operations = [migrations.RunPython(load, unload)]
