"""Conventions, payments and the bilan of one action."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from programmation.enums import COMPTES, EtatAction
from programmation.selectors.base import ZERO, _money

# ---------------------------------------------------------------------------------------
# Conventions, payments and the bilan of one action
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MontantsFinanceur:
    """What one funder granted an action, paid, and has left to pay."""

    financeur_id: int
    nom: str
    accorde: Decimal
    verse: Decimal
    reste: Decimal
    convention_id: int | None


def montants_verses(action):
    """Per funder of the action (granted something, or paid something): granted (the sum
    of its `montant_accorde`), paid (the sum of the payments under its convention) and what
    remains to pay (granted − paid). Sorted by funder name. Two queries."""
    from programmation.models import Convention, Financement

    accordes = {
        row["financeur"]: row
        for row in Financement.objects.filter(action=action, montant_accorde__gt=0)
        .order_by()
        .values("financeur", "financeur__nom")
        .annotate(accorde=Sum("montant_accorde"))
    }
    conventions = {
        row["financeur"]: row
        for row in Convention.objects.filter(action=action)
        .order_by()
        .values("pk", "financeur", "financeur__nom")
        .annotate(verse=Coalesce(Sum("versements__montant"), Value(ZERO), output_field=_money))
    }
    lignes = []
    for financeur in accordes.keys() | conventions.keys():
        granted = accordes.get(financeur, {})
        convention = conventions.get(financeur, {})
        accorde = granted.get("accorde") or ZERO
        verse = convention.get("verse") or ZERO
        lignes.append(
            MontantsFinanceur(
                financeur_id=financeur,
                nom=granted.get("financeur__nom") or convention["financeur__nom"],
                accorde=accorde,
                verse=verse,
                reste=accorde - verse,
                convention_id=convention.get("pk"),
            )
        )
    return sorted(lignes, key=lambda ligne: (ligne.nom, ligne.financeur_id))


def total_verse(action):
    """Everything paid to the porteur for this action, every funder together."""
    from programmation.models import Versement

    total = Versement.objects.filter(convention__action=action).aggregate(
        total=Coalesce(Sum("montant"), Value(ZERO), output_field=_money)
    )["total"]
    return total


def verse_sur_convention(convention):
    """What was paid under one convention."""
    return convention.versements.aggregate(
        total=Coalesce(Sum("montant"), Value(ZERO), output_field=_money)
    )["total"]


PERCENT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class EcartLigne:
    """One budget line of the bilan (CERFA 15059): forecast, realised and the gap."""

    ligne_id: int
    compte: str
    cote: str
    libelle: str
    financeur_id: int | None
    previsionnel: Decimal
    realise: Decimal | None  # None while the porteur has not filled it in
    ecart: Decimal | None  # realised − forecast
    ecart_pourcentage: Decimal | None  # gap / forecast × 100, to the hundredth; None if no base
    justification: str
    justification_requise: bool


def _justification_requise(previsionnel, realise, seuil):
    """A gap whose size exceeds `seuil` % of the forecast must be explained; any realised
    amount on a line with no forecast too."""
    if realise is None:
        return False
    ecart = abs(realise - previsionnel)
    if not previsionnel:
        return ecart > 0
    return ecart * 100 > seuil * previsionnel


def ecarts_budget(action):
    """The action's budget lines in the CERFA order (charges, then products), each with its
    forecast, realised amount, gap (realised − forecast), gap in % of the forecast and whether
    the porteur must justify it: a gap beyond the call's `seuil_ecart_bilan` (15 % by default),
    in either direction. One query for the lines (the call is read from the action)."""
    seuil = action.appel.seuil_ecart_bilan
    ordre = {code: index for index, code in enumerate(COMPTES)}
    resultat = []
    for ligne in action.lignes_budget.order_by("id"):
        previsionnel, realise = ligne.montant_previsionnel, ligne.montant_realise
        ecart = None if realise is None else realise - previsionnel
        pourcentage = None
        if ecart is not None and previsionnel:
            pourcentage = (ecart * 100 / previsionnel).quantize(PERCENT_PLACES)
        resultat.append(
            EcartLigne(
                ligne_id=ligne.pk,
                compte=ligne.compte,
                cote=COMPTES[ligne.compte][0],
                libelle=str(ligne),
                financeur_id=ligne.financeur_id,
                previsionnel=previsionnel,
                realise=realise,
                ecart=ecart,
                ecart_pourcentage=pourcentage,
                justification=ligne.justification_ecart,
                justification_requise=_justification_requise(previsionnel, realise, seuil),
            )
        )
    return sorted(resultat, key=lambda ligne: (ordre[ligne.compte], ligne.ligne_id))


# ---------------------------------------------------------------------------------------
# Late payments
# ---------------------------------------------------------------------------------------

# A payment is late this many days after what makes it due.
DELAI_VERSEMENT_JOURS = 60


@dataclass(frozen=True)
class VersementEnRetard:
    """A convention whose money is late: its advance (nothing paid since the signature) or
    its balance (money left since the bilan was validated)."""

    convention: object
    motif: str  # "avance" or "solde"
    depuis: object  # the date that made it due
    jours_de_retard: int
    du: Decimal  # what is due by now (a CPO: the amounts of its years up to today's)
    verse: Decimal
    reste: Decimal


def versements_en_retard(conventions, *, today, delai=DELAI_VERSEMENT_JOURS):
    """Among `conventions` (a scoped queryset), those whose money is late by more than
    `delai` days, the latest first: nothing paid `delai` days after the signature (the
    advance), or money left `delai` days after the action's bilan was validated (the
    balance). Abandoned and unrealised actions owe nothing. One query."""
    from programmation.models import MontantAnnuel, TransitionAction, Versement

    def _somme(queryset):
        return Coalesce(
            Subquery(
                queryset.order_by().values("convention").annotate(s=Sum("montant")).values("s"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            Value(ZERO),
            output_field=_money,
        )

    validee = (
        TransitionAction.objects.filter(action=OuterRef("action"), etat_apres=EtatAction.SOLDEE)
        .order_by("-date")
        .values("date")
    )
    rows = (
        conventions.exclude(action__etat__in=[EtatAction.ABANDONNEE, EtatAction.NON_REALISEE])
        .select_related("action__porteur", "financeur")
        .annotate(
            total_verse=_somme(Versement.objects.filter(convention=OuterRef("pk"))),
            annuels_dus=_somme(
                MontantAnnuel.objects.filter(convention=OuterRef("pk"), annee__lte=today.year)
            ),
            soldee_le=Subquery(validee[:1]),
        )
    )
    limite = datetime.timedelta(days=delai)
    retards = []
    for convention in rows:
        du = convention.annuels_dus if convention.pluriannuelle else convention.montant
        reste = du - convention.total_verse
        if reste <= 0:
            continue
        soldee = convention.soldee_le and timezone.localdate(convention.soldee_le)
        if soldee and soldee + limite < today:
            motif, depuis = "solde", soldee
        elif not convention.total_verse and convention.date_signature + limite < today:
            motif, depuis = "avance", convention.date_signature
        else:
            continue
        retards.append(
            VersementEnRetard(
                convention=convention,
                motif=motif,
                depuis=depuis,
                jours_de_retard=(today - depuis).days - delai,
                du=du,
                verse=convention.total_verse,
                reste=reste,
            )
        )
    return sorted(retards, key=lambda r: (-r.jours_de_retard, r.convention.pk))
