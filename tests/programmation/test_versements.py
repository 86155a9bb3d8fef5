"""Payments under the conventions: never beyond the convention's amount, nothing after the
solde; what each funder granted, paid and still owes; the amount to recover from an
action not carried out, which is what was paid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programmation import selectors, services
from programmation.enums import EtatAction, KindVersement
from programmation.models import Versement
from programmation.selectors import MontantsFinanceur
from tests.programmation.factories import ActionCompleteFactory, mettre_a_l_etat, solliciter

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """Programmed: the agglo granted 5 000 € (of 6 000 asked), the État 2 500 € (of 3 000)."""
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    solliciter(action, partenaire_etat.organisation, "3000")
    action.financements.filter(financeur=contrat.epci).update(montant_accorde=Decimal("5000"))
    action.financements.filter(financeur=partenaire_etat.organisation).update(
        montant_accorde=Decimal("2500")
    )
    return mettre_a_l_etat(action, EtatAction.PROGRAMMEE)


@pytest.fixture
def conventions(action, contrat, partenaire_etat, agent_agglo):
    """Both funders signed: the action is conventionnée."""
    return {
        financeur: services.convention_create(
            action=action,
            financeur=financeur,
            user=agent_agglo,
            date_signature=datetime.date(2026, 5, 15),
        )
        for financeur in (contrat.epci, partenaire_etat.organisation)
    }


def _verser(convention, user, montant, kind=KindVersement.AVANCE, jour=1, reference=""):
    return services.versement_record(
        convention=convention,
        user=user,
        kind=kind,
        montant=montant,
        date=datetime.date(2026, 6, jour),
        reference=reference,
    )


def test_an_advance_then_a_balance_pay_the_convention_in_full(
    action, contrat, partenaire_etat, conventions, agent_agglo
):
    agglo = conventions[contrat.epci]

    avance = _verser(agglo, agent_agglo, "2000", reference=" MDT-2026-118 ")
    _verser(agglo, agent_agglo, Decimal("1500"), KindVersement.ACOMPTE, jour=20)
    _verser(agglo, agent_agglo, Decimal("1500"), KindVersement.SOLDE, jour=30)

    assert (avance.kind, avance.montant, avance.reference, avance.auteur) == (
        KindVersement.AVANCE,
        Decimal("2000"),
        "MDT-2026-118",
        agent_agglo,
    )
    # Agglo: 2 000 + 1 500 + 1 500 = 5 000 paid of 5 000; État: nothing paid of 2 500.
    assert selectors.montants_verses(action) == [
        MontantsFinanceur(
            financeur_id=contrat.epci.pk,
            nom=contrat.epci.nom,
            accorde=Decimal("5000.00"),
            verse=Decimal("5000.00"),
            reste=Decimal("0.00"),
            convention_id=agglo.pk,
        ),
        MontantsFinanceur(
            financeur_id=partenaire_etat.organisation.pk,
            nom="Préfecture de l'Aude",
            accorde=Decimal("2500.00"),
            verse=Decimal("0.00"),
            reste=Decimal("2500.00"),
            convention_id=conventions[partenaire_etat.organisation].pk,
        ),
    ]
    assert selectors.total_verse(action) == Decimal("5000.00")


def test_the_total_paid_never_exceeds_the_convention(contrat, conventions, agent_agglo):
    agglo = conventions[contrat.epci]
    _verser(agglo, agent_agglo, "3000")

    with pytest.raises(ValidationError) as exc:
        _verser(agglo, agent_agglo, "2000.01", KindVersement.SOLDE)

    assert exc.value.message_dict == {
        "montant": [
            f"Ce versement de 2{NNBSP}000,01{NBSP}€ porterait le total versé à "
            f"5{NNBSP}000,01{NBSP}€, au-delà du montant de la convention "
            f"(5{NNBSP}000,00{NBSP}€) : il reste 2{NNBSP}000,00{NBSP}€ à verser."
        ]
    }
    assert list(agglo.versements.values_list("montant", flat=True)) == [Decimal("3000.00")]
    # Exactly what remains is accepted.
    _verser(agglo, agent_agglo, "2000", KindVersement.SOLDE)
    assert selectors.verse_sur_convention(agglo) == Decimal("5000.00")


def test_nothing_is_paid_after_the_balance(contrat, conventions, agent_agglo):
    agglo = conventions[contrat.epci]
    _verser(agglo, agent_agglo, "4000", KindVersement.SOLDE)

    with pytest.raises(ValidationError) as exc:
        _verser(agglo, agent_agglo, "500", KindVersement.ACOMPTE)

    assert exc.value.message_dict == {
        "kind": ["Cette convention est soldée : aucun versement ne suit le solde."]
    }


@pytest.mark.parametrize(
    ("kind", "montant", "champ"),
    [
        (KindVersement.AVANCE, "0", "montant"),
        (KindVersement.AVANCE, "-10", "montant"),
        (KindVersement.AVANCE, "dix euros", "montant"),
        ("virement", "10", "kind"),
    ],
)
def test_a_payment_must_be_well_formed(contrat, conventions, agent_agglo, kind, montant, champ):
    with pytest.raises(ValidationError) as exc:
        _verser(conventions[contrat.epci], agent_agglo, montant, kind)

    assert list(exc.value.message_dict) == [champ]
    assert not Versement.objects.exists()


@pytest.mark.parametrize(
    "qui", ["porteur", "partenaire_etat", "lecteur", "agent_autre_contrat", "outsider"]
)
def test_only_the_contracts_pdv_team_records_payments(contrat, conventions, request, qui):
    with pytest.raises(PermissionDenied):
        _verser(conventions[contrat.epci], request.getfixturevalue(qui), "100")

    assert not Versement.objects.exists()


def test_no_payment_for_an_action_not_carried_out(action, contrat, conventions, agent_agglo):
    mettre_a_l_etat(action, EtatAction.NON_REALISEE)

    with pytest.raises(PermissionDenied):
        _verser(conventions[contrat.epci], agent_agglo, "100")


def test_payments_count_per_funder_before_every_convention_is_signed(
    action, contrat, partenaire_etat, agent_agglo, django_assert_num_queries
):
    agglo = services.convention_create(
        action=action,
        financeur=contrat.epci,
        user=agent_agglo,
        date_signature=datetime.date(2026, 5, 15),
    )
    _verser(agglo, agent_agglo, "1250")

    # 1. granted per funder, 2. paid per convention.
    with django_assert_num_queries(2):
        lignes = selectors.montants_verses(action)

    assert [
        (ligne.nom, ligne.accorde, ligne.verse, ligne.reste, ligne.convention_id)
        for ligne in lignes
    ] == [
        (contrat.epci.nom, Decimal("5000.00"), Decimal("1250.00"), Decimal("3750.00"), agglo.pk),
        ("Préfecture de l'Aude", Decimal("2500.00"), Decimal("0.00"), Decimal("2500.00"), None),
    ]


# Not carried out: the amount to recover ------------------------------------------------


@pytest.fixture
def paye(action, contrat, partenaire_etat, conventions, agent_agglo):
    """2 000 € paid by the agglo and 1 000 € by the État: 3 000 € in all."""
    _verser(conventions[contrat.epci], agent_agglo, "2000")
    _verser(conventions[partenaire_etat.organisation], agent_agglo, "1000")
    return action


def test_the_amount_to_recover_defaults_to_what_was_paid(paye, agent_agglo):
    services.action_declare_non_realisee(
        action=paye, user=agent_agglo, commentaire="Action annulée en cours d'année."
    )

    paye.refresh_from_db()
    assert paye.etat == EtatAction.NON_REALISEE
    assert paye.montant_a_reverser == Decimal("3000.00")
    assert paye.transitions.last().commentaire == "Action annulée en cours d'année."


@pytest.mark.parametrize("montant", ["3000.01", "-1"])
def test_no_more_than_what_was_paid_is_recovered(paye, agent_agglo, montant):
    with pytest.raises(ValidationError) as exc:
        services.action_declare_non_realisee(
            action=paye, user=agent_agglo, montant_a_reverser=Decimal(montant)
        )

    assert exc.value.message_dict == {
        "montant_a_reverser": [
            f"Le montant à reverser doit être compris entre 0 et le montant versé "
            f"(3{NNBSP}000,00{NBSP}€)."
        ]
    }
    paye.refresh_from_db()
    assert (paye.etat, paye.montant_a_reverser) == (EtatAction.CONVENTIONNEE, None)


def test_part_of_what_was_paid_may_be_recovered(paye, agent_agglo):
    services.action_declare_non_realisee(
        action=paye, user=agent_agglo, montant_a_reverser=Decimal("1500")
    )

    paye.refresh_from_db()
    assert (paye.etat, paye.montant_a_reverser) == (EtatAction.NON_REALISEE, Decimal("1500.00"))


def test_nothing_to_recover_when_nothing_was_paid(action, agent_agglo):
    with pytest.raises(ValidationError):
        services.action_declare_non_realisee(
            action=action, user=agent_agglo, montant_a_reverser=Decimal("1")
        )

    services.action_declare_non_realisee(action=action, user=agent_agglo)

    action.refresh_from_db()
    assert (action.etat, action.montant_a_reverser) == (EtatAction.NON_REALISEE, Decimal("0.00"))


# Scope and back office --------------------------------------------------------------------


def test_payments_are_seen_with_their_action(
    paye, porteur, partenaire_etat, agent_agglo, outsider, agent_autre_contrat
):
    for user in (agent_agglo, porteur, partenaire_etat):
        assert Versement.objects.for_user(user).count() == 2
    for user in (outsider, agent_autre_contrat):
        assert not Versement.objects.for_user(user).exists()


def test_the_back_office_shows_payments(client, paye, superuser):
    client.force_login(superuser)

    assert client.get(reverse("admin:programmation_versement_changelist")).status_code == 200
    change = reverse("admin:programmation_versement_change", args=[Versement.objects.first().pk])
    assert client.get(change).status_code == 200
