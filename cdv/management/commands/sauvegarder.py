from django.core.management.base import BaseCommand, CommandError

from cdv.sauvegarde import SauvegardeErreur, sauvegarde_creer, sauvegardes_purger


class Command(BaseCommand):
    help = (
        "Sauvegarde la plateforme dans un nouveau dossier horodaté de --sortie : copie de la "
        "base (pg_dump ou SQLite), fichiers déposés (MEDIA_ROOT) et manifeste (date, "
        "migrations, nombre de lignes par table, somme et empreinte SHA-256 de chaque montant). "
        "Voir docs/sauvegardes.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sortie", required=True, help="Dossier qui reçoit les sauvegardes.")
        parser.add_argument(
            "--base", default="default", help="Alias de la base à sauvegarder (default)."
        )
        parser.add_argument(
            "--conserver",
            type=int,
            default=None,
            help="Après la sauvegarde, ne garder que les N plus récentes de --sortie.",
        )

    def handle(self, *args, **options):
        if options["conserver"] is not None and options["conserver"] < 1:
            raise CommandError("--conserver doit valoir au moins 1.")
        try:
            dossier = sauvegarde_creer(sortie=options["sortie"], alias=options["base"])
        except SauvegardeErreur as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {dossier}"))
        if options["conserver"] is not None:
            for ancien in sauvegardes_purger(
                sortie=options["sortie"], conserver=options["conserver"]
            ):
                self.stdout.write(f"Ancienne sauvegarde supprimée : {ancien}")
