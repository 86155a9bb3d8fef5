"""The programming table ("tableau de programmation"): one row per action of the current
contract, a column group per funder (requested, granted, paid) and totals over the whole
filtered set. The page and its CSV and Excel exports read the same selection and figures.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.text import capfirst

from cdv.models import AxeTransversal, Organisation, Pilier
from programmation.enums import EtatAction
from programmation.filters import ActionFilter
from programmation.models import Action, ActionQuartier, Financement, Versement
from quartiers.models import Quartier

ZERO = Decimal("0.00")
PAR_PAGE = 50
_money = DecimalField(max_digits=14, decimal_places=2)

# The descriptive columns, in the table's order: (code, header).
COLONNES = [
    ("annee", "Année"),
    ("porteur", "Porteur"),
    ("intitule", "Intitulé"),
    ("pilier", "Pilier"),
    ("quartiers", "Quartiers"),
    ("nouveaute", "Nouvelle ou reconduction"),
    ("etat", "État"),
    ("deposee_le", "Déposée le"),
]
# The amounts of each funder group and of the totals: (code, header).
MONTANTS = [("demande", "Demandé"), ("accorde", "Accordé"), ("verse", "Versé")]
# What an export may leave out: the descriptive columns, the kinds of amount, and the two
# families of amount columns (per funder, totals).
GROUPES = [("financeurs", "Montants par financeur"), ("totaux", "Totaux")]
COLONNES_EXPORT = COLONNES + MONTANTS + GROUPES

# ?tri= whitelist: code → order_by fields (a leading "-" on the code reverses them all).
TRIS = {
    "annee": ("appel__annee",),
    "porteur": ("porteur__nom",),
    "intitule": ("intitule",),
    "pilier": ("pilier__ordre", "pilier__nom"),
    "nouveaute": ("est_reconduction",),
    "etat": ("rang_etat",),
    "deposee_le": ("deposee_le",),
    "demande": ("montant_demande",),
    "accorde": ("montant_accorde",),
    "verse": ("montant_verse",),
}
TRI_PAR_DEFAUT = "-annee"
# The GET parameters of the selection (the contract is the current one; a year narrows the
# calls), in the form's order.
CRITERES = [name for name in ActionFilter.base_filters if name not in ("contrat", "appel")]
# Equal sort keys keep a stable order, from page to page.
DEPARTAGE = ("intitule", "pk")


@dataclass(frozen=True)
class Montants:
    """Requested, granted and paid; None where there is nothing to show."""

    demande: Decimal | None = None
    accorde: Decimal | None = None
    verse: Decimal | None = None


@dataclass(frozen=True)
class Financeur:
    id: int
    nom: str


@dataclass(frozen=True)
class Ligne:
    action: Action
    quartiers: list
    par_financeur: list  # Montants, in the order of Tableau.financeurs
    total: Montants


@dataclass(frozen=True)
class Tableau:
    financeurs: list  # Financeur, by name
    lignes: list  # Ligne, of the page (or of every action for an export)
    totaux: list  # Montants per funder, over the whole filtered set
    total: Montants  # over the whole filtered set
    nb_actions: int
    page: object = None  # the Paginator page, on the page only


@dataclass(frozen=True)
class EvolutionAnnee:
    annee: int
    nb_actions: int
    demande: Decimal
    accorde: Decimal
    verse: Decimal


# The selection: the page's filters and sort ------------------------------------------------


class TableauFilter(ActionFilter):
    """ActionFilter as the page shows it: choices limited to the current contract (the
    porteurs and funders of the actions the user sees there), the years that have actions,
    states as checkboxes, French empty choices."""

    VIDES = {
        "pilier": "Tous les piliers",
        "quartier": "Tous les quartiers",
        "porteur": "Tous les porteurs",
        "financeur": "Tous les financeurs",
        "nouveaute": "Nouvelles et reconductions",
        "axe": "Tous les axes",
        "thematique": "Toutes les thématiques",
    }

    def __init__(self, data, *, queryset, request, contrat, annees):
        super().__init__(data, queryset=queryset, request=request)
        for name in set(self.filters) - set(CRITERES):
            del self.filters[name]
        user = request.user
        demandes = Financement.objects.for_user(user).filter(action__in=queryset.values("pk"))
        organisations = Organisation.objects.for_user(user).order_by("nom", "pk")
        choix = {
            "pilier": Pilier.objects.for_user(user).filter(contrat=contrat).order_by("ordre"),
            "quartier": Quartier.objects.for_user(user).filter(contrat=contrat).order_by("nom"),
            "porteur": organisations.filter(pk__in=queryset.values("porteur")),
            "financeur": organisations.filter(pk__in=demandes.values("financeur")),
            "axe": AxeTransversal.objects.for_user(user).filter(contrat=contrat),
        }
        for name, choices in choix.items():
            self.filters[name].queryset = choices
        for name, label in self.VIDES.items():
            self.filters[name].extra["empty_label"] = label
        self.filters["annee"].extra["widget"] = forms.Select(
            choices=[("", "Toutes les années")] + [(str(a), str(a)) for a in annees]
        )
        self.filters["etat"].extra["widget"] = forms.CheckboxSelectMultiple
        # Drafts are their porteur's only, and porteurs do not see this table.
        self.filters["etat"].extra["choices"] = [
            (code, label) for code, label in EtatAction.choices if code != EtatAction.BROUILLON
        ]
        self.filters["q"].extra["widget"] = forms.TextInput(attrs={"type": "search"})
        for filtre in self.filters.values():
            filtre.label = capfirst(filtre.label)


@dataclass(frozen=True)
class Selection:
    filtre: TableauFilter  # bound to the criteria, its form for the page
    actions: object  # the filtered actions, sorted
    sans_annee: TableauFilter  # the same criteria but the year
    tri: str
    annee: int | None
    criteres: object  # QueryDict: the criteria and sort, the year made explicit

    @property
    def toutes_annees(self):
        """The actions of the same criteria, every year: the workbook's yearly evolution."""
        return self.sans_annee.qs


