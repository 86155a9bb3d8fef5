import contextlib

from django.core.management.base import BaseCommand, CommandError

from cdv.sauvegarde import (
    SauvegardeErreur,
    alias_existe,
    base_temporaire,
    manifeste_lire,
    sauvegarde_restaurer,
    sauvegarde_verifier,
)


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (dossier écrit par « sauvegarder ») dans une base et les "
        "fichiers dans MEDIA_ROOT, puis vérifie que les lignes et les montants restaurés sont "
        "ceux du manifeste. Refuse une base cible non vide sans --ecraser. "
        "Voir docs/sauvegardes.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier de la sauvegarde (sauvegarde-…).")
        parser.add_argument(
            "--base",
            default="default",
            help="Base cible : alias de settings.DATABASES ou URL (postgres://…, sqlite:///…).",
        )
        parser.add_argument(
            "--media", default=None, help="Dossier où restaurer les fichiers (MEDIA_ROOT)."
        )
        parser.add_argument(
            "--ecraser",
            action="store_true",
            help="Remplacer le contenu d'une base cible qui n'est pas vide.",
        )
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Ne rien restaurer : seulement comparer la base cible au manifeste.",
        )

    def handle(self, *args, **options):
        base = options["base"]
        if "://" in base:
            cible = base_temporaire(base)
        elif alias_existe(base):
            cible = contextlib.nullcontext(base)
        else:
            raise CommandError(f"Base inconnue : « {base} » n'est ni un alias ni une URL.")
        try:
            with cible as alias:
                manifeste = manifeste_lire(options["dossier"])
                if options["verifier"]:
                    differences = sauvegarde_verifier(dossier=options["dossier"], alias=alias)
                else:
                    differences = sauvegarde_restaurer(
                        dossier=options["dossier"],
                        alias=alias,
                        media=options["media"],
                        ecraser=options["ecraser"],
                    )
        except SauvegardeErreur as error:
            raise CommandError(str(error)) from None
        if differences:
            raise CommandError(
                "La base restaurée ne correspond pas à la sauvegarde :\n- "
                + "\n- ".join(differences)
            )
        empreinte = manifeste["empreinte"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration vérifiée : {len(empreinte['lignes'])} tables, "
                f"{len(empreinte['montants'])} montants identiques."
            )
        )
