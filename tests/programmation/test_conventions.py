"""Conventions: one per funder of a programmed action, for the amount it granted; a
multi-year one (CPO) prepares the following years' renewals; the action becomes
"conventionnée" when every funder that granted something has signed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programmation import services
from programmation.enums import EtatAction, EtatAppel, NatureFinancement
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Convention,
    MontantAnnuel,
)
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    AppelFactory,
    QuartierFactory,
    mettre_a_l_etat,
    solliciter,
)

SIGNATURE = datetime.date(2026, 5, 15)


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """Programmed on the 2026 call: the agglo was asked 6 000 € and granted 5 000 €, the État
    (the partner's préfecture) asked 3 000 € and granted 2 500 €. Two quartiers (70 / 30 %),
    one cross-cutting axis, one indicator (target 40)."""
    appel = AppelFactory(contrat=contrat, annee=2026, titre="Appel à projets 2026")
    action = ActionCompleteFactory(appel=appel, porteur=porteur.organisation)
    solliciter(action, partenaire_etat.organisation, "3000")
    action.financements.filter(financeur=contrat.epci).update(montant_accorde=Decimal("5000"))
    action.financements.filter(financeur=partenaire_etat.organisation).update(
        montant_accorde=Decimal("2500")
    )
    action.quartiers.update(part=Decimal("70"))
    ActionQuartier.objects.create(
        action=action, quartier=QuartierFactory(contrat=contrat), part=Decimal("30")
    )
    action.axes.add(factories.AxeTransversalFactory(contrat=contrat, nom="Jeunesse"))
    return mettre_a_l_etat(action, EtatAction.PROGRAMMEE)


def _convention(action, financeur, user, **kwargs):
    return services.convention_create(
        action=action, financeur=financeur, user=user, date_signature=SIGNATURE, **kwargs
    )


def test_one_convention_per_funder_then_the_action_is_conventionnee(
    action, contrat, agent_agglo, partenaire_etat
):
    agglo = _convention(action, contrat.epci, agent_agglo, numero=" 2026-CV-014 ")

    assert (agglo.montant, agglo.numero, agglo.pluriannuelle, agglo.annee_fin) == (
        Decimal("5000.00"),
        "2026-CV-014",
        False,
        None,
    )
    assert (agglo.date_signature, agglo.auteur) == (SIGNATURE, agent_agglo)
    action.refresh_from_db()
    # The État has not signed yet.
    assert action.etat == EtatAction.PROGRAMMEE
    assert not action.transitions.exists()

    etat = _convention(action, partenaire_etat.organisation, agent_agglo)

    assert etat.montant == Decimal("2500.00")
    action.refresh_from_db()
    assert action.etat == EtatAction.CONVENTIONNEE
    step = action.transitions.get()
    assert (step.code, step.auteur, step.etat_avant, step.commentaire) == (
        "conventionner",
        agent_agglo,
        EtatAction.PROGRAMMEE,
        "Conventions signées avec chaque financeur.",
    )
    # A yearly convention prepares no other year.
    assert not MontantAnnuel.objects.exists()
    assert not action.reconductions.exists()


def test_the_amount_is_everything_the_funder_granted_whatever_the_nature(
    action, contrat, agent_agglo
):
    # The agglo also grants 1 200 € of ordinary budget (droit commun): 5 000 + 1 200.
    solliciter(action, contrat.epci, "1500", nature=NatureFinancement.DROIT_COMMUN)
    action.financements.filter(nature=NatureFinancement.DROIT_COMMUN).update(
        montant_accorde=Decimal("1200")
    )

    assert _convention(action, contrat.epci, agent_agglo).montant == Decimal("6200.00")


def test_a_funder_that_granted_nothing_has_no_convention(action, agent_agglo, contrat):
    departement = factories.OrganisationFactory(nom="Département de l'Aude", rna="")
    action.financements.filter(financeur=contrat.epci).update(montant_accorde=Decimal("0"))

    for financeur in (departement, contrat.epci):
        with pytest.raises(ValidationError) as exc:
            _convention(action, financeur, agent_agglo)
        assert exc.value.message_dict == {
            "financeur": [f"{financeur.nom} n'a accordé aucun montant à cette action."]
        }
    assert not Convention.objects.exists()


def test_a_funder_signs_once(action, contrat, agent_agglo):
    _convention(action, contrat.epci, agent_agglo)

    with pytest.raises(ValidationError) as exc:
        _convention(action, contrat.epci, agent_agglo)

    assert exc.value.messages == ["Ce financeur a déjà une convention pour cette action."]
    assert Convention.objects.count() == 1


def test_a_convention_needs_its_signature_date(action, contrat, agent_agglo):
    with pytest.raises(ValidationError) as exc:
        services.convention_create(
            action=action, financeur=contrat.epci, user=agent_agglo, date_signature=None
        )

    assert list(exc.value.message_dict) == ["date_signature"]
    assert not Convention.objects.exists()


@pytest.mark.parametrize(
    "qui", ["porteur", "partenaire_etat", "lecteur", "agent_autre_contrat", "outsider"]
)
def test_only_the_contracts_pdv_team_signs_conventions(action, contrat, request, qui):
    user = request.getfixturevalue(qui)

    with pytest.raises(PermissionDenied):
        _convention(action, contrat.epci, user)

    assert not Convention.objects.exists()


@pytest.mark.parametrize("etat", [EtatAction.AVIS_FINANCEURS, EtatAction.BILAN_ATTENDU])
def test_conventions_are_signed_for_programmed_actions_only(action, contrat, agent_agglo, etat):
    mettre_a_l_etat(action, etat)

    with pytest.raises(PermissionDenied):
        _convention(action, contrat.epci, agent_agglo)


# Multi-year conventions (CPO) ---------------------------------------------------------------


def test_a_cpo_prepares_a_draft_renewal_for_each_following_year(
    action, contrat, agent_agglo, partenaire_etat, porteur
):
    # The 2027 call exists; the 2028 one will be created.
    appel_2027 = AppelFactory(
        contrat=contrat, annee=2027, titre="Appel à projets 2027", etat=EtatAppel.EN_PREPARATION
    )

    cpo = _convention(
        action, contrat.epci, agent_agglo, annees={2027: Decimal("5200"), "2028": "5400"}
    )

    assert (cpo.montant, cpo.pluriannuelle, cpo.annee_fin) == (Decimal("5000.00"), True, 2028)
    assert list(cpo.montants_annuels.values_list("annee", "montant")) == [
        (2026, Decimal("5000.00")),
        (2027, Decimal("5200.00")),
        (2028, Decimal("5400.00")),
    ]
    appel_2028 = AppelAProjets.objects.get(contrat=contrat, annee=2028)
    assert (appel_2028.titre, appel_2028.etat) == ("Appel à projets 2028", EtatAppel.EN_PREPARATION)

    suites = list(action.reconductions.order_by("appel__annee"))
    assert [s.appel for s in suites] == [appel_2027, appel_2028]
    for decalage, (suite, montant) in enumerate(zip(suites, ["5200", "5400"], strict=True), 1):
        assert (suite.etat, suite.est_reconduction, suite.reconduction_de, suite.porteur) == (
            EtatAction.BROUILLON,
            True,
            action,
            porteur.organisation,
        )
        assert (suite.intitule, suite.description, suite.pilier, suite.objectif) == (
            action.intitule,
            action.description,
            action.pilier,
            action.objectif,
        )
        assert (suite.date_debut, suite.date_fin) == (
            datetime.date(2026 + decalage, 9, 1),
            datetime.date(2027 + decalage, 6, 30),
        )
        assert list(suite.axes.values_list("nom", flat=True)) == ["Jeunesse"]
        assert sorted(suite.quartiers.values_list("quartier", "part")) == sorted(
            action.quartiers.values_list("quartier", "part")
        )
        assert list(suite.indicateurs.values_list("libelle", "cible", "realise")) == [
            ("Élèves suivis", Decimal("40.00"), None)
        ]
        # Only the funder that committed is asked, for the yearly amount.
        assert list(suite.financements.values_list("financeur", "nature", "montant_demande")) == [
            (contrat.epci.pk, NatureFinancement.SPECIFIQUE, Decimal(montant))
        ]
        # The forecast budget is copied; the agglo's subsidy line carries the yearly amount.
        assert sorted(
            suite.lignes_budget.values_list("compte", "financeur", "montant_previsionnel")
        ) == sorted(
            [
                ("61", None, Decimal("2000.00")),
                ("64", None, Decimal("3000.00")),
                ("64", None, Decimal("8000.00")),
                ("70", None, Decimal("4000.00")),
                ("74", contrat.epci.pk, Decimal(montant)),
                ("74", partenaire_etat.organisation.pk, Decimal("3000.00")),
            ]
        )
        assert not suite.lignes_budget.filter(montant_realise__isnull=False).exists()
        assert not suite.transitions.exists()

    # The État has not signed: the action waits.
    action.refresh_from_db()
    assert action.etat == EtatAction.PROGRAMMEE


def test_a_second_cpo_adds_its_funder_to_the_renewal_already_prepared(
    action, contrat, agent_agglo, partenaire_etat
):
    etat = partenaire_etat.organisation
    _convention(action, contrat.epci, agent_agglo, annees={2027: "5200", 2028: "5400"})

    _convention(action, etat, agent_agglo, annees={2027: "2600"})

    assert action.reconductions.count() == 2
    suite_2027 = action.reconductions.get(appel__annee=2027)
    assert sorted(suite_2027.financements.values_list("financeur", "montant_demande")) == sorted(
        [(contrat.epci.pk, Decimal("5200.00")), (etat.pk, Decimal("2600.00"))]
    )
    assert suite_2027.lignes_budget.get(financeur=etat).montant_previsionnel == Decimal("2600")
    suite_2028 = action.reconductions.get(appel__annee=2028)
    assert list(suite_2028.financements.values_list("financeur", flat=True)) == [contrat.epci.pk]
    action.refresh_from_db()
    assert action.etat == EtatAction.CONVENTIONNEE


def test_a_cpo_does_not_touch_a_renewal_already_deposited(action, contrat, agent_agglo):
    _convention(action, contrat.epci, agent_agglo, annees={2027: "5200"})
    mettre_a_l_etat(action.reconductions.get(), EtatAction.DEPOSEE)

    with pytest.raises(ValidationError) as exc:
        _convention(
            action,
            action.financements.exclude(financeur=contrat.epci).get().financeur,
            agent_agglo,
            annees={2027: "2600"},
        )

    assert exc.value.message_dict["annees"][0].startswith(
        "La reconduction de 2027 est déjà déposée"
    )
    assert action.conventions.count() == 1


CPO_MESSAGE = (
    "Une convention pluriannuelle couvre de 2 à 4 années consécutives à partir de 2026 : "
    "indiquez le montant de chaque année suivante (2027, puis au plus 2029)."
)


@pytest.mark.parametrize(
    ("annees", "message"),
    [
        ({2028: "1000"}, CPO_MESSAGE),
        ({2026: "1000"}, CPO_MESSAGE),
        ({2027: "1000", 2029: "1000"}, CPO_MESSAGE),
        ({2027: "1", 2028: "1", 2029: "1", 2030: "1"}, CPO_MESSAGE),
        ({"deux mille vingt-sept": "1"}, CPO_MESSAGE),
        ({2027: "0"}, "Indiquez un montant positif pour l'année 2027."),
        ({2027: "beaucoup"}, "Indiquez un montant en euros."),
    ],
)
def test_a_cpo_covers_two_to_four_consecutive_years(action, contrat, agent_agglo, annees, message):
    appels = AppelAProjets.objects.count()

    with pytest.raises(ValidationError) as exc:
        _convention(action, contrat.epci, agent_agglo, annees=annees)

    assert exc.value.message_dict == {"annees": [message]}
    assert not Convention.objects.exists()
    assert Action.objects.count() == 1
    assert AppelAProjets.objects.count() == appels


def test_a_cpo_stays_within_the_contract(action, contrat, agent_agglo):
    contrat.annee_fin = 2027
    contrat.save()

    with pytest.raises(ValidationError) as exc:
        _convention(action, contrat.epci, agent_agglo, annees={2027: "1000", 2028: "1000"})

    assert exc.value.message_dict == {
        "annees": ["La convention ne peut aller au-delà de la fin du contrat (2027)."]
    }
    assert not action.reconductions.exists()


# Scope and back office --------------------------------------------------------------------


def test_conventions_are_seen_with_their_action(
    action, contrat, agent_agglo, porteur, partenaire_etat, outsider, agent_autre_contrat
):
    cpo = _convention(action, contrat.epci, agent_agglo, annees={2027: "5200"})

    for user in (agent_agglo, porteur, partenaire_etat):
        assert list(Convention.objects.for_user(user)) == [cpo]
        assert MontantAnnuel.objects.for_user(user).count() == 2
    for user in (outsider, agent_autre_contrat):
        assert not Convention.objects.for_user(user).exists()
        assert not MontantAnnuel.objects.for_user(user).exists()


def test_the_back_office_shows_conventions(client, action, contrat, agent_agglo, superuser):
    cpo = _convention(action, contrat.epci, agent_agglo, annees={2027: "5200"})
    client.force_login(superuser)

    for name, obj in [("convention", cpo), ("montantannuel", cpo.montants_annuels.first())]:
        assert client.get(reverse(f"admin:programmation_{name}_changelist")).status_code == 200
        change = reverse(f"admin:programmation_{name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
