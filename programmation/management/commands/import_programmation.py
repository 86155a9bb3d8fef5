from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cdv.models import Contrat, User
from programmation.imports import programmation_import


class Command(BaseCommand):
    help = (
        "Importe la programmation des années passées d'un contrat depuis un classeur Excel "
        "(.xlsx) ou un fichier CSV au format du modèle (voir docs/import.md). Rien n'est "
        "enregistré si une ligne est en erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("contrat_id", type=int, help="Numéro du contrat de ville.")
        parser.add_argument("fichier", type=Path, help="Chemin du fichier .xlsx ou .csv.")
        parser.add_argument(
            "--utilisateur",
            help="Adresse électronique de l'utilisateur qui enregistre les conventions et "
            "versements (par défaut : le premier superutilisateur).",
        )

    def handle(self, *args, contrat_id, fichier, utilisateur=None, **options):
        contrat = Contrat.objects.filter(pk=contrat_id).first()
        if contrat is None:
            raise CommandError(f"Aucun contrat n'a le numéro {contrat_id}.")
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        users = User.objects.filter(is_active=True)
        if utilisateur:
            user = users.filter(email__iexact=utilisateur).first()
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "Indiquez avec --utilisateur le compte actif qui enregistre l'import."
            )

        resultat = programmation_import(contrat=contrat, fichier=fichier, user=user)

        if resultat.erreurs:
            for erreur in resultat.erreurs:
                ligne = erreur.ligne if erreur.ligne else "—"
                self.stderr.write(f"Ligne {ligne} — {erreur.colonne or '—'} : {erreur.message}")
            raise CommandError(
                f"{len(resultat.erreurs)} erreur(s) : rien n'a été importé dans le contrat "
                f"« {contrat} »."
            )
        self.stdout.write(self.style.SUCCESS(f"Import terminé dans le contrat « {contrat} »."))
        self.stdout.write("Enregistrements (créés / modifiés / supprimés / inchangés) :")
        for label, crees, modifies, supprimes, inchanges in resultat.lignes_resume():
            self.stdout.write(f"  {label} : {crees} / {modifies} / {supprimes} / {inchanges}")
        for organisation in resultat.organisations_creees:
            self.stdout.write(f"Porteur créé : {organisation.nom} (SIRET {organisation.siret})")