def _rang_etat():
    """The states in the workflow's order, not the alphabet's."""
    return Case(
        *[When(etat=code, then=Value(rang)) for rang, code in enumerate(EtatAction.values)],
        output_field=IntegerField(),
    )


def _verse_total(user):
    verses = (
        Versement.objects.for_user(user)
        .filter(convention__action=OuterRef("pk"))
        .order_by()
        .values("convention__action")
        .annotate(total=Sum("montant"))
        .values("total")
    )
    return Coalesce(Subquery(verses, output_field=_money), Value(ZERO), output_field=_money)


def trier(actions, tri, *, user):
    """`actions` in the order of `tri` (a code of TRIS, "-" first to reverse)."""
    champs = TRIS[tri.lstrip("-")]
    if "rang_etat" in champs:
        actions = actions.annotate(rang_etat=_rang_etat())
    if "montant_demande" in champs:
        actions = actions.with_montant_demande()
    if "montant_accorde" in champs:
        actions = actions.with_financements_total("montant_accorde")
    if "montant_verse" in champs:
        actions = actions.annotate(montant_verse=_verse_total(user))
    desc = tri.startswith("-")
    ordre = [
        F(champ).desc(nulls_last=True) if desc else F(champ).asc(nulls_last=True)
        for champ in champs
    ]
    return actions.order_by(*ordre, *DEPARTAGE)


def selection(request, *, contrat):
    """The actions of `contrat` the user sees, filtered by the request's criteria (the most
    recent year having actions when none is asked; `annee=` empty for every year) and
    sorted by `tri`. One query here (the years); the querysets stay lazy."""
    user = request.user
    visibles = Action.objects.for_user(user).filter(appel__contrat=contrat)
    annees = sorted(
        set(visibles.order_by().values_list("appel__annee", flat=True).distinct()), reverse=True
    )
    # The criteria in a fixed order, without empty ones but the year (empty: every year),
    # so that links and exports repeat them alike.
    criteres = QueryDict(mutable=True)
    for name in CRITERES:
        valeurs = [v for v in request.GET.getlist(name) if v or name == "annee"]
        if name == "annee" and "annee" not in request.GET and annees:
            valeurs = [str(annees[0])]
        if valeurs:
            criteres.setlist(name, valeurs)
    tri = request.GET.get("tri", "")
    if tri.lstrip("-") not in TRIS:
        tri = TRI_PAR_DEFAUT
    criteres["tri"] = tri
    filtre = TableauFilter(
        criteres, queryset=visibles, request=request, contrat=contrat, annees=annees
    )
    sans_annee = criteres.copy()
    sans_annee["annee"] = ""
    # An invalid criterion is left out (the form shows why); the others still apply.
    filtre.form.is_valid()
    annee = filtre.form.cleaned_data.get("annee")
    return Selection(
        filtre=filtre,
        actions=trier(filtre.qs, tri, user=user),
        sans_annee=TableauFilter(
            sans_annee, queryset=visibles, request=request, contrat=contrat, annees=annees
        ),
        tri=tri,
        annee=int(annee) if annee is not None else None,
        criteres=criteres,
    )


def entetes(selection):
    """The headers of the descriptive and of the total columns, each with its sort link
    (ascending first, then reversed) and its aria-sort when the table is sorted by it."""
    base = selection.criteres.copy()
    base.pop("tri", None)
    prefixe = f"?{base.urlencode()}&" if base else "?"
    actuel, desc = selection.tri.lstrip("-"), selection.tri.startswith("-")

    def entete(code, label):
        if code not in TRIS:
            return {"code": code, "label": label, "url": None, "tri": None}
        inverse = code == actuel and not desc
        return {
            "code": code,
            "label": label,
            "url": f"{prefixe}tri={'-' if inverse else ''}{code}",
            "suivant": "décroissant" if inverse else "croissant",
            "tri": ("descending" if desc else "ascending") if code == actuel else None,
        }

    return {
        "colonnes": [entete(code, label) for code, label in COLONNES],
        "montants": [entete(code, label) for code, label in MONTANTS],
    }


# The figures -------------------------------------------------------------------------------


