"""Writes of CitésLab's business projects: open a project, move it from stage to stage.

Every function is keyword-only, checks that the author is CitésLab staff of the contract,
validates in French (errors keyed by the field they concern) and writes in one transaction,
together with the dated history row; nothing is written on error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from citeslab import perms
from citeslab.enums import SUIVANTES, Etape
from citeslab.models import EtapeProjet, ProjetCreation


def _verifier_date(date, depuis=None):
    if date > timezone.localdate():
        raise ValidationError({"date": "La date ne peut être dans le futur."})
    if depuis is not None and date < depuis:
        raise ValidationError(
            {"date": f"La date ne peut précéder celle de l'étape actuelle ({depuis:%d/%m/%Y})."}
        )


def _historiser(*, projet, precedente, auteur):
    ligne = EtapeProjet(
        projet=projet,
        etape_precedente=precedente,
        etape=projet.etape,
        date=projet.date_etape,
        auteur=auteur,
    )
    ligne.full_clean()
    ligne.save()


@transaction.atomic
def projet_creer(*, beneficiaire, idee, secteur, date, auteur):
    """Open a project at stage « sensibilisé » on `date`, its first history row with it."""
    if not perms.can_manage_citeslab(auteur, beneficiaire.contrat_id):
        raise PermissionDenied(perms.REFUS)
    _verifier_date(date)
    projet = ProjetCreation(
        beneficiaire=beneficiaire,
        idee=idee,
        secteur=secteur,
        etape=Etape.SENSIBILISE,
        date_etape=date,
    )
    projet.full_clean()
    projet.save()
    _historiser(projet=projet, precedente="", auteur=auteur)
    return projet


@transaction.atomic
def projet_changer_etape(*, projet, etape, date, auteur):
    """Move a project to `etape` on `date` if the transitions table allows it (never before
    its current stage's date, never in the future), and record the change in its history."""
    projet = (
        ProjetCreation.objects.select_for_update(of=("self",))
        .select_related("beneficiaire")
        .get(pk=projet.pk)
    )
    if not perms.can_manage_citeslab(auteur, projet.beneficiaire.contrat_id):
        raise PermissionDenied(perms.REFUS)
    etape = Etape(etape)
    if etape not in SUIVANTES[projet.etape]:
        actuelle = Etape(projet.etape).label
        raise ValidationError(
            {"etape": f"Un projet à l'étape « {actuelle} » ne peut passer à « {etape.label} »."}
        )
    _verifier_date(date, depuis=projet.date_etape)
    precedente = projet.etape
    projet.etape, projet.date_etape = etape, date
    projet.full_clean()
    projet.save(update_fields=["etape", "date_etape"])
    _historiser(projet=projet, precedente=precedente, auteur=auteur)
    return projet
