"""Writes after the committee: conventions (CPO included) and payments."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cdv import formats
from programmation import perms, selectors
from programmation.enums import (
    COMPTE_SUBVENTIONS,
    CPO_ANNEES_MAX,
    CPO_ANNEES_MIN,
    EtatAction,
    EtatAppel,
    KindVersement,
)
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Convention,
    Financement,
    Indicateur,
    LigneBudget,
    MontantAnnuel,
    Versement,
)

# Conventions -------------------------------------------------------------------------------
from programmation.services.base import lock, to_decimal
from programmation.services.demandes import action_transition


def _decaler(date, annees):
    """The same day `annees` years later (29 February becomes the 28th)."""
    if date is None:
        return None
    try:
        return date.replace(year=date.year + annees)
    except ValueError:
        return date.replace(year=date.year + annees, day=28)


def _annees_cpo(action, annees):
    """The following years of a CPO as {year: Decimal amount}, checked: consecutive years
    right after the action's, 2 to 4 years in all, within the contract, amounts positive."""
    if not annees:
        return {}
    debut = action.appel.annee
    message = (
        f"Une convention pluriannuelle couvre de {CPO_ANNEES_MIN} à {CPO_ANNEES_MAX} années "
        f"consécutives à partir de {debut} : indiquez le montant de chaque année suivante "
        f"({debut + 1}, puis au plus {debut + CPO_ANNEES_MAX - 1})."
    )
    montants = {}
    for annee, value in annees.items():
        try:
            annee = int(annee)
        except (TypeError, ValueError):
            raise ValidationError({"annees": message}) from None
        value = to_decimal(value, "annees")
        if value is None or value <= 0:
            raise ValidationError({"annees": f"Indiquez un montant positif pour l'année {annee}."})
        montants[annee] = value
    suivantes = list(range(debut + 1, debut + len(montants) + 1))
    if sorted(montants) != suivantes or not (CPO_ANNEES_MIN <= len(montants) + 1 <= CPO_ANNEES_MAX):
        raise ValidationError({"annees": message})
    contrat = action.appel.contrat
    if max(montants) > contrat.annee_fin:
        raise ValidationError(
            {
                "annees": f"La convention ne peut aller au-delà de la fin du contrat "
                f"({contrat.annee_fin})."
            }
        )
    return dict(sorted(montants.items()))


def _appel_de_l_annee(action, annee):
    """The contract's call of `annee` (the first created, if several), or a new one in
    preparation, titled like this year's call."""
    appel = (
        AppelAProjets.objects.filter(contrat_id=action.appel.contrat_id, annee=annee)
        .order_by("pk")
        .first()
    )
    if appel is not None:
        return appel
    source = action.appel
    titre = source.titre.replace(str(source.annee), str(annee))
    if titre == source.titre:
        titre = f"{source.titre} {annee}"
    appel = AppelAProjets(
        contrat_id=source.contrat_id,
        annee=annee,
        titre=titre,
        etat=EtatAppel.EN_PREPARATION,
        seuil_demande_simplifiee=source.seuil_demande_simplifiee,
        seuil_ecart_bilan=source.seuil_ecart_bilan,
    )
    appel.full_clean()
    appel.save()
    return appel


# What a renewal copies from the application, as is.
CHAMPS_RECONDUITS = [
    "intitule",
    "description",
    "objectifs_action",
    "pilier_id",
    "objectif_id",
    "thematique_id",
    "public_vise",
    "beneficiaires_prevus",
    "part_femmes",
    "part_qpv",
    "tranches_age",
    "lieux",
    "moyens_humains",
]


def _copier_demande(action, appel):
    """A draft renewal of `action` on `appel`: the application, its quartiers' shares, its
    indicators (targets only) and its forecast budget; dates moved to the new year; no
    funding (each funder is added by the convention that commits it)."""
    decalage = appel.annee - action.appel.annee
    suite = Action(
        appel=appel,
        porteur_id=action.porteur_id,
        est_reconduction=True,
        reconduction_de=action,
        date_debut=_decaler(action.date_debut, decalage),
        date_fin=_decaler(action.date_fin, decalage),
        **{champ: getattr(action, champ) for champ in CHAMPS_RECONDUITS},
    )
    suite.full_clean()
    suite.save()
    suite.axes.set(action.axes.all())
    ActionQuartier.objects.bulk_create(
        ActionQuartier(action=suite, quartier_id=q.quartier_id, part=q.part)
        for q in action.quartiers.all()
    )
    Indicateur.objects.bulk_create(
        Indicateur(action=suite, libelle=i.libelle, cible=i.cible) for i in action.indicateurs.all()
    )
    LigneBudget.objects.bulk_create(
        LigneBudget(
            action=suite,
            compte=ligne.compte,
            libelle=ligne.libelle,
            financeur_id=ligne.financeur_id,
            montant_previsionnel=ligne.montant_previsionnel,
        )
        for ligne in action.lignes_budget.order_by("id")
    )
    return suite


