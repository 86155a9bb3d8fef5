"""Who sees which calls, actions and records of actions, and the rules of perms.py."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from cdv.enums import RoleCode
from programmation import perms
from programmation.enums import EtatAction, EtatAppel, SensAvis
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Financement,
    Indicateur,
    LigneBudget,
    TransitionAction,
)
from tests import factories
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    FinancementFactory,
    LigneBudgetFactory,
    QuartierFactory,
    mettre_a_l_etat,
)

E = EtatAction


@pytest.fixture
def instructeur_non_sollicite(contrat):
    """Instructor of the Département, on the contract but asked for nothing."""
    return factories.UserFactory(
        email="instructeur@aude.fr",
        organisation=factories.OrganisationFactory(nom="Département de l'Aude", rna=""),
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )


@pytest.fixture
def anonyme():
    return AnonymousUser()


@pytest.fixture
def monde(contrat, autre_contrat, porteur, outsider, partenaire_etat, agent_agglo):
    """Calls and actions of both contracts, each action with one record of every kind."""
    etat = partenaire_etat.organisation
    appels = {
        "ouvert": AppelFactory(contrat=contrat, titre="AAP 2026"),
        "preparation": AppelFactory(
            contrat=contrat, titre="AAP 2027", annee=2027, etat=EtatAppel.EN_PREPARATION
        ),
        "autre_ouvert": AppelFactory(contrat=autre_contrat, titre="AAP Narbonne 2026"),
        "autre_preparation": AppelFactory(
            contrat=autre_contrat,
            titre="AAP Narbonne 2027",
            annee=2027,
            etat=EtatAppel.EN_PREPARATION,
        ),
        "autre_clos": AppelFactory(
            contrat=autre_contrat, titre="AAP Narbonne 2025", annee=2025, etat=EtatAppel.CLOS
        ),
    }
    specs = {
        # name: (call, porteur, state, funders solicited)
        "brouillon": ("ouvert", porteur, E.BROUILLON, [etat]),
        "deposee": ("ouvert", porteur, E.DEPOSEE, [etat, contrat.epci]),
        "autre_asso": ("ouvert", outsider, E.EN_INSTRUCTION, [contrat.epci]),
        "autre_asso_brouillon": ("ouvert", outsider, E.BROUILLON, [contrat.epci]),
        "porteur_a_narbonne": ("autre_clos", porteur, E.PROGRAMMEE, [autre_contrat.epci]),
        "narbonne": ("autre_ouvert", outsider, E.DEPOSEE, [autre_contrat.epci]),
    }
    actions = {}
    for name, (appel, user, etat_action, financeurs) in specs.items():
        action = ActionFactory(appel=appels[appel], porteur=user.organisation, intitule=name)
        mettre_a_l_etat(action, etat_action)
        for financeur in financeurs:
            FinancementFactory(action=action, financeur=financeur)
        LigneBudgetFactory(action=action)
        Avis.objects.create(
            action=action, financeur=financeurs[0], auteur=agent_agglo, sens=SensAvis.FAVORABLE
        )
        TransitionAction.objects.create(
            action=action,
            code="deposer",
            etat_avant=E.BROUILLON,
            etat_apres=etat_action,
            auteur=user,
        )
        ActionQuartier.objects.create(
            action=action, quartier=QuartierFactory(contrat=action.appel.contrat), part=100
        )
        Indicateur.objects.create(action=action, libelle="Participants", cible=Decimal("10"))
        actions[name] = action
    return appels, actions


ACTIONS_VISIBLES = {
    "porteur": {"brouillon", "deposee", "porteur_a_narbonne"},
    "outsider": {"autre_asso", "autre_asso_brouillon", "narbonne"},
    "agent_agglo": {"deposee", "autre_asso"},
    "lecteur": {"deposee", "autre_asso"},
    "partenaire_etat": {"deposee"},
    "instructeur_non_sollicite": set(),
    # Another contract's agent sees nothing of Carcassonne, and Narbonne's deposited actions.
    "agent_autre_contrat": {"porteur_a_narbonne", "narbonne"},
    "anonyme": set(),
    "superuser": {
        "brouillon",
        "deposee",
        "autre_asso",
        "autre_asso_brouillon",
        "porteur_a_narbonne",
        "narbonne",
    },
}


@pytest.mark.parametrize(("persona", "visibles"), ACTIONS_VISIBLES.items())
def test_each_persona_sees_its_actions(request, monde, persona, visibles):
    user = request.getfixturevalue(persona)

    seen = list(Action.objects.for_user(user).values_list("intitule", flat=True))

    assert sorted(seen) == sorted(visibles)


@pytest.mark.parametrize("persona", ACTIONS_VISIBLES)
@pytest.mark.parametrize(
    "model", [Financement, LigneBudget, Avis, TransitionAction, ActionQuartier, Indicateur]
)
def test_records_of_an_action_follow_it(request, monde, persona, model):
    user = request.getfixturevalue(persona)
    _, actions = monde

    seen = model.objects.for_user(user)

    expected = model.objects.filter(
        action__in=[actions[name] for name in ACTIONS_VISIBLES[persona]]
    )
    assert sorted(seen.values_list("pk", flat=True)) == sorted(
        expected.values_list("pk", flat=True)
    )


APPELS_VISIBLES = {
    # Porteurs: open calls of any contract, and the calls they answered.
    "porteur": {"AAP 2026", "AAP Narbonne 2026", "AAP Narbonne 2025"},
    "outsider": {"AAP 2026", "AAP Narbonne 2026"},
    "agent_agglo": {"AAP 2026", "AAP 2027"},
    "lecteur": {"AAP 2026", "AAP 2027"},
    "partenaire_etat": {"AAP 2026", "AAP 2027"},
    "agent_autre_contrat": {"AAP Narbonne 2026", "AAP Narbonne 2027", "AAP Narbonne 2025"},
    "anonyme": set(),
    "superuser": {
        "AAP 2026",
        "AAP 2027",
        "AAP Narbonne 2026",
        "AAP Narbonne 2027",
        "AAP Narbonne 2025",
    },
}


@pytest.mark.parametrize(("persona", "visibles"), APPELS_VISIBLES.items())
def test_each_persona_sees_its_calls_once(request, monde, persona, visibles):
    user = request.getfixturevalue(persona)

    seen = list(AppelAProjets.objects.for_user(user).values_list("titre", flat=True))

    assert sorted(seen) == sorted(visibles)


LIT_ANNOTATIONS = {
    "agent_agglo": True,
    "partenaire_etat": True,
    "superuser": True,
    "instructeur_non_sollicite": False,
    "lecteur": False,
    "porteur": False,
    "outsider": False,
    "agent_autre_contrat": False,
    "anonyme": False,
}


@pytest.mark.parametrize(("persona", "lit"), LIT_ANNOTATIONS.items())
def test_private_annotations_are_read_by_the_actions_instructors_only(request, monde, persona, lit):
    user = request.getfixturevalue(persona)
    _, actions = monde

    assert perms.can_read_private_annotations(user, actions["deposee"]) is lit


DONNE_AVIS = {
    "partenaire_etat": True,
    # The agglo's team decides; opinions are the partners' instructors' to give.
    "agent_agglo": False,
    "instructeur_non_sollicite": False,
    "lecteur": False,
    "porteur": False,
    "superuser": False,
    "anonyme": False,
}


@pytest.mark.parametrize(("persona", "donne"), DONNE_AVIS.items())
def test_a_solicited_funder_gives_its_opinion_in_the_opinion_phase(request, monde, persona, donne):
    user = request.getfixturevalue(persona)
    _, actions = monde
    action = mettre_a_l_etat(actions["deposee"], E.AVIS_FINANCEURS)

    assert perms.can_give_avis(user, action) is donne


@pytest.mark.parametrize("etat", [e for e in EtatAction if e != E.AVIS_FINANCEURS])
def test_no_opinion_is_given_in_another_state(monde, partenaire_etat, etat):
    _, actions = monde
    action = mettre_a_l_etat(actions["deposee"], etat)

    assert perms.can_give_avis(partenaire_etat, action) is False


MODIFIE = {
    "porteur": True,
    "superuser": True,
    "outsider": False,
    "agent_agglo": False,
    "partenaire_etat": False,
    "anonyme": False,
}


@pytest.mark.parametrize(("persona", "modifie"), MODIFIE.items())
@pytest.mark.parametrize("etat", [E.BROUILLON, E.A_COMPLETER])
def test_the_porteur_edits_its_application_while_draft_or_to_complete(
    request, monde, persona, modifie, etat
):
    user = request.getfixturevalue(persona)
    _, actions = monde
    action = mettre_a_l_etat(actions["deposee"], etat)

    assert perms.can_edit_application(user, action) is modifie


@pytest.mark.parametrize("etat", [e for e in EtatAction if e not in (E.BROUILLON, E.A_COMPLETER)])
def test_nobody_edits_an_application_in_another_state(monde, porteur, superuser, etat):
    _, actions = monde
    action = mettre_a_l_etat(actions["deposee"], etat)

    assert perms.can_edit_application(porteur, action) is False
    assert perms.can_edit_application(superuser, action) is False