def _quartiers(user):
    parts = ActionQuartier.objects.for_user(user).select_related("quartier")
    return Prefetch("quartiers", queryset=parts.order_by("-part", "quartier__nom"))


def tableau_programmation(*, user, actions, page=None, par_page=PAR_PAGE):
    """The table of `actions` (a scoped, filtered, sorted queryset): its funder columns,
    its rows (those of page `page`, or every row when `page` is None) and its totals over
    every action of `actions`.

    A funder has a column group when it is solicited (a Financement row) on one of the
    actions. Requested and granted sum its funding rows of the action (specific and
    ordinary law together); paid sums the payments under its conventions of the action.
    Queries, whatever the number of rows and funders: the rows (with a count on a page),
    their quartiers, the requested and granted per (action, funder) and the paid per
    (action, funder) of the rows, the per-funder totals of requested and granted, of paid.
    """
    ids = actions.order_by().values("pk")
    financements = Financement.objects.for_user(user).filter(action__in=ids).order_by()
    versements = Versement.objects.for_user(user).filter(convention__action__in=ids).order_by()

    lignes = actions.select_related("appel", "porteur", "pilier").prefetch_related(_quartiers(user))
    if page is None:
        lignes = list(lignes)
        nb_actions = len(lignes)
    else:
        page = Paginator(lignes, par_page).get_page(page)
        lignes = list(page.object_list)
        nb_actions = page.paginator.count

    # Totals per funder over the whole selection; they also give the columns.
    par_financeur = list(
        financements.values("financeur", "financeur__nom")
        .annotate(demande=Sum("montant_demande"), accorde=Sum("montant_accorde"))
        .order_by("financeur__nom", "financeur")
    )
    verse_par_financeur = dict(
        versements.values_list("convention__financeur").annotate(total=Sum("montant"))
    )
    financeurs = [Financeur(id=r["financeur"], nom=r["financeur__nom"]) for r in par_financeur]
    totaux = [
        Montants(
            demande=_eur(r["demande"]),
            accorde=_eur(r["accorde"]),
            verse=_eur(verse_par_financeur.get(r["financeur"])),
        )
        for r in par_financeur
    ]

    cellules, verses = {}, {}
    if lignes:
        pks = [action.pk for action in lignes]
        cellules = {
            (r["action"], r["financeur"]): r
            for r in financements.filter(action__in=pks)
            .values("action", "financeur")
            .annotate(demande=Sum("montant_demande"), accorde=Sum("montant_accorde"))
        }
        verses = {
            (action, financeur): total
            for action, financeur, total in versements.filter(convention__action__in=pks)
            .values_list("convention__action", "convention__financeur")
            .annotate(total=Sum("montant"))
        }
    rows = []
    for action in lignes:
        montants = []
        for financeur in financeurs:
            cellule = cellules.get((action.pk, financeur.id))
            verse = verses.get((action.pk, financeur.id))
            if cellule is None and verse is None:
                montants.append(Montants())
                continue
            montants.append(
                Montants(
                    demande=_eur(cellule["demande"]) if cellule else None,
                    # Nothing granted yet stays empty, unlike a grant of 0.
                    accorde=_eur(cellule["accorde"])
                    if cellule and cellule["accorde"] is not None
                    else None,
                    verse=_eur(verse),
                )
            )
        rows.append(
            Ligne(
                action=action,
                quartiers=[part.quartier.nom for part in action.quartiers.all()],
                par_financeur=montants,
                total=_total(montants),
            )
        )
    return Tableau(
        financeurs=financeurs,
        lignes=rows,
        totaux=totaux,
        total=_total(totaux),
        nb_actions=nb_actions,
        page=page,
    )


def _eur(value):
    """Cents, whatever the database returns (SQLite drops trailing zeros); 0 for none."""
    return Decimal(value or 0).quantize(ZERO)


def _total(montants):
    def somme(kind):
        return sum((getattr(m, kind) or ZERO for m in montants), ZERO)

    return Montants(demande=somme("demande"), accorde=somme("accorde"), verse=somme("verse"))


def evolution(*, user, actions):
    """Per year of `actions` (a scoped queryset, usually the selection without its year):
    the number of actions, the total requested, granted and paid. Three queries."""
    ids = actions.order_by().values("pk")
    nombres = dict(
        actions.order_by().values_list("appel__annee").annotate(n=Count("pk", distinct=True))
    )
    montants = {
        r["action__appel__annee"]: r
        for r in Financement.objects.for_user(user)
        .filter(action__in=ids)
        .order_by()
        .values("action__appel__annee")
        .annotate(demande=Sum("montant_demande"), accorde=Sum("montant_accorde"))
    }
    verses = dict(
        Versement.objects.for_user(user)
        .filter(convention__action__in=ids)
        .order_by()
        .values_list("convention__action__appel__annee")
        .annotate(total=Sum("montant"))
    )
    return [
        EvolutionAnnee(
            annee=annee,
            nb_actions=nombres[annee],
            demande=_eur(montants.get(annee, {}).get("demande")),
            accorde=_eur(montants.get(annee, {}).get("accorde")),
            verse=_eur(verses.get(annee)),
        )
        for annee in sorted(nombres)
    ]
