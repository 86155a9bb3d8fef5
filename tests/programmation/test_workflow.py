"""The workflow table, proved: every step refused from every other state, allowed to exactly
the roles of the table acting on this very action, the happy path and its timeline, the
append-only history, and one step taken once under concurrency (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from cdv.enums import RoleCode
from programmation import perms, services
from programmation.enums import TRANSITIONS, EtatAction, NatureFinancement, SensAvis
from programmation.models import Action, TransitionAction
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    mettre_a_l_etat,
    remplir_bilan,
    solliciter,
)

COMMENTAIRE = "Motif communiqué au porteur."
REFUSED_STATES = [
    (code, etat)
    for code, transition in TRANSITIONS.items()
    for etat in EtatAction
    if etat not in transition.sources
]
VALID_SOURCES = [
    (code, etat) for code, transition in TRANSITIONS.items() for etat in sorted(transition.sources)
]
# Every role of the instance, someone signed in without a role, the anonymous visitor, root.
PROFILS = [*RoleCode.values, "sans_role", "anonyme", "superuser"]


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """A complete application of the porteur on `contrat`, asking the agglo for 6 000 € and
    the État (the partner's préfecture) for 3 000 €, with the amounts the committee granted,
    and a bilan ready to deposit."""
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    solliciter(action, partenaire_etat.organisation, "3000")
    action.financements.update(montant_accorde=Decimal("2000"))
    remplir_bilan(action)
    return action


def _acting(profil, action, partenaire_etat):
    """A user holding `profil` as close to the action as that role can be: porteurs of its
    organisation, staff of its contract, the solicited funder's instructor; other roles in the
    solicited funder's organisation and on the contract."""
    contrat = action.appel.contrat
    if profil == "anonyme":
        return AnonymousUser()
    if profil == "superuser":
        return factories.UserFactory(is_superuser=True, organisation=None)
    if profil == "sans_role":
        return factories.UserFactory(organisation=action.porteur, contrats=[contrat])
    if profil == RoleCode.PORTEUR:
        return factories.UserFactory(organisation=action.porteur, roles=[profil])
    if profil == RoleCode.ADMIN_PDV:
        return factories.UserFactory(organisation=contrat.epci, roles=[profil], contrats=[contrat])
    return factories.UserFactory(
        organisation=partenaire_etat.organisation, roles=[profil], contrats=[contrat]
    )


def _assert_refused(action, user, code, etat):
    with pytest.raises(PermissionDenied):
        services.action_transition(action=action, code=code, user=user, commentaire=COMMENTAIRE)
    action.refresh_from_db()
    assert action.etat == etat
    assert not TransitionAction.objects.filter(action=action).exists()


def _assert_allowed(action, user, code, etat):
    result = services.action_transition(
        action=action, code=code, user=user, commentaire=COMMENTAIRE
    )
    action.refresh_from_db()
    assert result.etat == action.etat == TRANSITIONS[code].target
    step = TransitionAction.objects.get(action=action)
    assert (step.code, step.etat_avant, step.etat_apres, step.auteur_id, step.commentaire) == (
        code,
        etat,
        TRANSITIONS[code].target,
        user.pk,
        COMMENTAIRE,
    )


@pytest.mark.parametrize(
    ("code", "etat"), REFUSED_STATES, ids=[f"{c}-{e}" for c, e in REFUSED_STATES]
)
def test_it_refuses_a_step_from_a_state_outside_its_sources(action, partenaire_etat, code, etat):
    # The first role the table allows, acting on this action: only the state stands in the way.
    role = sorted(TRANSITIONS[code].roles)[0]
    user = _acting(role, action, partenaire_etat)
    mettre_a_l_etat(action, etat)

    _assert_refused(action, user, code, etat)


@pytest.mark.parametrize("code", TRANSITIONS)
def test_it_refuses_a_superuser_too_from_a_wrong_state(action, superuser, code):
    etat = next(e for e in EtatAction if e not in TRANSITIONS[code].sources)
    mettre_a_l_etat(action, etat)

    _assert_refused(action, superuser, code, etat)


@pytest.mark.parametrize(
    ("code", "etat", "profil"),
    [(code, etat, profil) for code, etat in VALID_SOURCES for profil in PROFILS],
    ids=[f"{code}-{etat}-{profil}" for code, etat in VALID_SOURCES for profil in PROFILS],
)
def test_it_allows_a_step_to_exactly_the_roles_of_the_table(
    action, partenaire_etat, code, etat, profil
):
    user = _acting(profil, action, partenaire_etat)
    mettre_a_l_etat(action, etat)
    allowed = profil == "superuser" or profil in TRANSITIONS[code].roles

    assert perms.can_transition(user, action, code) is allowed
    if allowed:
        _assert_allowed(action, user, code, etat)
    else:
        _assert_refused(action, user, code, etat)


def _porteur_autre_organisation(action, outsider, **_):
    return outsider


def _admin_autre_contrat(action, agent_autre_contrat, **_):
    return agent_autre_contrat


def _instructeur_non_sollicite(action, **_):
    departement = factories.OrganisationFactory(nom="Département de l'Aude", rna="")
    return factories.UserFactory(
        organisation=departement,
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[action.appel.contrat],
    )


def _instructeur_sollicite_hors_contrat(action, partenaire_etat, autre_contrat, **_):
    # The solicited organisation, but this person works on another contract.
    return factories.UserFactory(
        organisation=partenaire_etat.organisation,
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[autre_contrat],
    )


ETRANGERS = {
    RoleCode.PORTEUR: [_porteur_autre_organisation],
    RoleCode.ADMIN_PDV: [_admin_autre_contrat],
    RoleCode.INSTRUCTEUR_FINANCEUR: [
        _instructeur_non_sollicite,
        _instructeur_sollicite_hors_contrat,
    ],
}
CASES_ETRANGERS = [
    (code, etrangers)
    for code, transition in TRANSITIONS.items()
    for role in sorted(transition.roles)
    for etrangers in ETRANGERS[role]
]


@pytest.mark.parametrize(
    ("code", "etranger"),
    CASES_ETRANGERS,
    ids=[f"{code}-{fn.__name__.strip('_')}" for code, fn in CASES_ETRANGERS],
)
def test_it_refuses_the_right_role_acting_on_someone_elses_action(
    action, partenaire_etat, outsider, agent_autre_contrat, autre_contrat, code, etranger
):
    user = etranger(
        action,
        partenaire_etat=partenaire_etat,
        outsider=outsider,
        agent_autre_contrat=agent_autre_contrat,
        autre_contrat=autre_contrat,
    )
    etat = sorted(TRANSITIONS[code].sources)[0]
    mettre_a_l_etat(action, etat)

    assert perms.can_transition(user, action, code) is False
    _assert_refused(action, user, code, etat)


def test_it_offers_each_persona_the_steps_of_the_table(action, porteur, agent_agglo):
    mettre_a_l_etat(action, EtatAction.EN_INSTRUCTION)

    assert [t.code for t in perms.available_transitions(porteur, action)] == ["abandonner"]
    assert [t.code for t in perms.available_transitions(agent_agglo, action)] == [
        "demander_complements",
        "solliciter_avis",
    ]


@pytest.mark.parametrize("code", sorted(services.COMMENT_REQUIRED))
def test_it_requires_a_comment_in_french(action, agent_agglo, code):
    etat = sorted(TRANSITIONS[code].sources)[0]
    mettre_a_l_etat(action, etat)

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code=code, user=agent_agglo, commentaire="  ")

    assert exc.value.message_dict == {"commentaire": ["Expliquez cette décision au porteur."]}
    action.refresh_from_db()
    assert action.etat == etat
    assert not action.transitions.exists()


