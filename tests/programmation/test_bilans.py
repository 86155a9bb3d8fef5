"""The bilan (CERFA 15059): the porteur saves a draft freely, deposits it only complete and
consistent (realised budget balanced, large gaps explained, indicators achieved, beneficiaries
adding up); the gaps to the forecast; reminders e-mailed before and after the deadline."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programmation import selectors, services, tasks
from programmation.enums import EtatAction
from programmation.models import Action, Bilan, BilanQuartier, Relance
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    QuartierFactory,
    mettre_a_l_etat,
    remplir_bilan,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def action(contrat, porteur):
    """Bilan expected. Forecast: charges 64 = 8 000 € and 61 = 2 000 €; produits 74 = 6 000 €
    (the agglo) and 70 = 4 000 €. One indicator (target 40); one quartier at 100 %."""
    action = ActionCompleteFactory(
        appel__contrat=contrat,
        appel__date_limite_bilan=datetime.date(2027, 6, 30),
        porteur=porteur.organisation,
    )
    return mettre_a_l_etat(action, EtatAction.BILAN_ATTENDU)


def _lignes(action):
    return {ligne.compte: ligne for ligne in action.lignes_budget.all()}


def _realise(action, porteur, **montants):
    """{compte: realised} (or {compte: (realised, justification)}) on the action's lines."""
    lignes = _lignes(action)
    data = {}
    for compte, value in montants.items():
        realise, justification = value if isinstance(value, tuple) else (value, "")
        data[lignes[compte.removeprefix("c")].pk] = {
            "montant_realise": realise,
            "justification_ecart": justification,
        }
    return services.bilan_save(action=action, user=porteur, lignes=data)


def _deposer(action, porteur):
    return services.action_transition(action=action, code="deposer_bilan", user=porteur)


# The gaps ---------------------------------------------------------------------------------


def test_the_gaps_are_computed_per_line_against_the_calls_threshold(
    action, porteur, django_assert_num_queries
):
    # Realised: 64 = 9 100 (+1 100, +13,75 %), 61 = 1 500 (−500, −25 %), 74 = 6 000 (0),
    # 70 = 4 600 (+600, exactly +15 %: not beyond the threshold).
    _realise(action, porteur, c64="9100", c61="1500", c74="6000", c70="4600")
    action = Action.objects.select_related("appel").get(pk=action.pk)
    lignes = _lignes(action)

    with django_assert_num_queries(1):  # the budget lines
        ecarts = selectors.ecarts_budget(action)

    assert [
        (
            e.ligne_id,
            e.previsionnel,
            e.realise,
            e.ecart,
            e.ecart_pourcentage,
            e.justification_requise,
        )
        for e in ecarts
    ] == [
        (
            lignes["61"].pk,
            Decimal("2000"),
            Decimal("1500"),
            Decimal("-500"),
            Decimal("-25.00"),
            True,
        ),
        (
            lignes["64"].pk,
            Decimal("8000"),
            Decimal("9100"),
            Decimal("1100"),
            Decimal("13.75"),
            False,
        ),
        (
            lignes["70"].pk,
            Decimal("4000"),
            Decimal("4600"),
            Decimal("600"),
            Decimal("15.00"),
            False,
        ),
        (lignes["74"].pk, Decimal("6000"), Decimal("6000"), Decimal("0"), Decimal("0.00"), False),
    ]
    assert [e.libelle for e in ecarts] == [
        "61 – Services extérieurs",
        "64 – Charges de personnel",
        "70 – Ventes de produits finis, prestations de services",
        "74 – Subventions d'exploitation",
    ]

    # A stricter call (10 %) asks to explain the +13,75 % and +15 % lines too.
    action.appel.seuil_ecart_bilan = Decimal("10")
    assert [e.justification_requise for e in selectors.ecarts_budget(action)] == [
        True,
        True,
        True,
        False,
    ]


