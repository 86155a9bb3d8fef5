"""Reads of the programmation: the only place its figures are computed.

By subject: one action's budget (base), the bilan physico-financier (pbf), conventions,
payments and budget gaps of one action (suivi), the funders' opinions, the committee pack
and late bilans (comite), the funded actions of one quartier (quartier). Callers use
`selectors.<name>`.
"""

from programmation.selectors.base import TotauxBudget, budget_totaux, montant_demande_total
from programmation.selectors.comite import (
    ActionComite,
    BilanEnRetard,
    DossierComite,
    LigneComite,
    appels_en_comite,
    avis_a_donner,
    bilans_en_retard,
    dossier_comite,
)
from programmation.selectors.pbf import (
    BilanPhysicoFinancier,
    PbfAnnee,
    PbfFinanceur,
    PbfPilier,
    PbfQuartier,
    bilan_physico_financier,
)
from programmation.selectors.quartier import (
    ActionDuQuartier,
    ActionsDuQuartier,
    actions_du_quartier,
)
from programmation.selectors.suivi import (
    DELAI_VERSEMENT_JOURS,
    EcartLigne,
    MontantsFinanceur,
    VersementEnRetard,
    ecarts_budget,
    montants_verses,
    total_verse,
    verse_sur_convention,
    versements_en_retard,
)

__all__ = [
    "DELAI_VERSEMENT_JOURS",
    "VersementEnRetard",
    "versements_en_retard",
    "ActionDuQuartier",
    "ActionsDuQuartier",
    "ActionComite",
    "BilanEnRetard",
    "BilanPhysicoFinancier",
    "DossierComite",
    "EcartLigne",
    "LigneComite",
    "MontantsFinanceur",
    "PbfAnnee",
    "PbfFinanceur",
    "PbfPilier",
    "PbfQuartier",
    "TotauxBudget",
    "actions_du_quartier",
    "appels_en_comite",
    "avis_a_donner",
    "bilan_physico_financier",
    "bilans_en_retard",
    "budget_totaux",
    "dossier_comite",
    "ecarts_budget",
    "montant_demande_total",
    "montants_verses",
    "total_verse",
    "verse_sur_convention",
]
