"""Reads of the TFPB abatement: the only place its figures are computed (pages, workbook and
API read them from here).

The perimeter is the conventions `user` sees (`for_user`: readers of the contract see all
of it, a landlord's intervenant GUP its own), within the current contract when there is one.
An action whose realised amount is not entered counts 0 realised and is counted apart as
« non renseigné ».
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gup.models import AbattementTFPB, ActionTFPB, AxeTFPB, ConventionTFPB, PatrimoineTFPB

ZERO = Decimal("0")
CENT = Decimal("100")
DIXIEME = Decimal("0.1")
MONEY_SUM = DecimalField(max_digits=16, decimal_places=2)


def taux(part, total):
    """`part` as points of `total` (one decimal), None when the total is nil."""
    if not total:
        return None
    return (Decimal(part) * CENT / Decimal(total)).quantize(DIXIEME, rounding=ROUND_HALF_UP)


def _in_contrat(queryset, contrat, path):
    return queryset if contrat is None else queryset.filter(**{path: contrat})


def conventions_visibles(*, user, contrat):
    """The conventions `user` sees, within `contrat` when given."""
    return _in_contrat(ConventionTFPB.objects.for_user(user), contrat, "contrat")


# The list of conventions ----------------------------------------------------------------------


def _somme(model, champ):
    """A correlated SUM per convention, without multiplying joins."""
    summed = (
        model.objects.filter(convention=OuterRef("pk"))
        .order_by()
        .values("convention")
        .annotate(total=Sum(champ))
        .values("total")
    )
    return Coalesce(Subquery(summed, output_field=MONEY_SUM), Value(ZERO), output_field=MONEY_SUM)


def conventions_list(*, user, contrat):
    """The conventions with their dwellings per quartier, total abatement, planned and
    realised amounts and the realised/abatement ratio (`ratio`, in points). Two queries."""
    conventions = list(
        conventions_visibles(user=user, contrat=contrat)
        .select_related("bailleur")
        .annotate(
            total_abattement=_somme(AbattementTFPB, "montant"),
            total_prevu=_somme(ActionTFPB, "montant_prevu"),
            total_realise=_somme(ActionTFPB, "montant_realise"),
        )
        .prefetch_related(
            Prefetch("patrimoine", queryset=PatrimoineTFPB.objects.select_related("quartier"))
        )
        .order_by("bailleur__nom", "annee_debut", "pk")
    )
    for convention in conventions:
        convention.logements = list(convention.patrimoine.all())
        convention.nb_logements = sum(p.nb_logements for p in convention.logements)
        convention.ratio = taux(convention.total_realise, convention.total_abattement)
    return conventions


# One convention -----------------------------------------------------------------------------


@dataclass
class GroupeAxe:
    axe: AxeTFPB
    actions: list = field(default_factory=list)
    prevu: Decimal = ZERO
    realise: Decimal = ZERO
    cofinancement: Decimal = ZERO


@dataclass
class AnneeActions:
    annee: int
    abattement: Decimal = ZERO
    groupes: list = field(default_factory=list)
    prevu: Decimal = ZERO
    realise: Decimal = ZERO
    cofinancement: Decimal = ZERO
    non_renseignes: int = 0

    @property
    def ratio(self):
        return taux(self.realise, self.abattement)


@dataclass
class ConventionDetail:
    convention: ConventionTFPB
    patrimoine: list
    quartiers: list
    grille: list  # [(annee, [montant or None per quartier], total of the year)]
    totaux_quartiers: list
    annees: list  # AnneeActions of every year with an abatement or an action
    total_abattement: Decimal = ZERO
    total_prevu: Decimal = ZERO
    total_realise: Decimal = ZERO

    @property
    def nb_logements(self):
        return sum(p.nb_logements for p in self.patrimoine)

    @property
    def ratio(self):
        return taux(self.total_realise, self.total_abattement)


def convention_detail(*, convention, user):
    """The convention's dwellings per quartier, its yearly abatement per quartier (a grid
    year × quartier over its period) and its actions by year and axis. Three queries."""
    patrimoine = list(
        PatrimoineTFPB.objects.for_user(user)
        .filter(convention=convention)
        .select_related("quartier")
        .order_by("quartier__nom")
    )
    quartiers = [p.quartier for p in patrimoine]
    montants = {
        (a.annee, a.quartier_id): a.montant
        for a in AbattementTFPB.objects.for_user(user).filter(convention=convention)
    }
    actions = list(
        ActionTFPB.objects.for_user(user)
        .filter(convention=convention)
        .select_related("axe", "quartier", "diagnostic__quartier")
        .order_by("annee", "axe__ordre", "axe__code", "intitule", "pk")
    )
    # Quartiers of entries whose dwellings were since removed still show in the grid.
    connus = {q.pk for q in quartiers}
    for action in actions:
        if action.quartier_id not in connus:
            connus.add(action.quartier_id)
            quartiers.append(action.quartier)
    periode = range(convention.annee_debut, convention.annee_fin + 1)
    grille = []
    for annee in periode:
        cellules = [montants.get((annee, q.pk)) for q in quartiers]
        grille.append((annee, cellules, sum((m for m in cellules if m is not None), ZERO)))
    totaux_quartiers = [
        sum((montants.get((annee, q.pk)) or ZERO for annee in periode), ZERO) for q in quartiers
    ]
    par_annee = {}
    for (annee, _quartier), montant in montants.items():
        par_annee.setdefault(annee, AnneeActions(annee)).abattement += montant
    for action in actions:
        bloc = par_annee.setdefault(action.annee, AnneeActions(action.annee))
        if not bloc.groupes or bloc.groupes[-1].axe.pk != action.axe_id:
            bloc.groupes.append(GroupeAxe(action.axe))
        groupe = bloc.groupes[-1]
        groupe.actions.append(action)
        realise = action.montant_realise or ZERO
        groupe.prevu += action.montant_prevu
        groupe.realise += realise
        groupe.cofinancement += action.cofinancement
        bloc.prevu += action.montant_prevu
        bloc.realise += realise
        bloc.cofinancement += action.cofinancement
        bloc.non_renseignes += action.montant_realise is None
    annees = [par_annee[annee] for annee in sorted(par_annee)]
    return ConventionDetail(
        convention=convention,
        patrimoine=patrimoine,
        quartiers=quartiers,
        grille=grille,
        totaux_quartiers=totaux_quartiers,
        annees=annees,
        total_abattement=sum((b.abattement for b in annees), ZERO),
        total_prevu=sum((b.prevu for b in annees), ZERO),
        total_realise=sum((b.realise for b in annees), ZERO),
    )


# The bilan --------------------------------------------------------------------------------


@dataclass
class PartAxe:
    axe: AxeTFPB
    prevu: Decimal = ZERO
    realise: Decimal = ZERO
    part: Decimal | None = None  # points of the row's realised amount


@dataclass
class LigneBilan:
    """A landlord, a quartier or the whole: its abatement and actions of the year."""

    libelle: str
    abattement: Decimal = ZERO
    prevu: Decimal = ZERO
    realise: Decimal = ZERO
    nb_actions: int = 0
    non_renseignes: int = 0
    axes: list = field(default_factory=list)  # PartAxe, one per axis of the framework
    _par_axe: dict = field(default_factory=dict, repr=False)

    @property
    def ratio(self):
        """The realised amount as points of the abatement."""
        return taux(self.realise, self.abattement)

    def ajouter(self, ligne, axe):
        prevu, realise = ligne["prevu"] or ZERO, ligne["realise"] or ZERO
        self.prevu += prevu
        self.realise += realise
        self.nb_actions += ligne["nb"]
        self.non_renseignes += ligne["non_renseignes"]
        part = self._par_axe.setdefault(axe.pk, PartAxe(axe))
        part.prevu += prevu
        part.realise += realise

    def finir(self, axes):
        self.axes = [self._par_axe.get(axe.pk, PartAxe(axe)) for axe in axes]
        for part in self.axes:
            part.part = taux(part.realise, self.realise)


@dataclass
class AnneeBilan:
    annee: int
    abattement: Decimal = ZERO
    realise: Decimal = ZERO

    @property
    def ratio(self):
        return taux(self.realise, self.abattement)


@dataclass
class BilanTFPB:
    annee: int | None
    annees: list  # the years with data, for the year's choice
    axes: list
    par_bailleur: list
    par_quartier: list
    total: LigneBilan
    evolution: list  # AnneeBilan, every year with data

    def graphique(self):
        """The figures of the chart (abatement and realised per year), for json_script."""
        return {
            "labels": [str(ligne.annee) for ligne in self.evolution],
            "series": [
                {"label": "Abattement", "data": [float(e.abattement) for e in self.evolution]},
                {"label": "Réalisé", "data": [float(e.realise) for e in self.evolution]},
            ],
        }


def _valeurs(queryset, *names):
    return queryset.order_by().values(
        "annee", "convention__bailleur_id", "convention__bailleur__nom", "quartier_id",
        "quartier__nom", *names,
    )  # fmt: skip


def bilan_tfpb(*, user, contrat, annee=None):
    """The bilan of `annee` (by default the latest year with data): per landlord and per
    quartier the abatement, planned and realised amounts, the realised/abatement ratio and
    the breakdown of the realised amount by axis; over the years the abatement and realised
    amounts. Four queries, whatever the number of rows."""
    axes = list(AxeTFPB.objects.for_user(user).order_by("version", "ordre", "code"))
    axes_par_id = {axe.pk: axe for axe in axes}
    abattements = list(
        _valeurs(
            _in_contrat(AbattementTFPB.objects.for_user(user), contrat, "convention__contrat")
        ).annotate(montant=Sum("montant"))
    )
    actions = list(
        _valeurs(
            _in_contrat(ActionTFPB.objects.for_user(user), contrat, "convention__contrat"),
            "axe_id",
        ).annotate(
            prevu=Sum("montant_prevu"),
            realise=Sum("montant_realise"),
            nb=Count("pk"),
            non_renseignes=Count("pk", filter=Q(montant_realise__isnull=True)),
        )
    )
    annees = sorted({ligne["annee"] for ligne in abattements + actions})
    if annee is None:
        annee = annees[-1] if annees else None

    evolution = {a: AnneeBilan(a) for a in annees}
    for ligne in abattements:
        evolution[ligne["annee"]].abattement += ligne["montant"] or ZERO
    for ligne in actions:
        evolution[ligne["annee"]].realise += ligne["realise"] or ZERO

    # Every landlord whose convention covers the year shows, even with nothing entered.
    bailleurs = {}
    if annee is not None:
        for bailleur_id, nom in (
            conventions_visibles(user=user, contrat=contrat)
            .filter(annee_debut__lte=annee, annee_fin__gte=annee)
            .order_by()
            .values_list("bailleur_id", "bailleur__nom")
            .distinct()
        ):
            bailleurs[bailleur_id] = LigneBilan(nom)
    quartiers = {}
    total = LigneBilan("Total")

    def lignes_de(ligne):
        """The rows a grouped line adds to: its landlord, its quartier, the total."""
        return (
            bailleurs.setdefault(
                ligne["convention__bailleur_id"], LigneBilan(ligne["convention__bailleur__nom"])
            ),
            quartiers.setdefault(ligne["quartier_id"], LigneBilan(ligne["quartier__nom"])),
            total,
        )

    for ligne in abattements:
        if ligne["annee"] != annee:
            continue
        montant = ligne["montant"] or ZERO
        for row in lignes_de(ligne):
            row.abattement += montant
    for ligne in actions:
        if ligne["annee"] != annee:
            continue
        axe = axes_par_id.get(ligne["axe_id"])
        for row in lignes_de(ligne):
            row.ajouter(ligne, axe)
    par_bailleur = sorted(bailleurs.values(), key=lambda row: row.libelle)
    par_quartier = sorted(quartiers.values(), key=lambda row: row.libelle)
    for row in [*par_bailleur, *par_quartier, total]:
        row.finir(axes)
    return BilanTFPB(
        annee=annee,
        annees=annees,
        axes=axes,
        par_bailleur=par_bailleur,
        par_quartier=par_quartier,
        total=total,
        evolution=[evolution[a] for a in annees],
    )