def test_it_does_not_programme_without_a_granted_amount(action, agent_agglo):
    action.financements.update(montant_accorde=None)
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="programmer", user=agent_agglo)

    assert exc.value.message_dict == {
        "financements": ["Indiquez le montant accordé par au moins un financeur."]
    }
    action.refresh_from_db()
    assert action.etat == EtatAction.AVIS_FINANCEURS
    assert not action.transitions.exists()


def test_it_rejects_an_unknown_step(action, superuser):
    with pytest.raises(ValidationError, match="Étape inconnue : publier."):
        services.action_transition(action=action, code="publier", user=superuser)


def test_it_runs_the_whole_circuit_and_shows_it_on_the_timeline(
    contrat, porteur, agent_agglo, partenaire_etat
):
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    etat = solliciter(action, partenaire_etat.organisation, "3000")
    agglo = action.financements.get(financeur=contrat.epci)

    def step(user, code, commentaire=""):
        return services.action_transition(
            action=action, code=code, user=user, commentaire=commentaire
        )

    assert step(porteur, "deposer").deposee_le is not None
    assert step(agent_agglo, "instruire").instructeur == agent_agglo
    with pytest.raises(ValidationError) as exc:
        step(agent_agglo, "demander_complements")
    assert exc.value.message_dict == {"commentaire": ["Expliquez cette décision au porteur."]}
    step(agent_agglo, "demander_complements", "Merci de joindre le RIB.")
    step(porteur, "completer", "RIB joint.")
    step(agent_agglo, "solliciter_avis")

    avis = services.avis_record(
        action=action,
        user=partenaire_etat,
        sens=SensAvis.FAVORABLE,
        montant_propose=Decimal("2500"),
        commentaire="Action utile au quartier.",
        annotation_privee="Porteur fiable.",
    )
    assert (avis.financeur, avis.auteur, avis.sens) == (
        partenaire_etat.organisation,
        partenaire_etat,
        SensAvis.FAVORABLE,
    )
    etat.refresh_from_db()
    agglo.refresh_from_db()
    assert etat.montant_propose == Decimal("2500.00")
    assert agglo.montant_propose is None

    services.comite_decide(
        action=action,
        user=agent_agglo,
        code="programmer",
        montants={agglo.pk: Decimal("6000"), etat.pk: Decimal("2500")},
        commentaire="Comité du 10 avril.",
    )
    assert sorted(action.financements.values_list("montant_accorde", flat=True)) == [
        Decimal("2500.00"),
        Decimal("6000.00"),
    ]
    step(agent_agglo, "conventionner")
    step(agent_agglo, "attendre_bilan")
    remplir_bilan(action)
    step(porteur, "deposer_bilan", "Bilan 2026 joint.")
    step(agent_agglo, "solder")

    action.refresh_from_db()
    assert action.etat == EtatAction.SOLDEE
    E = EtatAction
    assert [
        (t.code, t.auteur, t.etat_avant, t.etat_apres, t.commentaire)
        for t in action.transitions.all()
    ] == [
        ("deposer", porteur, E.BROUILLON, E.DEPOSEE, ""),
        ("instruire", agent_agglo, E.DEPOSEE, E.EN_INSTRUCTION, ""),
        (
            "demander_complements",
            agent_agglo,
            E.EN_INSTRUCTION,
            E.A_COMPLETER,
            "Merci de joindre le RIB.",
        ),
        ("completer", porteur, E.A_COMPLETER, E.EN_INSTRUCTION, "RIB joint."),
        ("solliciter_avis", agent_agglo, E.EN_INSTRUCTION, E.AVIS_FINANCEURS, ""),
        ("programmer", agent_agglo, E.AVIS_FINANCEURS, E.PROGRAMMEE, "Comité du 10 avril."),
        ("conventionner", agent_agglo, E.PROGRAMMEE, E.CONVENTIONNEE, ""),
        ("attendre_bilan", agent_agglo, E.CONVENTIONNEE, E.BILAN_ATTENDU, ""),
        ("deposer_bilan", porteur, E.BILAN_ATTENDU, E.BILAN_DEPOSE, "Bilan 2026 joint."),
        ("solder", agent_agglo, E.BILAN_DEPOSE, E.SOLDEE, ""),
    ]
    dates = [t.date for t in action.transitions.all()]
    assert dates == sorted(dates)


