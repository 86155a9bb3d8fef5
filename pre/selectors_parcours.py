"""Reads of the pathways: the active file and its cap, the waiting list, the price grid and the
share of an action's cost each side pays, and the PRE's budget against what it spent.

Every figure shown on the parcours, grille and budget pages is computed here. Querysets start
from the models' for_user() and are then narrowed to the current contract; encrypted fields
(names, quotient familial) are read in Python after the scoped query.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Organisation, User
from pre.enums import EtatParcours
from pre.models import (
    ActionParcours,
    BudgetPRE,
    ConfigurationPRE,
    Parcours,
    ResponsableLegal,
    RevueParcours,
    TrancheTarifaire,
)

CENT = Decimal("0.01")
PLAFOND_PAR_DEFAUT = 35
# The family satisfaction questionnaire at the exit: code → question (answers 1 to 4).
QUESTIONS_SATISFACTION = [
    ("besoins", "Le parcours a répondu aux besoins de votre enfant."),
    ("ecoute", "Vous avez été écoutés et associés aux décisions."),
    ("actions", "Les actions proposées étaient adaptées à votre enfant."),
    ("progres", "Votre enfant a progressé pendant le parcours."),
    ("recommandation", "Vous recommanderiez le PRE à une autre famille."),
]
ECHELLE_SATISFACTION = [
    (1, "Pas du tout d'accord"),
    (2, "Plutôt pas d'accord"),
    (3, "Plutôt d'accord"),
    (4, "Tout à fait d'accord"),
]


# The price grid ---------------------------------------------------------------------------


def tranche_de(qf, tranches):
    """The bracket of `tranches` holding quotient familial `qf` (None if none does)."""
    if qf is None:
        return None
    for tranche in tranches:
        if tranche.qf_min <= qf and (tranche.qf_max is None or qf <= tranche.qf_max):
            return tranche
    return None


def part_famille(cout, qf, tranches):
    """(family share, PRE share) of `cout` for a family of quotient familial `qf`.

    The family pays its bracket's percentage of the cost, rounded to the cent (half up); the
    PRE pays the rest, so that both always add up to the cost. No known quotient familial, or
    none of the brackets holds it: the PRE pays everything.
    """
    cout = Decimal(cout)
    tranche = tranche_de(qf, tranches)
    if tranche is None:
        return Decimal("0.00"), cout.quantize(CENT)
    famille = (cout * Decimal(tranche.part_famille) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return famille, (cout - famille).quantize(CENT)


def grille(contrat):
    """The brackets of the contract's grid, lowest first."""
    return list(TrancheTarifaire.objects.filter(contrat=contrat).order_by("qf_min"))


def verifier_grille(lignes):
    """The errors of a grid typed as `lignes` (dicts with qf_min, qf_max, part_famille):
    {index in lignes: {field: French message}}. The brackets, sorted by their lower bound,
    start at 0 €, follow each other without gap nor overlap, and only the last one has no
    upper bound."""
    erreurs = {}
    ordre = sorted(range(len(lignes)), key=lambda i: lignes[i]["qf_min"])

    def erreur(index, champ, message):
        erreurs.setdefault(index, {}).setdefault(champ, message)

    for index, ligne in enumerate(lignes):
        part = ligne["part_famille"]
        if part is None or not Decimal("0") <= part <= Decimal("100"):
            erreur(index, "part_famille", "La part de la famille est comprise entre 0 et 100 %.")
        if ligne["qf_max"] is not None and ligne["qf_max"] < ligne["qf_min"]:
            erreur(index, "qf_max", "La borne haute précède la borne basse.")
    if ordre and lignes[ordre[0]]["qf_min"] != 0:
        erreur(ordre[0], "qf_min", "La première tranche commence à 0 €.")
    for precedent, suivant in zip(ordre, ordre[1:], strict=False):
        haut = lignes[precedent]["qf_max"]
        bas = lignes[suivant]["qf_min"]
        if haut is None:
            erreur(precedent, "qf_max", "Seule la dernière tranche est sans limite haute.")
        elif bas <= haut:
            erreur(suivant, "qf_min", f"Cette tranche chevauche la précédente (jusqu'à {haut} €).")
        elif bas > haut + 1:
            erreur(
                suivant,
                "qf_min",
                f"Il manque les quotients de {haut + 1} à {bas - 1} € : cette tranche commence "
                f"à {haut + 1} €.",
            )
    if ordre and lignes[ordre[-1]]["qf_max"] is not None:
        erreur(ordre[-1], "qf_max", "La dernière tranche est sans limite haute : laissez vide.")
    return erreurs


