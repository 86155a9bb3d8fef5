import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmation import perms, services
from programmation.enums import EtatAction, EtatAppel, NatureFinancement
from programmation.models import Action, ActionQuartier
from tests.factories import OrganisationFactory
from tests.programmation.factories import (
    ActionCompleteFactory,
    AppelFactory,
    FinancementFactory,
    LigneBudgetFactory,
    QuartierFactory,
    solliciter,
)


def test_a_complete_application_is_deposited(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)

    services.action_transition(action=action, code="deposer", user=porteur)

    action.refresh_from_db()
    assert action.etat == EtatAction.DEPOSEE
    assert action.transitions.get().etat_avant == EtatAction.BROUILLON


def test_an_unbalanced_budget_is_refused_with_its_totals(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    action.lignes_budget.filter(compte="70").update(montant_previsionnel=Decimal("3500"))

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert exc.value.message_dict["budget"] == [
        "Le budget n'est pas équilibré : 10\u202f000,00\u00a0€ de charges pour "
        "9\u202f500,00\u00a0€ de produits."
    ]
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON


REQUIRED = "Ce champ est obligatoire pour déposer la demande."
EMPTY = {
    "intitule": "",
    "description": "  ",
    "public_vise": "",
    "lieux": "",
    "pilier": None,
    "objectif": None,
    "date_debut": None,
    "date_fin": None,
    "beneficiaires_prevus": None,
}


@pytest.mark.parametrize("field", EMPTY)
def test_every_missing_field_is_reported_on_itself(porteur, field):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    setattr(action, field, EMPTY[field])
    action.save()

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert exc.value.message_dict == {field: [REQUIRED]}
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON
    assert not action.transitions.exists()


def test_a_draft_saves_with_nothing_filled_and_is_checked_only_on_submission(porteur):
    action = Action.objects.create(
        appel=AppelFactory(), porteur=porteur.organisation, intitule="Idée de projet"
    )
    # An unbalanced budget is fine while drafting.
    LigneBudgetFactory(action=action, compte="64", montant_previsionnel=Decimal("1200"))
    action.full_clean()

    errors = services.action_submission_errors(action)

    # Nothing requested: the short form, so neither objectives nor indicators are asked.
    assert errors == {
        "description": [REQUIRED],
        "public_vise": [REQUIRED],
        "lieux": [REQUIRED],
        "pilier": [REQUIRED],
        "objectif": [REQUIRED],
        "date_debut": [REQUIRED],
        "date_fin": [REQUIRED],
        "beneficiaires_prevus": [REQUIRED],
        "quartiers": ["Indiquez au moins un quartier où l'action se déroule."],
        "financements": ["Sollicitez au moins un financeur pour un montant positif."],
        "budget": [
            "Le budget n'est pas équilibré : 1\u202f200,00\u00a0€ de charges pour "
            "0,00\u00a0€ de produits."
        ],
        # The short form asks for the statutes and the RIB only (see test_pieces.py).
        "pieces": [
            "Pièce obligatoire manquante : statuts de l'association.",
            "Pièce obligatoire manquante : relevé d'identité bancaire (RIB).",
        ],
    }


def test_dates_in_the_wrong_order_are_reported_on_the_end_date(porteur):
    action = ActionCompleteFactory(
        porteur=porteur.organisation,
        date_debut=datetime.date(2026, 9, 1),
        date_fin=datetime.date(2026, 8, 31),
    )

    assert services.action_submission_errors(action) == {
        "date_fin": ["La date de fin doit suivre la date de début."]
    }


def test_quartier_shares_must_add_up_to_100(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    action.quartiers.update(part=Decimal("60"))
    ActionQuartier.objects.create(
        action=action, quartier=QuartierFactory(contrat=action.appel.contrat), part=Decimal("30")
    )

    assert services.action_submission_errors(action) == {
        "quartiers": ["Les parts des quartiers totalisent 90 % au lieu de 100 %."]
    }


def test_a_decimal_share_is_written_the_french_way(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    action.quartiers.update(part=Decimal("92.5"))

    assert services.action_submission_errors(action) == {
        "quartiers": ["Les parts des quartiers totalisent 92,5 % au lieu de 100 %."]
    }


def test_in_kind_contributions_balance_on_their_own(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    LigneBudgetFactory(action=action, compte="86", montant_previsionnel=Decimal("500"))
    LigneBudgetFactory(action=action, compte="87", montant_previsionnel=Decimal("400"))

    # The main budget (10 000 € each side) still balances: in-kind stays apart.
    assert services.action_submission_errors(action) == {
        "budget": [
            "Les contributions en nature doivent s'équilibrer : 500,00\u00a0€ au compte 86 "
            "pour 400,00\u00a0€ au compte 87."
        ]
    }

    LigneBudgetFactory(action=action, compte="87", montant_previsionnel=Decimal("100"))
    assert services.action_submission_errors(action) == {}


def test_the_subsidy_line_must_match_the_amount_asked_from_the_funder(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    financeur = action.appel.contrat.epci
    # Line 74 says 5 000 € and sales 5 000 €: balanced, but the agglo is asked for 6 000 €.
    action.lignes_budget.filter(compte="74").update(montant_previsionnel=Decimal("5000"))
    action.lignes_budget.filter(compte="70").update(montant_previsionnel=Decimal("5000"))

    assert services.action_submission_errors(action) == {
        "budget": [
            f"La subvention demandée à {financeur.nom} (6\u202f000,00\u00a0€) diffère de celle "
            "inscrite au compte 74 du budget (5\u202f000,00\u00a0€)."
        ]
    }


def test_a_funder_asked_without_its_subsidy_line_is_reported(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    region = OrganisationFactory(nom="Région Occitanie", rna="")
    FinancementFactory(action=action, financeur=region, montant_demande=Decimal("1000"))
    # Balanced without naming the Région: an anonymous subsidy line of 1 000 €.
    LigneBudgetFactory(action=action, compte="74", montant_previsionnel=Decimal("1000"))
    LigneBudgetFactory(action=action, compte="64", montant_previsionnel=Decimal("1000"))

    assert services.action_submission_errors(action) == {
        "budget": [
            "La subvention demandée à Région Occitanie (1\u202f000,00\u00a0€) doit figurer "
            "au compte 74 du budget."
        ]
    }


def test_one_funder_asked_for_two_kinds_of_credits_matches_its_subsidy_lines(porteur):
    action = ActionCompleteFactory(porteur=porteur.organisation)
    financeur = action.appel.contrat.epci
    # The agglo: 6 000 € of specific credits (factory) + 1 500 € of ordinary budget.
    solliciter(action, financeur, "1500", nature=NatureFinancement.DROIT_COMMUN)

    assert services.action_submission_errors(action) == {}


@pytest.mark.parametrize(
    ("seuil", "courte"),
    [("10000", True), ("6000.01", True), ("6000", False), ("5000", False)],
)
def test_the_short_form_asks_neither_indicators_nor_objectives(porteur, seuil, courte):
    # 6 000 € requested in all: under the threshold means strictly under.
    action = ActionCompleteFactory(
        porteur=porteur.organisation, appel__seuil_demande_simplifiee=Decimal(seuil)
    )
    action.indicateurs.all().delete()
    Action.objects.filter(pk=action.pk).update(objectifs_action="")
    action.refresh_from_db()

    errors = services.action_submission_errors(action)

    if courte:
        assert errors == {}
    else:
        assert errors == {
            "objectifs_action": ["Décrivez les objectifs de l'action."],
            "indicateurs": ["Indiquez au moins un indicateur d'évaluation et sa cible."],
        }


def test_after_a_request_for_completions_the_porteur_edits_and_resubmits(porteur, agent_agglo):
    action = ActionCompleteFactory(
        appel__contrat=agent_agglo.contrats.get(), porteur=porteur.organisation
    )
    services.action_transition(action=action, code="deposer", user=porteur)
    deposee_le = Action.objects.get(pk=action.pk).deposee_le
    services.action_transition(action=action, code="instruire", user=agent_agglo)
    assert not perms.can_edit_application(porteur, Action.objects.get(pk=action.pk))
    action = services.action_transition(
        action=action,
        code="demander_complements",
        user=agent_agglo,
        commentaire="Le budget doit détailler les frais de personnel.",
    )
    assert perms.can_edit_application(porteur, action)

    # The porteur edits, badly at first: completing re-validates everything.
    action.lignes_budget.filter(compte="64").update(montant_previsionnel=Decimal("9000"))
    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="completer", user=porteur)
    assert exc.value.message_dict == {
        "budget": [
            "Le budget n'est pas équilibré : 11\u202f000,00\u00a0€ de charges pour "
            "10\u202f000,00\u00a0€ de produits."
        ]
    }
    assert Action.objects.get(pk=action.pk).etat == EtatAction.A_COMPLETER

    action.lignes_budget.filter(compte="70").update(montant_previsionnel=Decimal("5000"))
    action = services.action_transition(action=action, code="completer", user=porteur)

    assert action.etat == EtatAction.EN_INSTRUCTION
    assert action.deposee_le == deposee_le
    assert not perms.can_edit_application(porteur, action)


@pytest.mark.parametrize("etat", [EtatAppel.EN_PREPARATION, EtatAppel.CLOS, EtatAppel.ARCHIVE])
def test_a_call_that_is_not_open_takes_no_deposit(porteur, etat):
    action = ActionCompleteFactory(porteur=porteur.organisation, appel__etat=etat)

    with pytest.raises(ValidationError) as exc:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert "n'est pas ouvert aux dépôts" in exc.value.messages[0]
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON
