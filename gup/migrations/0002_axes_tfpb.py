"""The 8 axes of the national framework for the use of the TFPB abatement (2015, kept by
the avenant of 2021), as reference data."""

from django.db import migrations

VERSION = "2015 (avenant 2021)"
AXES = [
    ("1", "Renforcement de la présence du personnel de proximité",
     "Gardiens, agents d'accueil ou de développement social et urbain en plus ; médiation."),
    ("2", "Formation et soutien des personnels de proximité",
     "Formations spécifiques, coordination inter-acteurs, soutien des personnels exposés."),
    ("3", "Sur-entretien",
     "Nettoyage renforcé, réparation rapide des dégradations, désinsectisation, tags."),
    ("4", "Gestion des déchets, encombrants et épaves",
     "Enlèvement d'encombrants et de dépôts sauvages, épaves, locaux à ordures."),
    ("5", "Tranquillité résidentielle",
     "Médiation de nuit, prévention situationnelle, remise en état après incidents."),
    ("6", "Concertation et sensibilisation des locataires",
     "Participation des locataires, diagnostics en marchant, sensibilisation au tri."),
    ("7", "Animation, lien social, vivre ensemble",
     "Locaux associatifs, jardins partagés, chantiers éducatifs ou d'insertion."),
    ("8", "Petits travaux d'amélioration de la qualité de service",
     "Éclairage, signalétique, contrôle d'accès, abords et espaces extérieurs."),
]  # fmt: skip


def create(apps, schema_editor):
    AxeTFPB = apps.get_model("gup", "AxeTFPB")
    for ordre, (code, libelle, description) in enumerate(AXES, 1):
        AxeTFPB.objects.update_or_create(
            version=VERSION,
            code=code,
            defaults={"libelle": libelle, "description": description, "ordre": ordre},
        )


def remove(apps, schema_editor):
    apps.get_model("gup", "AxeTFPB").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("gup", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