def _reconduire(*, action, financeur, nature, annee, montant_annuel):
    """Prepare `annee` of a CPO: the draft renewal of the action on that year's call (created,
    or the one another funder's CPO already prepared) asks `financeur` for the yearly amount,
    on its funding row and its subsidy line (compte 74)."""
    suite = Action.objects.filter(
        reconduction_de=action, appel__contrat_id=action.appel.contrat_id, appel__annee=annee
    ).first()
    if suite is None:
        suite = _copier_demande(action, _appel_de_l_annee(action, annee))
    elif suite.etat != EtatAction.BROUILLON:
        raise ValidationError(
            {
                "annees": f"La reconduction de {annee} est déjà déposée : le porteur doit y "
                f"solliciter lui-même {financeur}."
            }
        )
    Financement.objects.update_or_create(
        action=suite,
        financeur=financeur,
        nature=nature,
        defaults={"montant_demande": montant_annuel},
    )
    lignes = list(
        suite.lignes_budget.filter(compte=COMPTE_SUBVENTIONS, financeur=financeur).order_by("id")
    )
    if lignes:
        premiere, autres = lignes[0], lignes[1:]
        premiere.montant_previsionnel = montant_annuel
        premiere.save(update_fields=["montant_previsionnel"])
        LigneBudget.objects.filter(pk__in=[ligne.pk for ligne in autres]).delete()
    else:
        LigneBudget.objects.create(
            action=suite,
            compte=COMPTE_SUBVENTIONS,
            financeur=financeur,
            montant_previsionnel=montant_annuel,
        )
    return suite


@transaction.atomic
def convention_create(*, action, financeur, user, date_signature, numero="", annees=None):
    """Record the convention signed with `financeur` for a programmed action, for the amount
    it granted (the sum of its `montant_accorde`).

    With `annees` ({2027: amount, 2028: amount}) it is a multi-year convention (CPO) covering
    2 to 4 years: each following year gets its amount and a pre-filled draft renewal on that
    year's call of the contract (created "en préparation" if there is none), asking the funder
    for that amount. Once every funder that granted something has its convention, the action
    moves to "conventionnée". All or nothing.
    """
    locked = lock(action)
    if not perms.can_manage_conventions(user, locked):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat conventionne une action programmée."
        )
    financements = list(
        locked.financements.filter(financeur=financeur, montant_accorde__gt=0).order_by(
            "-montant_accorde", "pk"
        )
    )
    if not financements:
        raise ValidationError(
            {"financeur": f"{financeur} n'a accordé aucun montant à cette action."}
        )
    suivantes = _annees_cpo(locked, annees)
    accorde = sum((f.montant_accorde for f in financements), Decimal("0"))
    convention = Convention(
        action=locked,
        financeur=financeur,
        numero=(numero or "").strip(),
        date_signature=date_signature,
        montant=accorde,
        pluriannuelle=bool(suivantes),
        annee_fin=max(suivantes) if suivantes else None,
        auteur=user,
    )
    convention.full_clean()
    convention.save()
    if suivantes:
        MontantAnnuel.objects.bulk_create(
            MontantAnnuel(convention=convention, annee=annee, montant=value)
            for annee, value in {locked.appel.annee: accorde, **suivantes}.items()
        )
    for annee, value in suivantes.items():
        _reconduire(
            action=locked,
            financeur=financeur,
            nature=financements[0].nature,
            annee=annee,
            montant_annuel=value,
        )

    sans_convention = locked.financements.filter(montant_accorde__gt=0).exclude(
        financeur__in=locked.conventions.values("financeur")
    )
    if locked.etat == EtatAction.PROGRAMMEE and not sans_convention.exists():
        action_transition(
            action=locked,
            code="conventionner",
            user=user,
            commentaire="Conventions signées avec chaque financeur.",
        )
    return convention


# Payments ----------------------------------------------------------------------------------


@transaction.atomic
def versement_record(*, convention, user, kind, montant, date, reference=""):
    """Record a payment (avance, acompte, solde) under a convention. The total paid never
    exceeds the convention's amount, and nothing follows the solde."""
    convention = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("action__appel", "financeur")
        .get(pk=convention.pk)
    )
    if not perms.can_record_versement(user, convention.action):
        raise PermissionDenied(
            "Seule l'équipe politique de la ville du contrat enregistre les versements "
            "d'une action financée."
        )
    versement = Versement(
        convention=convention,
        kind=kind,
        montant=to_decimal(montant, "montant"),
        date=date,
        reference=(reference or "").strip(),
        auteur=user,
    )
    versement.full_clean()
    if convention.versements.filter(kind=KindVersement.SOLDE).exists():
        raise ValidationError(
            {"kind": "Cette convention est soldée : aucun versement ne suit le solde."}
        )
    deja = selectors.verse_sur_convention(convention)
    total = deja + versement.montant
    if total > convention.montant:
        raise ValidationError(
            {
                "montant": f"Ce versement de {formats.montant(versement.montant)} porterait "
                f"le total versé à {formats.montant(total)}, au-delà du montant de la "
                f"convention ({formats.montant(convention.montant)}) : il reste "
                f"{formats.montant(convention.montant - deja)} à verser."
            }
        )
    versement.save()
    return versement