def test_a_funder_revises_its_opinion_and_only_a_solicited_one_may(
    action, partenaire_etat, lecteur
):
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)
    services.avis_record(action=action, user=partenaire_etat, sens=SensAvis.RESERVE)
    services.avis_record(
        action=action,
        user=partenaire_etat,
        sens=SensAvis.DEFAVORABLE,
        montant_propose=Decimal("0"),
        commentaire="Hors priorités.",
    )

    avis = action.avis.get()
    assert (avis.sens, avis.montant_propose, avis.commentaire) == (
        SensAvis.DEFAVORABLE,
        Decimal("0.00"),
        "Hors priorités.",
    )
    with pytest.raises(PermissionDenied):
        services.avis_record(action=action, user=lecteur, sens=SensAvis.FAVORABLE)


def test_an_invalid_opinion_writes_nothing(action, partenaire_etat):
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)

    with pytest.raises(ValidationError) as exc:
        services.avis_record(
            action=action, user=partenaire_etat, sens="enthousiaste", montant_propose="-5"
        )

    assert set(exc.value.message_dict) == {"sens", "montant_propose"}
    assert not action.avis.exists()
    assert not action.financements.filter(montant_propose__isnull=False).exists()


def test_no_opinion_outside_the_opinion_phase(action, partenaire_etat):
    mettre_a_l_etat(action, EtatAction.EN_INSTRUCTION)

    with pytest.raises(PermissionDenied):
        services.avis_record(action=action, user=partenaire_etat, sens=SensAvis.FAVORABLE)


def test_the_committee_writes_no_amount_for_someone_who_cannot_decide(action, partenaire_etat):
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)
    financement = action.financements.first()

    with pytest.raises(PermissionDenied):
        services.comite_decide(
            action=action,
            user=partenaire_etat,
            code="programmer",
            montants={financement.pk: Decimal("999")},
        )

    financement.refresh_from_db()
    assert financement.montant_accorde == Decimal("2000.00")