def quotient_familial(enfant):
    """The highest known quotient familial of the child's guardians (None if none is known).

    Reads `enfant.responsables` (prefetch it); the quotient is encrypted, so it is compared in
    Python."""
    connus = [
        r.quotient_familial for r in enfant.responsables.all() if r.quotient_familial is not None
    ]
    return max(connus) if connus else None


# The active file and the waiting list -----------------------------------------------------


def plafond(contrat):
    """The cap of the contract's active file (35 when the PRE is not configured yet)."""
    config = ConfigurationPRE.objects.filter(contrat=contrat).only("plafond_file_active").first()
    return config.plafond_file_active if config else PLAFOND_PAR_DEFAUT


def nb_actifs(contrat):
    return Parcours.objects.filter(enfant__contrat=contrat, etat=EtatParcours.ACTIF).count()


def parcours_du_contrat(user, contrat):
    """The pathways of `contrat` the PRE staff member `user` reaches."""
    return Parcours.objects.for_user(user).filter(enfant__contrat=contrat)


@dataclass
class FileActive:
    """The file of the contract; `total_actifs` counts every active pathway (the cap is the
    contract's), `actifs` those shown (one référent's, when filtered)."""

    plafond: int
    total_actifs: int
    actifs: list
    attente: list
    clos: list
    annee: int

    @property
    def places_libres(self):
        return max(self.plafond - self.total_actifs, 0)