def test_a_line_not_forecast_has_no_percentage_and_must_be_explained(action, porteur):
    ligne = action.lignes_budget.create(compte="62", libelle="Déplacements")
    _realise(action, porteur, c62="300")

    ecart = next(e for e in selectors.ecarts_budget(action) if e.ligne_id == ligne.pk)

    assert (ecart.ecart, ecart.ecart_pourcentage, ecart.justification_requise) == (
        Decimal("300"),
        None,
        True,
    )


def test_a_line_not_filled_in_has_no_gap(action):
    assert {
        (e.realise, e.ecart, e.ecart_pourcentage, e.justification_requise)
        for e in selectors.ecarts_budget(action)
    } == {(None, None, None, False)}


# The draft --------------------------------------------------------------------------------


def test_the_porteur_saves_a_draft_without_checks_and_only_what_it_sends_changes(
    action, contrat, porteur
):
    q1, q2 = action.quartiers.get().quartier, QuartierFactory(contrat=contrat)
    indicateur = action.indicateurs.get()

    bilan = services.bilan_save(
        action=action,
        user=porteur,
        beneficiaires_total="30",
        femmes=25,
        hommes=12,  # 37 > 30: fine in a draft
        part_qpv="82.5",
        tranches_age="11–15 ans : 30",
        resultats="  Trente collégiens suivis toute l'année.  ",
        quartiers={q1.pk: 20, q2: "8"},
        indicateurs={indicateur.pk: "31"},
    )
    services.bilan_save(action=action, user=porteur, suites="Reconduction en 2027.")

    bilan.refresh_from_db()
    indicateur.refresh_from_db()
    assert (
        bilan.beneficiaires_total,
        bilan.femmes,
        bilan.hommes,
        bilan.part_qpv,
        bilan.resultats,
        bilan.suites,
        bilan.date_depot,
    ) == (
        30,
        25,
        12,
        Decimal("82.50"),
        "Trente collégiens suivis toute l'année.",
        "Reconduction en 2027.",
        None,
    )
    assert sorted(bilan.quartiers.values_list("quartier", "beneficiaires")) == [
        (q1.pk, 20),
        (q2.pk, 8),
    ]
    assert indicateur.realise == Decimal("31")

    # The per-quartier counts are replaced as a whole; an empty number clears it.
    services.bilan_save(action=action, user=porteur, quartiers={q2.pk: 12}, femmes="")
    bilan.refresh_from_db()
    assert list(bilan.quartiers.values_list("quartier", "beneficiaires")) == [(q2.pk, 12)]
    assert (bilan.femmes, bilan.hommes) == (None, 12)


def test_a_draft_with_a_malformed_value_writes_nothing(action, autre_contrat, porteur):
    lignes = _lignes(action)
    ailleurs = QuartierFactory(contrat=autre_contrat)

    with pytest.raises(ValidationError) as exc:
        services.bilan_save(
            action=action,
            user=porteur,
            beneficiaires_total="-3",
            part_qpv="120",
            resultats="Écrit puis annulé.",
            lignes={
                lignes["64"].pk: {"montant_realise": "8000"},
                lignes["61"].pk: {"montant_realise": "-1"},
                999999: {"montant_realise": "1"},
            },
            quartiers={ailleurs.pk: 3},
        )

    assert set(exc.value.message_dict) == {
        "beneficiaires_total",
        "part_qpv",
        f"ligne_{lignes['61'].pk}",
        "lignes_budget",
        "quartiers",
    }
    assert exc.value.message_dict["quartiers"] == ["Ce quartier relève d'un autre contrat."]
    assert exc.value.message_dict["lignes_budget"] == [
        "Cette ligne n'est pas au budget de l'action."
    ]
    assert not Bilan.objects.exists()
    assert not action.lignes_budget.filter(montant_realise__isnull=False).exists()


def test_an_unknown_field_is_a_programming_error(action, porteur):
    with pytest.raises(TypeError, match="Champs inconnus du bilan : etat."):
        services.bilan_save(action=action, user=porteur, etat="soldee")


