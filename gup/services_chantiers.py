"""Writes of the chantiers tremplin: a site with the problems it answers and its funders,
saved together or not at all."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gup import perms_chantiers
from gup.models import FinancementChantier, Signalement

REFUSE = "Seuls la coordination GUP du contrat et l'opérateur du chantier peuvent le modifier."
DIAGNOSTIC_AUTRE_QUARTIER = "Ce diagnostic a parcouru un autre quartier."
SIGNALEMENT_AUTRE_QUARTIER = "Choisissez des signalements du quartier du chantier : {}."
FINANCEUR_EN_DOUBLE = "Ce financeur figure déjà pour ce chantier : {}."
MONTANT_NEGATIF = "Un montant de financement ne peut pas être négatif."


def _errors(chantier, signalements, financements):
    """The rules a site must follow beyond its model's own (clean): what it answers lies in
    its quartier; each funder once, with a positive amount."""
    errors = {}
    try:
        chantier.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if chantier.diagnostic_id and chantier.diagnostic.quartier_id != chantier.quartier_id:
        errors.setdefault("diagnostic", []).append(DIAGNOSTIC_AUTRE_QUARTIER)
    if signalements is not None:
        ailleurs = [str(s.pk) for s in signalements if s.quartier_id != chantier.quartier_id]
        if ailleurs:
            errors.setdefault("signalements", []).append(
                SIGNALEMENT_AUTRE_QUARTIER.format(", ".join(f"n° {pk}" for pk in ailleurs))
            )
    if financements is not None:
        vus = set()
        for ligne in financements:
            financeur = ligne["financeur"]
            if financeur.pk in vus:
                errors.setdefault("financements", []).append(
                    FINANCEUR_EN_DOUBLE.format(financeur.nom)
                )
            vus.add(financeur.pk)
            montant = ligne.get("montant")
            if montant is not None and montant < Decimal("0"):
                errors.setdefault("financements", []).append(MONTANT_NEGATIF)
    return errors


@transaction.atomic
def chantier_save(*, chantier, user, signalements=None, financements=None):
    """Create or update a chantier tremplin (its fields already set on `chantier`).

    `signalements`: the problems it answers among those `user` sees (None: unchanged; those
    the user cannot see stay linked); `financements`: [{"financeur", "montant"}] replacing
    the site's funders (None: unchanged). Refuses (PermissionDenied) a user who may not edit
    the site as it will be saved; raises ValidationError ({field: [French messages]}) and
    writes nothing when the counts, dates, quartier or funders do not hold together.
    """
    if not perms_chantiers.can_edit_chantier(user, chantier):
        raise PermissionDenied(REFUSE)
    errors = _errors(chantier, signalements, financements)
    if errors:
        raise ValidationError(errors)
    chantier.save()
    if signalements is not None:
        visibles = {s.pk for s in signalements}
        lisibles = Signalement.objects.for_user(user).values("pk")
        caches = chantier.signalements.exclude(pk__in=lisibles).values_list("pk", flat=True)
        chantier.signalements.set(visibles | set(caches))
    if financements is not None:
        chantier.financements.all().delete()
        FinancementChantier.objects.bulk_create(
            FinancementChantier(
                chantier=chantier, financeur=ligne["financeur"], montant=ligne.get("montant")
            )
            for ligne in financements
        )
    return chantier
