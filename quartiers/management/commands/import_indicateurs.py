from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.imports import indicateurs_import


class Command(BaseCommand):
    help = (
        "Importe des valeurs d'indicateurs (territoire, indicateur, millésime, valeur, secret) "
        "depuis un classeur Excel (.xlsx) ou un fichier CSV en UTF-8 (voir docs/quartiers.md). "
        "Rien n'est enregistré si une ligne est en erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="Chemin du fichier .xlsx ou .csv.")

    def handle(self, *args, fichier, **options):
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        resultat = indicateurs_import(fichier=fichier)
        if resultat.erreurs:
            for erreur in resultat.erreurs:
                ligne = erreur.ligne if erreur.ligne else "—"
                self.stderr.write(f"Ligne {ligne} — {erreur.colonne or '—'} : {erreur.message}")
            raise CommandError(f"{len(resultat.erreurs)} erreur(s) : rien n'a été importé.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {resultat.crees} valeur(s) créée(s), {resultat.modifies} "
                f"modifiée(s), {resultat.inchanges} inchangée(s)."
            )
        )
