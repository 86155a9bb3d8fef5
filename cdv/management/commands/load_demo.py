import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from cdv.demo.loader import demo_load

DEFAULT_PASSWORD = "demo"


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : contrats de ville de Carcassonne Agglo "
        "(2015–2022 et 2024–2030), partenaires, gouvernance, quartiers, appels à projets, "
        "actions de démonstration et un compte par rôle. "
        "Mot de passe des comptes : variable DEMO_PASSWORD (par défaut « demo »)."
    )

    def handle(self, *args, **options):
        # Accounts with a known password must never reach a production database.
        if not settings.DEBUG:
            raise CommandError(
                "load_demo ne s'exécute qu'en mode DEBUG : il crée des comptes au mot de passe "
                "connu. Relancez la commande avec DEBUG=1 sur une base de développement."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        # The demo's steps would notify its fictitious people once committed: nobody to tell.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = demo_load(password=password)

        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write("Enregistrements (nouveaux / déjà présents) :")
        for label in sorted(set(report.created) | set(report.found)):
            self.stdout.write(f"  {label} : {report.created[label]} / {report.found[label]}")

        self.stdout.write("")
        self.stdout.write("Comptes de démonstration :")
        self._write_table(["Adresse électronique", "Rôle", "Organisation"], report.accounts)
        reminder = (
            "« demo »"
            if password == DEFAULT_PASSWORD
            else "celui de la variable d'environnement DEMO_PASSWORD"
        )
        self.stdout.write(f"Mot de passe de tous ces comptes : {reminder}.")

    def _write_table(self, headers, rows):
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
        ]
        rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

        def line(cells):
            padded = (str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
            return "| " + " | ".join(padded) + " |"

        self.stdout.write(rule)
        self.stdout.write(line(headers))
        self.stdout.write(rule)
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(rule)
