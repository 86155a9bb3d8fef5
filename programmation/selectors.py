"""Reads of the programmation: the only place its figures are computed."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from programmation.enums import COMPTES, COMPTES_EN_NATURE, CoteBudget

ZERO = Decimal("0.00")
_money = DecimalField(max_digits=14, decimal_places=2)
_CHARGES = [code for code, (cote, _) in COMPTES.items() if cote == CoteBudget.CHARGE]
_PRODUITS = [code for code, (cote, _) in COMPTES.items() if cote == CoteBudget.PRODUIT]


@dataclass(frozen=True)
class TotauxBudget:
    charges: Decimal
    produits: Decimal
    charges_en_nature: Decimal
    produits_en_nature: Decimal

    @property
    def equilibre(self):
        return self.charges == self.produits and self.charges_en_nature == self.produits_en_nature


def _sum(field, codes):
    return Coalesce(
        Sum(Case(When(compte__in=codes, then=field), default=Value(ZERO), output_field=_money)),
        Value(ZERO),
        output_field=_money,
    )


def budget_totaux(action, *, field="montant_previsionnel"):
    """Totals of the action's budget (forecast by default, or `montant_realise`), in one query.

    In-kind contributions (86 and 87) are kept apart: they balance on their own.
    """
    lines = action.lignes_budget.filter(~Q(**{f"{field}__isnull": True}))
    totals = lines.aggregate(
        charges=_sum(field, [c for c in _CHARGES if c not in COMPTES_EN_NATURE]),
        produits=_sum(field, [c for c in _PRODUITS if c not in COMPTES_EN_NATURE]),
        charges_en_nature=_sum(field, ["86"]),
        produits_en_nature=_sum(field, ["87"]),
    )
    return TotauxBudget(**totals)


def montant_demande_total(action):
    """The total requested from every funder of the action."""
    from programmation.models import Action

    return Action.objects.filter(pk=action.pk).with_montant_demande().get().montant_demande


# ---------------------------------------------------------------------------------------
# Bilan physico-financier (the evaluation report's chapter 3)
# ---------------------------------------------------------------------------------------

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class PbfAnnee:
    """One year of the programmation. Amounts of actions are their specific credits."""

    annee: int | None  # None on the totals line
    nb_actions: int
    credits_specifiques: Decimal
    autres_financements: Decimal
    total_accorde: Decimal
    taux_cofinancement: Decimal | None
    nb_reconductions: int
    montant_reconductions: Decimal
    nb_nouvelles: int
    montant_nouvelles: Decimal
    evolution_montant: Decimal | None = None
    evolution_pourcentage: Decimal | None = None
    evolution_nb_actions: int | None = None


@dataclass(frozen=True)
class PbfPilier:
    pilier_id: int | None
    nom: str
    nb_actions: int
    credits_specifiques: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class PbfQuartier:
    quartier_id: int
    nom: str
    code: str
    nb_actions: int
    credits_specifiques: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class PbfFinanceur:
    financeur_id: int
    nom: str
    nb_actions: int
    credits_specifiques: Decimal
    droit_commun: Decimal
    total_accorde: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class BilanPhysicoFinancier:
    contrat_id: int
    annee_min: int
    annee_max: int
    annees: list
    piliers: list
    quartiers: list
    financeurs: list
    totaux: PbfAnnee
    # Specific credits no quartier share accounts for (actions without quartiers, shares < 100 %).
    non_ventile: Decimal


def _eur(value):
    """Cents, whatever the database returns (SQLite drops trailing zeros)."""
    return Decimal(value or 0).quantize(ZERO)


def _ratio(part, total):
    if not total:
        return None
    return (Decimal(part) / Decimal(total)).quantize(RATIO)


def _sum_when(field, *conditions, **lookups):
    """SUM(CASE WHEN <conditions> THEN field ELSE 0 END), 0 when there is no row."""
    return Coalesce(
        Sum(
            Case(
                When(Q(*conditions, **lookups), then=field),
                default=Value(ZERO),
                output_field=_money,
            )
        ),
        Value(ZERO),
        output_field=_money,
    )


def _action_figures():
    """The per-year (or overall) figures, over actions joined to their funding rows.

    One LEFT JOIN on `financements`: each funding row is summed once, and the actions are
    counted DISTINCT so that an action funded by three funders still counts once.
    """
    from django.db.models import Count

    from programmation.enums import NatureFinancement

    accorde = "financements__montant_accorde"
    specifique = {"financements__nature": NatureFinancement.SPECIFIQUE}
    reconduction = Q(est_reconduction=True)
    return {
        "nb_actions": Count("pk", distinct=True),
        "credits_specifiques": _sum_when(accorde, **specifique),
        "total_accorde": Coalesce(Sum(accorde), Value(ZERO), output_field=_money),
        "nb_reconductions": Count("pk", distinct=True, filter=reconduction),
        "montant_reconductions": _sum_when(accorde, reconduction, **specifique),
        "montant_nouvelles": _sum_when(accorde, ~reconduction, **specifique),
    }


def _ligne_annee(annee, row):
    specifique, total = _eur(row["credits_specifiques"]), _eur(row["total_accorde"])
    return PbfAnnee(
        annee=annee,
        nb_actions=row["nb_actions"],
        credits_specifiques=specifique,
        autres_financements=total - specifique,
        total_accorde=total,
        taux_cofinancement=_ratio(total - specifique, specifique),
        nb_reconductions=row["nb_reconductions"],
        montant_reconductions=_eur(row["montant_reconductions"]),
        nb_nouvelles=row["nb_actions"] - row["nb_reconductions"],
        montant_nouvelles=_eur(row["montant_nouvelles"]),
    )


def bilan_physico_financier(*, contrat, annee_min, annee_max, user):
    """The bilan physico-financier of `contrat` over [annee_min, annee_max], as `user` sees it.

    Counts the funded actions (states of ETATS_PROGRAMMES) the user may see, of the calls of
    the contract in those years. "Crédits spécifiques" are the amounts granted with the
    nature "crédits spécifiques"; the amount of an action, a pillar, a quartier, a renewal is
    its specific credits; the co-funding ratio is (every other amount granted) / specific.
    A quartier receives each action's specific credits × its share (ActionQuartier.part).
    Five aggregate queries, whatever the number of actions.
    """
    from dataclasses import replace

    from django.db.models import Count, F
    from django.db.models.functions import Cast

    from programmation.enums import ETATS_PROGRAMMES, NatureFinancement
    from programmation.models import Action, ActionQuartier, Financement

    actions = Action.objects.for_user(user).filter(
        appel__contrat=contrat,
        appel__annee__gte=annee_min,
        appel__annee__lte=annee_max,
        etat__in=ETATS_PROGRAMMES,
    )
    figures = _action_figures()

    # 1. Per year.
    rows = {
        row["appel__annee"]: row
        for row in actions.order_by().values("appel__annee").annotate(**figures)
    }
    empty = {name: 0 if name.startswith("nb_") else ZERO for name in figures}
    annees, previous = [], None
    for annee in range(annee_min, annee_max + 1):
        ligne = _ligne_annee(annee, rows.get(annee, empty))
        if previous is not None:
            delta = ligne.credits_specifiques - previous.credits_specifiques
            ligne = replace(
                ligne,
                evolution_montant=delta,
                evolution_pourcentage=_ratio(delta, previous.credits_specifiques),
                evolution_nb_actions=ligne.nb_actions - previous.nb_actions,
            )
        annees.append(ligne)
        previous = ligne

    # 2. Overall.
    totaux = _ligne_annee(None, actions.order_by().aggregate(**figures))
    total = totaux.credits_specifiques

    # 3. Per pillar (actions without one are grouped under "Sans pilier", last).
    piliers = [
        PbfPilier(
            pilier_id=row["pilier"],
            nom=row["pilier__nom"] or "Sans pilier",
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            part=_ratio(row["credits_specifiques"], total),
        )
        for row in actions.order_by()
        .values("pilier", "pilier__nom", "pilier__ordre")
        .annotate(
            nb_actions=figures["nb_actions"], credits_specifiques=figures["credits_specifiques"]
        )
        .order_by(F("pilier__ordre").asc(nulls_last=True), "pilier__nom")
    ]

    # 4. Per quartier: each (share, funding row) pair once; rounded to the cent once per quartier.
    specifique = Q(action__financements__nature=NatureFinancement.SPECIFIQUE)
    alloue = Case(
        When(
            specifique,
            then=F("action__financements__montant_accorde") * F("part") / Value(Decimal("100")),
        ),
        default=Value(ZERO),
        output_field=_money,
    )
    quartiers = [
        PbfQuartier(
            quartier_id=row["quartier"],
            nom=row["quartier__nom"],
            code=row["quartier__code"],
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            part=_ratio(row["credits_specifiques"], total),
        )
        for row in ActionQuartier.objects.filter(action__in=actions)
        .order_by()
        .values("quartier", "quartier__nom", "quartier__code")
        .annotate(
            nb_actions=Count("action", distinct=True),
            credits_specifiques=Cast(Coalesce(Sum(alloue), Value(ZERO)), _money),
        )
        .order_by("quartier__nom", "quartier")
    ]
    non_ventile = total - sum((q.credits_specifiques for q in quartiers), ZERO)

    # 5. Per funder: what each one granted (only funders who granted something).
    accorde_total = totaux.total_accorde
    financeurs = [
        PbfFinanceur(
            financeur_id=row["financeur"],
            nom=row["financeur__nom"],
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            droit_commun=_eur(row["total_accorde"]) - _eur(row["credits_specifiques"]),
            total_accorde=_eur(row["total_accorde"]),
            part=_ratio(row["total_accorde"], accorde_total),
        )
        for row in Financement.objects.filter(action__in=actions, montant_accorde__gt=0)
        .order_by()
        .values("financeur", "financeur__nom")
        .annotate(
            nb_actions=Count("action", distinct=True),
            credits_specifiques=_sum_when("montant_accorde", nature=NatureFinancement.SPECIFIQUE),
            total_accorde=Coalesce(Sum("montant_accorde"), Value(ZERO), output_field=_money),
        )
        .order_by("-total_accorde", "financeur__nom")
    ]

    return BilanPhysicoFinancier(
        contrat_id=contrat.pk,
        annee_min=annee_min,
        annee_max=annee_max,
        annees=annees,
        piliers=piliers,
        quartiers=quartiers,
        financeurs=financeurs,
        totaux=totaux,
        non_ventile=non_ventile,
    )


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
# The funders' opinions and the committee pack
# ---------------------------------------------------------------------------------------


def avis_a_donner(actions, *, organisation_id):
    """Among `actions` (a scoped queryset), those awaiting the funders' opinions where the
    organisation is solicited and has not given its opinion yet, with their list data."""
    from programmation.enums import EtatAction
    from programmation.models import Avis, Financement

    sollicitee = Financement.objects.filter(financeur_id=organisation_id).values("action_id")
    rendu = Avis.objects.filter(financeur_id=organisation_id).values("action_id")
    return (
        actions.filter(etat=EtatAction.AVIS_FINANCEURS, pk__in=sollicitee)
        .exclude(pk__in=rendu)
        .with_list_related_data()
    )


@dataclass(frozen=True)
class LigneComite:
    """One funder of an action in the committee pack: asked, proposed, granted, opinion."""

    financement_id: int
    financeur_id: int
    financeur: str
    nature: str
    demande: Decimal
    propose: Decimal | None
    accorde: Decimal | None
    sens: str | None  # a SensAvis value; None while the funder has given no opinion
    sens_libelle: str


@dataclass(frozen=True)
class ActionComite:
    action: object
    lignes: list
    total_demande: Decimal
    total_propose: Decimal


@dataclass(frozen=True)
class DossierComite:
    actions: list
    total_demande: Decimal
    total_propose: Decimal


def dossier_comite(actions):
    """The committee pack of `actions` (a scoped queryset): per action (pillar order, then
    title), one line per funder with the amount asked, the amount proposed and the funder's
    opinion; totals per action and overall. Three queries, whatever the number of rows."""
    from django.db.models import OuterRef, Subquery

    from programmation.enums import NatureFinancement, SensAvis
    from programmation.models import Avis, Financement

    def total(field):
        return Coalesce(Sum(field), Value(ZERO), output_field=_money)

    rows = list(
        actions.with_list_related_data()
        .with_financements_total("montant_propose")
        .order_by("pilier__ordre", "intitule", "pk")
    )
    avis = Avis.objects.filter(action=OuterRef("action"), financeur=OuterRef("financeur"))
    financements = (
        Financement.objects.filter(action__in=actions)
        .select_related("financeur")
        .annotate(sens=Subquery(avis.values("sens")[:1]))
        .order_by("financeur__nom", "nature", "pk")
    )
    sens = dict(SensAvis.choices)
    natures = dict(NatureFinancement.choices)
    lignes = {}
    for f in financements:
        lignes.setdefault(f.action_id, []).append(
            LigneComite(
                financement_id=f.pk,
                financeur_id=f.financeur_id,
                financeur=f.financeur.nom,
                nature=natures.get(f.nature, f.nature),
                demande=f.montant_demande,
                propose=f.montant_propose,
                accorde=f.montant_accorde,
                sens=f.sens,
                sens_libelle=sens.get(f.sens, "Pas encore d'avis"),
            )
        )
    totaux = Financement.objects.filter(action__in=actions).aggregate(
        demande=total("montant_demande"), propose=total("montant_propose")
    )
    return DossierComite(
        actions=[
            ActionComite(
                action=action,
                lignes=lignes.get(action.pk, []),
                total_demande=action.montant_demande,
                total_propose=action.montant_propose,
            )
            for action in rows
        ],
        total_demande=totaux["demande"],
        total_propose=totaux["propose"],
    )


def appels_en_comite(appels, actions):
    """The calls (a scoped queryset), latest first, each with `nb_a_decider`: how many of
    `actions` (scoped) await the funders' opinions, hence the committee. One query."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from programmation.enums import EtatAction

    a_decider = (
        actions.filter(appel=OuterRef("pk"), etat=EtatAction.AVIS_FINANCEURS)
        .order_by()
        .values("appel")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        appels.annotate(
            nb_a_decider=Coalesce(Subquery(a_decider, output_field=IntegerField()), 0)
        ).order_by("-annee", "titre", "pk")
    )