def referents_queryset(contrat):
    """The PRE staff of the contract (the référents a pathway may be given to)."""
    return (
        User.objects.filter(contrats=contrat, roles__code=RoleCode.REFERENT_PRE)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def file_active(*, user, contrat, referent=None, annee=None):
    """The active file of `contrat` (with its cap), the waiting list (oldest first) and the
    pathways closed in `annee` (this year by default), optionally those of one référent.
    The cap counts every active pathway of the contract, whatever the filter."""
    annee = annee or timezone.localdate().year
    queryset = parcours_du_contrat(user, contrat).select_related("enfant", "referent")
    tous_actifs = nb_actifs(contrat)
    if referent is not None:
        queryset = queryset.filter(referent=referent)
    lignes = list(
        queryset.filter(
            Q(etat__in=[EtatParcours.ACTIF, EtatParcours.EN_ATTENTE])
            | Q(etat=EtatParcours.CLOS, date_sortie__year=annee)
        )
    )
    aujourdhui = timezone.localdate()
    for parcours in lignes:
        parcours.age = parcours.enfant.age(aujourdhui)
    actifs = sorted(
        (p for p in lignes if p.etat == EtatParcours.ACTIF),
        key=lambda p: (p.enfant.nom_complet.lower(), p.pk),
    )
    attente = sorted(
        (p for p in lignes if p.etat == EtatParcours.EN_ATTENTE),
        key=lambda p: (p.date_inscription, p.pk),
    )
    clos = sorted(
        (p for p in lignes if p.etat == EtatParcours.CLOS),
        key=lambda p: (p.date_sortie, p.pk),
        reverse=True,
    )
    return FileActive(
        plafond=plafond(contrat),
        total_actifs=tous_actifs,
        actifs=actifs,
        attente=attente,
        clos=clos,
        annee=annee,
    )


def parcours_detail(*, user, contrat, pk):
    """One pathway of the contract with its child, guardians, actions and reviews; the
    queryset for get_object_or_404."""
    return (
        parcours_du_contrat(user, contrat)
        .select_related("enfant", "referent", "reperage")
        .prefetch_related(
            Prefetch("enfant__responsables", queryset=ResponsableLegal.objects.order_by("id")),
            Prefetch(
                "actions",
                queryset=ActionParcours.objects.select_related("prestataire").order_by(
                    "date", "id"
                ),
            ),
            Prefetch(
                "revues", queryset=RevueParcours.objects.select_related("auteur").order_by("date")
            ),
        )
        .filter(pk=pk)
    )


def totaux_actions(actions):
    """Cost, family share and PRE share summed over `actions`."""
    return {
        "cout": sum((a.cout for a in actions), Decimal("0")),
        "famille": sum((a.part_famille for a in actions), Decimal("0")),
        "pre": sum((a.part_pre for a in actions), Decimal("0")),
    }


def organisations_choix(user):
    """The directory of organisations `user` reads (the PRE's staff read it: they are in
    cdv.models.DIRECTORY_ROLES), for a funder, a provider or a referrer."""
    return Organisation.objects.for_user(user).filter(active=True).order_by("nom")


# The budget --------------------------------------------------------------------------------


@dataclass
class LigneAnnee:
    annee: int
    budget: Decimal
    depense: Decimal

    @property
    def reste(self):
        return self.budget - self.depense

    @property
    def taux(self):
        """Spent as a percentage of the budget (None without budget)."""
        if not self.budget:
            return None
        return (self.depense * 100 / self.budget).quantize(Decimal("0.1"))


@dataclass
class BudgetAnnuel:
    contrat: object
    annee: int
    financeurs: list
    total: LigneAnnee
    evolution: list
    annees: list


def depenses_par_annee(contrat):
    """{year: sum of the PRE shares of the contract's pathways' actions dated that year}."""
    lignes = (
        ActionParcours.objects.filter(parcours__enfant__contrat=contrat)
        .values("date__year")
        .annotate(total=Sum("part_pre"))
        .order_by()
    )
    return {ligne["date__year"]: ligne["total"] or Decimal("0") for ligne in lignes}


def budget_annuel(*, contrat, annee=None):
    """The budget of `annee` per funder against what the PRE spent that year (its shares of
    the pathways' actions dated that year), and both over the years. `annee` defaults to the
    current year."""
    annee = annee or timezone.localdate().year
    budgets = list(
        BudgetPRE.objects.filter(contrat=contrat)
        .select_related("financeur")
        .order_by("annee", "financeur__nom")
    )
    depenses = depenses_par_annee(contrat)
    par_annee = {}
    for budget in budgets:
        par_annee[budget.annee] = par_annee.get(budget.annee, Decimal("0")) + budget.montant
    annees = sorted(set(par_annee) | set(depenses) | {annee})
    evolution = [
        LigneAnnee(a, par_annee.get(a, Decimal("0")), depenses.get(a, Decimal("0"))) for a in annees
    ]
    return BudgetAnnuel(
        contrat=contrat,
        annee=annee,
        financeurs=[b for b in budgets if b.annee == annee],
        total=next(ligne for ligne in evolution if ligne.annee == annee),
        evolution=evolution,
        annees=annees,
    )


def satisfaction_lignes(parcours):
    """The family's questionnaire as (question, answer label) pairs, and its comment."""
    donnees = parcours.satisfaction or {}
    libelles = dict(ECHELLE_SATISFACTION)
    lignes = [
        (question, libelles.get(donnees.get(code), "Sans réponse"))
        for code, question in QUESTIONS_SATISFACTION
    ]
    return lignes, donnees.get("commentaire", "")