@pytest.mark.parametrize("qui", ["agent_agglo", "partenaire_etat", "lecteur", "outsider"])
def test_only_the_porteur_fills_in_its_bilan(action, request, qui):
    with pytest.raises(PermissionDenied):
        services.bilan_save(action=action, user=request.getfixturevalue(qui), resultats="x")

    assert not Bilan.objects.exists()


@pytest.mark.parametrize("etat", [EtatAction.CONVENTIONNEE, EtatAction.BILAN_DEPOSE])
def test_the_bilan_is_filled_in_while_it_is_expected(action, porteur, etat):
    mettre_a_l_etat(action, etat)

    with pytest.raises(PermissionDenied):
        services.bilan_save(action=action, user=porteur, resultats="x")


# Depositing -------------------------------------------------------------------------------


def test_an_empty_bilan_cannot_be_deposited(action, porteur):
    lignes, indicateur = _lignes(action), action.indicateurs.get()

    with pytest.raises(ValidationError) as exc:
        _deposer(action, porteur)

    assert exc.value.message_dict == {
        "bilan": ["Remplissez le bilan de l'action avant de le déposer."],
        f"ligne_{lignes['61'].pk}": [
            "Indiquez le montant réalisé de la ligne « 61 – Services extérieurs »."
        ],
        f"ligne_{lignes['64'].pk}": [
            "Indiquez le montant réalisé de la ligne « 64 – Charges de personnel »."
        ],
        f"ligne_{lignes['70'].pk}": [
            "Indiquez le montant réalisé de la ligne « 70 – Ventes de produits finis, "
            "prestations de services »."
        ],
        f"ligne_{lignes['74'].pk}": [
            "Indiquez le montant réalisé de la ligne « 74 – Subventions d'exploitation »."
        ],
        f"indicateur_{indicateur.pk}": [
            "Indiquez la valeur atteinte de l'indicateur « Élèves suivis »."
        ],
    }
    action.refresh_from_db()
    assert action.etat == EtatAction.BILAN_ATTENDU
    assert not action.transitions.exists()


def test_every_inconsistency_is_reported_then_the_corrected_bilan_is_deposited(
    action, contrat, porteur
):
    q1, q2 = action.quartiers.get().quartier, QuartierFactory(contrat=contrat)
    lignes, indicateur = _lignes(action), action.indicateurs.get()
    services.bilan_save(
        action=action,
        user=porteur,
        beneficiaires_total=30,
        femmes=20,
        hommes=15,
        quartiers={q1.pk: 25, q2.pk: 10},
        indicateurs={indicateur.pk: 28},
    )
    # Charges 9 100 + 1 500 = 10 600; produits 6 000 + 4 700 = 10 700.
    _realise(action, porteur, c64="9100", c61="1500", c74="6000", c70="4700")

    with pytest.raises(ValidationError) as exc:
        _deposer(action, porteur)

    assert exc.value.message_dict == {
        "femmes": [
            "Les femmes (20) et les hommes (15) sont plus nombreux que l'ensemble des "
            "bénéficiaires (30)."
        ],
        "quartiers": [
            "Les bénéficiaires comptés par quartier (35) sont plus nombreux que l'ensemble "
            "des bénéficiaires (30)."
        ],
        "resultats": ["Décrivez les résultats obtenus."],
        f"ligne_{lignes['61'].pk}": [
            f"L'écart de la ligne « 61 – Services extérieurs » (-500,00{NBSP}€, -25 %) "
            "dépasse 15 % : expliquez-le."
        ],
        f"ligne_{lignes['70'].pk}": [
            "L'écart de la ligne « 70 – Ventes de produits finis, prestations de services » "
            f"(+700,00{NBSP}€, +17,5 %) dépasse 15 % : expliquez-le."
        ],
        "budget": [
            f"Le budget réalisé n'est pas équilibré : 10{NNBSP}600,00{NBSP}€ de charges pour "
            f"10{NNBSP}700,00{NBSP}€ de produits."
        ],
    }

    services.bilan_save(
        action=action,
        user=porteur,
        femmes=16,
        hommes=14,
        quartiers={q1.pk: 22, q2.pk: 8},
        resultats="28 élèves sur 40 ont été suivis toute l'année.",
    )
    # 64 = 9 200: charges 10 700 = produits 10 700.
    _realise(
        action,
        porteur,
        c64="9200",
        c61=("1500", "Salle prêtée par la mairie au second semestre."),
        c70=("4700", "Participation des familles plus élevée que prévu."),
    )
    avant = timezone.now()
    _deposer(action, porteur)

    action.refresh_from_db()
    assert action.etat == EtatAction.BILAN_DEPOSE
    assert action.transitions.get().code == "deposer_bilan"
    assert action.bilan.date_depot >= avant