@dataclass(frozen=True)
class BilanEnRetard:
    """An action whose bilan is expected past its call's deadline."""

    action: object
    echeance: object  # the call's date_limite_bilan
    jours_de_retard: int
    derniere_relance: object  # date of the last reminder, None if never reminded


def bilans_en_retard(actions, *, today):
    """Among `actions` (a scoped queryset), those whose bilan is expected and whose call's
    deadline (`date_limite_bilan`) is before `today`, the oldest deadline first, with how
    many days late and the last reminder sent. One query, whatever the number of rows."""
    from django.db.models import OuterRef, Subquery

    from programmation.enums import EtatAction
    from programmation.models import Relance

    derniere = Relance.objects.filter(action=OuterRef("pk")).order_by("-date").values("date")
    rows = (
        actions.filter(etat=EtatAction.BILAN_ATTENDU, appel__date_limite_bilan__lt=today)
        .select_related("appel", "porteur")
        .annotate(derniere_relance=Subquery(derniere[:1]))
        .order_by("appel__date_limite_bilan", "porteur__nom", "intitule", "pk")
    )
    return [
        BilanEnRetard(
            action=action,
            echeance=action.appel.date_limite_bilan,
            jours_de_retard=(today - action.appel.date_limite_bilan).days,
            derniere_relance=action.derniere_relance,
        )
        for action in rows
    ]