@pytest.mark.parametrize(
    ("montants", "message"),
    [
        ({0: Decimal("10")}, "Ce financement n'est pas sur l'action."),
        ("negatif", "Un montant accordé ne peut être négatif."),
    ],
)
def test_the_committee_refuses_wrong_amounts(action, agent_agglo, montants, message):
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)
    if montants == "negatif":
        montants = {action.financements.first().pk: Decimal("-1")}

    with pytest.raises(ValidationError) as exc:
        services.comite_decide(
            action=action, user=agent_agglo, code="programmer", montants=montants
        )

    assert exc.value.message_dict == {"financements": [message]}
    action.refresh_from_db()
    assert action.etat == EtatAction.AVIS_FINANCEURS


def test_the_committee_refuses_with_a_reason(action, agent_agglo):
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)

    services.comite_decide(
        action=action, user=agent_agglo, code="refuser", commentaire="Enveloppe épuisée."
    )

    action.refresh_from_db()
    assert action.etat == EtatAction.REFUSEE
    assert action.transitions.get().commentaire == "Enveloppe épuisée."


@pytest.mark.parametrize("etat", sorted(TRANSITIONS["abandonner"].sources))
def test_the_porteur_abandons_before_the_committee(action, porteur, etat):
    mettre_a_l_etat(action, etat)

    services.action_transition(action=action, code="abandonner", user=porteur)

    action.refresh_from_db()
    assert action.etat == EtatAction.ABANDONNEE


@pytest.mark.parametrize("etat", [EtatAction.PROGRAMMEE, EtatAction.REFUSEE, EtatAction.SOLDEE])
def test_the_porteur_cannot_abandon_after_the_committee(action, porteur, etat):
    mettre_a_l_etat(action, etat)

    _assert_refused(action, porteur, "abandonner", etat)


def test_declaring_not_carried_out_obeys_the_table(action, porteur):
    mettre_a_l_etat(action, EtatAction.CONVENTIONNEE)

    with pytest.raises(PermissionDenied):
        services.action_declare_non_realisee(
            action=action, user=porteur, montant_a_reverser=Decimal("10")
        )

    action.refresh_from_db()
    assert (action.etat, action.montant_a_reverser) == (EtatAction.CONVENTIONNEE, None)


def test_the_history_cannot_be_changed_nor_deleted(action, porteur):
    services.action_transition(action=action, code="deposer", user=porteur)
    step = action.transitions.get()

    step.commentaire = "Réécrit"
    with pytest.raises(ValidationError, match="ne se modifie pas"):
        step.save()
    with pytest.raises(ValidationError, match="ne se supprime pas"):
        step.delete()
    with pytest.raises(ValidationError, match="ne se modifie pas"):
        TransitionAction.objects.filter(pk=step.pk).update(commentaire="Réécrit")
    with pytest.raises(ValidationError, match="ne se supprime pas"):
        action.transitions.all().delete()

    step.refresh_from_db()
    assert step.commentaire == ""


def test_deleting_an_action_still_takes_its_history(action, porteur):
    services.action_transition(action=action, code="abandonner", user=porteur)

    Action.objects.filter(pk=action.pk).delete()

    assert not TransitionAction.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (SELECT … FOR UPDATE) are only real on PostgreSQL, SQLite serialises "
    "whole transactions / les verrous de ligne ne se vérifient que sur PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_same_step_at_once_take_it_once(contrat, porteur):
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    mettre_a_l_etat(action, EtatAction.DEPOSEE)
    agents = [
        factories.UserFactory(
            organisation=contrat.epci, roles=[RoleCode.ADMIN_PDV], contrats=[contrat]
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(len(agents))
    outcomes = {}

    def take(agent):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.action_transition(action=action, code="instruire", user=agent)
                # Hold the row lock a little so the other attempt has to wait for it.
                threading.Event().wait(0.3)
            outcomes[agent.pk] = "ok"
        except PermissionDenied:
            outcomes[agent.pk] = "refusé"
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["ok", "refusé"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "ok")
    step = TransitionAction.objects.get(action=action)
    action.refresh_from_db()
    assert (step.auteur_id, action.instructeur_id, action.etat) == (
        winner,
        winner,
        EtatAction.EN_INSTRUCTION,
    )


def test_a_funder_asked_under_both_natures_proposes_once(action, partenaire_etat):
    prefecture = partenaire_etat.organisation
    solliciter(action, prefecture, "1000", nature=NatureFinancement.DROIT_COMMUN)
    mettre_a_l_etat(action, EtatAction.AVIS_FINANCEURS)

    services.avis_record(
        action=action, user=partenaire_etat, sens=SensAvis.FAVORABLE, montant_propose="2500"
    )

    proposals = dict(
        action.financements.filter(financeur=prefecture).values_list("nature", "montant_propose")
    )
    # 2 500 € on the crédits spécifiques line, nothing on droit commun: counted once.
    assert proposals == {
        NatureFinancement.SPECIFIQUE: Decimal("2500.00"),
        NatureFinancement.DROIT_COMMUN: None,
    }