def test_the_in_kind_contributions_balance_on_their_own(action, porteur):
    action.lignes_budget.create(compte="86", montant_previsionnel=Decimal("500"))
    action.lignes_budget.create(compte="87", montant_previsionnel=Decimal("500"))
    remplir_bilan(action)
    _realise(action, porteur, c86=("800", "Plus de bénévoles."), c87="500")

    with pytest.raises(ValidationError) as exc:
        _deposer(action, porteur)

    assert exc.value.message_dict["budget"] == [
        f"Les contributions en nature réalisées doivent s'équilibrer : 800,00{NBSP}€ au compte "
        f"86 pour 500,00{NBSP}€ au compte 87."
    ]


def test_a_bilan_sent_back_is_corrected_and_deposited_again(action, porteur, agent_agglo):
    remplir_bilan(action)
    _deposer(action, porteur)
    services.action_transition(
        action=action,
        code="demander_complements_bilan",
        user=agent_agglo,
        commentaire="Précisez les résultats.",
    )

    services.bilan_save(action=action, user=porteur, resultats="Résultats précisés.")
    _deposer(action, porteur)

    action.refresh_from_db()
    assert action.etat == EtatAction.BILAN_DEPOSE
    assert action.bilan.resultats == "Résultats précisés."


# Reminders --------------------------------------------------------------------------------


@pytest.fixture
def a_relancer(action, porteur, contrat):
    """Besides the action (deadline 30/06/2027): an inactive colleague of the porteur, an
    action not yet at the bilan stage, one whose bilan is deposited, one due much later."""
    factories.UserFactory(
        email="ancien@asso.fr",
        organisation=porteur.organisation,
        roles=["porteur"],
        is_active=False,
    )
    for etat, limite in [
        (EtatAction.CONVENTIONNEE, datetime.date(2027, 6, 30)),
        (EtatAction.BILAN_DEPOSE, datetime.date(2027, 6, 30)),
        (EtatAction.BILAN_ATTENDU, datetime.date(2027, 12, 31)),
    ]:
        autre = ActionCompleteFactory(
            appel__contrat=contrat,
            appel__date_limite_bilan=limite,
            porteur=porteur.organisation,
        )
        mettre_a_l_etat(autre, etat)
    return action


def _relancer(jour):
    mail.outbox.clear()
    return services.bilans_remind(today=jour)


def test_reminders_start_15_days_before_the_deadline_and_come_back_weekly(a_relancer):
    action = a_relancer

    assert _relancer(datetime.date(2027, 6, 14)) == 0
    assert _relancer(datetime.date(2027, 6, 15)) == 1
    [message] = mail.outbox
    assert message.to == ["presidente@asso.fr"]
    assert message.subject == f"[cdv] Bilan attendu : {action.intitule}"
    assert "est attendu pour le 30/06/2027, dans 15 jours." in message.body
    assert f"sur la plateforme : {settings.SITE_URL}" in message.body

    # Same day again, and the following days: nothing more.
    for jour in (15, 16, 21):
        assert _relancer(datetime.date(2027, 6, jour)) == 0
        assert mail.outbox == []
    assert _relancer(datetime.date(2027, 6, 22)) == 1
    assert _relancer(datetime.date(2027, 6, 29)) == 1
    assert "dans 1 jour." in mail.outbox[0].body

    # After the deadline, the reminder says how late it is.
    assert _relancer(datetime.date(2027, 7, 6)) == 1
    [message] = mail.outbox
    assert message.subject == f"[cdv] Bilan en retard : {action.intitule}"
    assert "il a 6 jours de retard." in message.body
    assert list(Relance.objects.values_list("action", "date", "echeance", "nb_destinataires")) == [
        (action.pk, datetime.date(2027, 7, 6), datetime.date(2027, 6, 30), 1),
        (action.pk, datetime.date(2027, 6, 29), datetime.date(2027, 6, 30), 1),
        (action.pk, datetime.date(2027, 6, 22), datetime.date(2027, 6, 30), 1),
        (action.pk, datetime.date(2027, 6, 15), datetime.date(2027, 6, 30), 1),
    ]


def test_a_deposited_bilan_is_no_longer_reminded(a_relancer, porteur):
    remplir_bilan(a_relancer)
    _deposer(a_relancer, porteur)

    assert _relancer(datetime.date(2027, 7, 6)) == 0
    assert not Relance.objects.exists()


def test_nobody_to_remind_records_no_reminder(contrat):
    action = ActionCompleteFactory(
        appel__contrat=contrat, appel__date_limite_bilan=datetime.date(2027, 6, 30)
    )
    mettre_a_l_etat(action, EtatAction.BILAN_ATTENDU)

    assert _relancer(datetime.date(2027, 7, 1)) == 0
    assert not Relance.objects.exists()


def test_the_daily_task_reminds_once_a_day(action, contrat):
    # Due in 10 days from the real today.
    action.appel.date_limite_bilan = timezone.localdate() + datetime.timedelta(days=10)
    action.appel.save()
    mail.outbox.clear()

    assert tasks.remind_bilans.delay().get() == 1
    assert tasks.remind_bilans.delay().get() == 0

    assert len(mail.outbox) == 1
    assert "dans 10 jours." in mail.outbox[0].body
    assert Relance.objects.get().date == timezone.localdate()


def test_the_task_is_scheduled_every_day():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.remind_bilans.name
    ]
    assert entry["schedule"].hour == {7}


# Scope and back office --------------------------------------------------------------------


def test_bilans_are_seen_with_their_action(
    action, contrat, porteur, agent_agglo, partenaire_etat, outsider, agent_autre_contrat
):
    services.bilan_save(
        action=action, user=porteur, quartiers={action.quartiers.get().quartier_id: 3}
    )
    Relance.objects.create(
        action=action, date=datetime.date(2027, 6, 15), echeance=datetime.date(2027, 6, 30)
    )
    mettre_a_l_etat(action, EtatAction.BILAN_DEPOSE)

    for user in (porteur, agent_agglo):
        assert Bilan.objects.for_user(user).count() == 1
        assert BilanQuartier.objects.for_user(user).count() == 1
        assert Relance.objects.for_user(user).count() == 1
    for user in (outsider, agent_autre_contrat):
        assert not Bilan.objects.for_user(user).exists()
        assert not BilanQuartier.objects.for_user(user).exists()
        assert not Relance.objects.for_user(user).exists()


def test_the_back_office_shows_bilans_and_reminders(client, action, porteur, superuser):
    bilan = services.bilan_save(
        action=action, user=porteur, quartiers={action.quartiers.get().quartier_id: 3}
    )
    relance = Relance.objects.create(
        action=action, date=datetime.date(2027, 6, 15), echeance=datetime.date(2027, 6, 30)
    )
    client.force_login(superuser)

    for name, obj in [
        ("bilan", bilan),
        ("bilanquartier", bilan.quartiers.get()),
        ("relance", relance),
    ]:
        assert client.get(reverse(f"admin:programmation_{name}_changelist")).status_code == 200
        change = reverse(f"admin:programmation_{name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
    assert client.get(reverse("admin:programmation_relance_add")).status_code == 403
