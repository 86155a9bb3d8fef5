"""The programmation through the API: calls, actions (the programming table and the whole
application), conventions and bilans, each persona reading its scope; the workflow steps,
opinions and committee decisions taken through the same services and rules as the pages."""

import datetime
from decimal import Decimal

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from cdv.enums import RoleCode
from cdv.models import ThematiqueANCT
from programmation import perms
from programmation.enums import TRANSITIONS, EtatAction, EtatAppel, SensAvis
from programmation.models import (
    Action,
    ActionQuartier,
    Avis,
    BilanQuartier,
    Enveloppe,
    Financement,
    Indicateur,
    MontantAnnuel,
    Priorite,
    TransitionAction,
)
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    ActionFactory,
    AppelFactory,
    ConventionFactory,
    FinancementFactory,
    LigneBudgetFactory,
    QuartierFactory,
    VersementFactory,
    mettre_a_l_etat,
    remplir_bilan,
    solliciter,
)

E = EtatAction
API = "/api/v1/programmation"
ACTIONS = f"{API}/actions/"
PRIVE = "Dossier fragile : trésorerie à surveiller."
COMMENTAIRE = "Motif communiqué au porteur."


def _url(action, step=""):
    return f"{ACTIONS}{action.pk}/{step + '/' if step else ''}"


def _intitules(response):
    assert response.status_code == 200, response.content
    return [row["intitule"] for row in response.json()["results"]]


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def monde(contrat, autre_contrat, porteur, outsider, partenaire_etat, agent_agglo):
    """Hand-built programmation of both contracts.

    - « Soutien scolaire » (the porteur, 2026, déposée): Cohésion sociale, La Conte at 100 %,
      axe Jeunesse, asks the préfecture 3 000 € (granted 2 000) and the agglo 6 000 € (granted
      4 000); a convention with the agglo, 1 000 + 500 € paid; the préfecture's opinion with
      a private annotation; one step in its history.
    - « Brouillon » (the porteur, 2026, brouillon): asks the préfecture.
    - « Chantier d'insertion » (the other association, 2025, en instruction, reconduction):
      Emploi, Ozanam at 100 %, theme "emploi", asks the agglo 5 000 €.
    - « Narbonne » (the other association, another contract, déposée).
    """
    prefecture, agglo = partenaire_etat.organisation, contrat.epci
    appel = AppelFactory(contrat=contrat, titre="AAP 2026")
    appel_2025 = AppelFactory(
        contrat=contrat, titre="AAP 2025", annee=2025, etat=EtatAppel.PROGRAMME
    )
    cohesion = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale")
    emploi = factories.PilierFactory(contrat=contrat, nom="Emploi")
    jeunesse = factories.AxeTransversalFactory(contrat=contrat, nom="Jeunesse")
    la_conte = QuartierFactory(contrat=contrat, nom="La Conte", code="QN011001")
    ozanam = QuartierFactory(contrat=contrat, nom="Ozanam", code="QN011002")
    # A sub-theme of the national nomenclature (loaded by a data migration).
    theme = ThematiqueANCT.objects.filter(parent__isnull=False).select_related("parent").first()

    soutien = ActionFactory(
        appel=appel, porteur=porteur.organisation, intitule="Soutien scolaire", pilier=cohesion
    )
    mettre_a_l_etat(soutien, E.DEPOSEE)
    soutien.axes.add(jeunesse)
    ActionQuartier.objects.create(action=soutien, quartier=la_conte, part=Decimal("100"))
    Indicateur.objects.create(action=soutien, libelle="Élèves suivis", cible=Decimal("40"))
    FinancementFactory(
        action=soutien,
        financeur=prefecture,
        montant_demande=Decimal("3000"),
        montant_accorde=Decimal("2000"),
    )
    FinancementFactory(
        action=soutien,
        financeur=agglo,
        montant_demande=Decimal("6000"),
        montant_accorde=Decimal("4000"),
    )
    LigneBudgetFactory(action=soutien, compte="74", financeur=agglo, montant_previsionnel=6000)
    convention = ConventionFactory(action=soutien, financeur=agglo, montant=Decimal("4000"))
    VersementFactory(convention=convention, montant=Decimal("1000"))
    VersementFactory(convention=convention, montant=Decimal("500"), date=datetime.date(2026, 9, 1))
    Avis.objects.create(
        action=soutien,
        financeur=prefecture,
        auteur=partenaire_etat,
        sens=SensAvis.FAVORABLE,
        montant_propose=Decimal("2000"),
        commentaire="Action utile.",
        annotation_privee=PRIVE,
    )
    TransitionAction.objects.create(
        action=soutien, code="deposer", etat_avant=E.BROUILLON, etat_apres=E.DEPOSEE, auteur=porteur
    )

    brouillon = ActionFactory(appel=appel, porteur=porteur.organisation, intitule="Brouillon")
    FinancementFactory(action=brouillon, financeur=prefecture)

    insertion = ActionFactory(
        appel=appel_2025,
        porteur=outsider.organisation,
        intitule="Chantier d'insertion",
        pilier=emploi,
        est_reconduction=True,
        thematique=theme,
    )
    mettre_a_l_etat(insertion, E.EN_INSTRUCTION)
    ActionQuartier.objects.create(action=insertion, quartier=ozanam, part=Decimal("100"))
    FinancementFactory(action=insertion, financeur=agglo)

    narbonne = ActionFactory(
        appel=AppelFactory(contrat=autre_contrat, titre="AAP Narbonne 2026"),
        porteur=outsider.organisation,
        intitule="Narbonne",
    )
    mettre_a_l_etat(narbonne, E.DEPOSEE)
    FinancementFactory(action=narbonne, financeur=autre_contrat.epci)

    return {
        "appel": appel,
        "cohesion": cohesion,
        "emploi": emploi,
        "jeunesse": jeunesse,
        "la_conte": la_conte,
        "theme": theme,
        "soutien": soutien,
        "brouillon": brouillon,
        "insertion": insertion,
        "narbonne": narbonne,
        "convention": convention,
    }


# Reading: each persona lists its scope ---------------------------------------------------

VISIBLES = {
    "porteur": ["Soutien scolaire", "Brouillon"],
    "outsider": ["Narbonne", "Chantier d'insertion"],
    "partenaire_etat": ["Soutien scolaire"],
    "agent_agglo": ["Soutien scolaire", "Chantier d'insertion"],
    "lecteur": ["Soutien scolaire", "Chantier d'insertion"],
    "agent_autre_contrat": ["Narbonne"],
}


@pytest.mark.parametrize(("persona", "intitules"), VISIBLES.items())
def test_each_persona_lists_the_actions_it_follows(client, request, monde, persona, intitules):
    user = request.getfixturevalue(persona)

    response = _get(client, user, ACTIONS, ordering="-annee,-intitule")

    assert _intitules(response) == intitules
    assert response.json()["count"] == len(intitules)


@pytest.mark.parametrize(
    ("persona", "action"),
    [
        ("porteur", "insertion"),
        ("partenaire_etat", "insertion"),
        ("agent_agglo", "brouillon"),
        ("agent_autre_contrat", "soutien"),
        ("outsider", "soutien"),
    ],
)
def test_an_action_out_of_scope_is_not_found(client, request, monde, persona, action):
    user = request.getfixturevalue(persona)

    response = _get(client, user, _url(monde[action]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Cet élément n'existe pas ou ne vous est pas accessible."}
    response = _post(client, user, _url(monde[action], "transitions"), {"code": "instruire"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url", [ACTIONS, f"{ACTIONS}1/", f"{API}/appels/", f"{API}/conventions/", f"{API}/bilans/"]
)
def test_anonymous_gets_a_json_refusal(client, db, url):
    response = client.get(url, HTTP_ACCEPT="application/json")

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_a_list_row_carries_year_porteur_pillar_state_and_totals(client, monde, agent_agglo):
    rows = _get(client, agent_agglo, ACTIONS, q="soutien").json()["results"]

    assert rows == [
        {
            "id": monde["soutien"].pk,
            "intitule": "Soutien scolaire",
            "annee": 2026,
            "appel": monde["appel"].pk,
            "contrat": monde["appel"].contrat_id,
            "porteur": {
                "id": monde["soutien"].porteur_id,
                "nom": "Association Quartiers Solidaires",
                "sigle": monde["soutien"].porteur.sigle,
            },
            "pilier": {"id": monde["cohesion"].pk, "nom": "Cohésion sociale"},
            "etat": "deposee",
            "etat_libelle": "Déposée",
            "est_reconduction": False,
            "deposee_le": None,
            "montant_demande": "9000.00",
            "montant_accorde": "6000.00",
            "montant_verse": "1500.00",
        }
    ]


# Filters and ordering: the programming table's criteria ----------------------------------


@pytest.mark.parametrize(
    ("params", "intitules"),
    [
        ({"annee": 2025}, ["Chantier d'insertion"]),
        ({"pilier": "cohesion"}, ["Soutien scolaire"]),
        ({"quartier": "la_conte"}, ["Soutien scolaire"]),
        ({"porteur": "outsider"}, ["Chantier d'insertion"]),
        ({"financeur": "partenaire_etat"}, ["Soutien scolaire"]),
        ({"etat": "en_instruction"}, ["Chantier d'insertion"]),
        ({"etat": ["en_instruction", "deposee"]}, ["Soutien scolaire", "Chantier d'insertion"]),
        ({"nouveaute": "reconduction"}, ["Chantier d'insertion"]),
        ({"nouveaute": "nouvelle"}, ["Soutien scolaire"]),
        ({"axe": "jeunesse"}, ["Soutien scolaire"]),
        ({"q": "INSERTION"}, ["Chantier d'insertion"]),
        ({"q": "Quartiers Solidaires"}, ["Soutien scolaire"]),
        ({"ordering": "intitule"}, ["Chantier d'insertion", "Soutien scolaire"]),
        ({"ordering": "-montant_accorde"}, ["Soutien scolaire", "Chantier d'insertion"]),
        ({"ordering": "porteur,intitule"}, ["Soutien scolaire", "Chantier d'insertion"]),
    ],
)
def test_filters_narrow_the_list(
    client, monde, agent_agglo, outsider, partenaire_etat, params, intitules
):
    ids = {
        "cohesion": monde["cohesion"].pk,
        "la_conte": monde["la_conte"].pk,
        "outsider": outsider.organisation_id,
        "partenaire_etat": partenaire_etat.organisation_id,
        "jeunesse": monde["jeunesse"].pk,
    }
    params = {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in params.items()
    }

    assert _intitules(_get(client, agent_agglo, ACTIONS, **params)) == intitules


def test_a_theme_filter_finds_the_actions_of_its_sub_themes(client, monde, agent_agglo):
    theme = monde["theme"]

    for pk in (theme.pk, theme.parent_id):
        assert _intitules(_get(client, agent_agglo, ACTIONS, thematique=pk)) == [
            "Chantier d'insertion"
        ]


def test_a_filter_on_a_record_out_of_scope_is_refused_in_french(
    client, monde, agent_agglo, autre_contrat
):
    pilier = factories.PilierFactory(contrat=autre_contrat)

    response = _get(client, agent_agglo, ACTIONS, pilier=pilier.pk)

    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.json()["pilier"][0]


# The list's queries do not grow with its rows ----------------------------------------------


def _actions(contrat, porteur, nombre):
    """`nombre` deposited actions, each with its quartier, two funders, a convention and a
    payment: everything the list sums or joins."""
    appel = AppelFactory(contrat=contrat)
    pilier = factories.PilierFactory(contrat=contrat)
    for _ in range(nombre):
        action = ActionFactory(appel=appel, porteur=porteur.organisation, pilier=pilier)
        mettre_a_l_etat(action, E.PROGRAMMEE)
        FinancementFactory(action=action, financeur=contrat.epci, montant_accorde=1000)
        FinancementFactory(action=action, montant_accorde=500)
        convention = ConventionFactory(action=action, financeur=contrat.epci, montant=1000)
        VersementFactory(convention=convention)


def test_the_list_query_count_does_not_grow_with_rows(
    client, contrat, agent_agglo, porteur, django_assert_num_queries
):
    client.force_login(agent_agglo)
    _actions(contrat, porteur, 2)
    # 1. the session, 2. the user, 3. the user's roles (for_user), 4. COUNT for the
    # pagination, 5. the page of actions JOIN call, contract, porteur, pillar, with the
    # totals asked, granted and paid as subqueries.
    with django_assert_num_queries(5):
        assert client.get(ACTIONS).json()["count"] == 2

    _actions(contrat, porteur, 4)
    with django_assert_num_queries(5):
        assert client.get(ACTIONS).json()["count"] == 6


# The whole application ---------------------------------------------------------------------


def test_the_detail_gives_the_whole_application(client, monde, agent_agglo):
    data = _get(client, agent_agglo, _url(monde["soutien"])).json()

    assert (data["intitule"], data["etat"], data["annee"]) == ("Soutien scolaire", "deposee", 2026)
    assert data["quartiers"] == [
        {
            "quartier": {"id": monde["la_conte"].pk, "code": "QN011001", "nom": "La Conte"},
            "part": "100.00",
        }
    ]
    assert data["axes"] == [{"id": monde["jeunesse"].pk, "nom": "Jeunesse"}]
    assert [(i["libelle"], i["cible"]) for i in data["indicateurs"]] == [("Élèves suivis", "40.00")]
    assert sorted(
        (f["financeur"]["nom"], f["montant_demande"], f["montant_accorde"])
        for f in data["financements"]
    ) == [
        (monde["appel"].contrat.epci.nom, "6000.00", "4000.00"),
        ("Préfecture de l'Aude", "3000.00", "2000.00"),
    ]
    assert [(ligne["compte"], ligne["cote"]) for ligne in data["lignes_budget"]] == [
        ("74", "produit")
    ]
    assert [(e["code"], e["etat_apres_libelle"]) for e in data["historique"]] == [
        ("deposer", "Déposée")
    ]
    assert data["historique"][0]["auteur_organisation"] == "Association Quartiers Solidaires"
    assert [(a["sens"], a["montant_propose"]) for a in data["avis"]] == [("favorable", "2000.00")]
    assert [e["code"] for e in data["etapes_possibles"]] == ["instruire"]
    assert (data["peut_modifier"], data["peut_donner_avis"]) == (False, False)


@pytest.mark.parametrize(
    ("persona", "lit"),
    [("porteur", False), ("lecteur", False), ("partenaire_etat", True), ("agent_agglo", True)],
)
def test_private_annotations_are_for_the_actions_instructors_only(
    client, request, monde, persona, lit
):
    response = _get(client, request.getfixturevalue(persona), _url(monde["soutien"]))

    assert response.status_code == 200
    assert response.json()["avis"][0]["annotation_privee"] == (PRIVE if lit else None)
    assert (PRIVE in response.content.decode()) is lit


# Workflow steps through the API, the service's outcome ------------------------------------


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """A complete application of the porteur asking the agglo and the préfecture, with the
    amounts granted and a bilan ready to deposit: only the table decides which step passes."""
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    solliciter(action, partenaire_etat.organisation, "3000")
    action.financements.update(montant_accorde=Decimal("2000"))
    remplir_bilan(action)
    return action


def test_the_porteur_deposits_its_application(client, action, porteur):
    response = _post(client, porteur, _url(action, "transitions"), {"code": "deposer"})

    assert response.status_code == 200, response.content
    assert (response.json()["etat"], response.json()["etat_libelle"]) == ("deposee", "Déposée")
    action.refresh_from_db()
    assert action.etat == E.DEPOSEE and action.deposee_le is not None
    step = TransitionAction.objects.get(action=action)
    assert (step.code, step.etat_avant, step.etat_apres, step.auteur) == (
        "deposer",
        E.BROUILLON,
        E.DEPOSEE,
        porteur,
    )
    assert response.json()["historique"][0]["code"] == "deposer"


def test_the_agent_takes_it_in_instruction_with_a_comment(client, action, agent_agglo):
    mettre_a_l_etat(action, E.DEPOSEE)

    response = _post(
        client,
        agent_agglo,
        _url(action, "transitions"),
        {"code": "instruire", "commentaire": "Dossier reçu."},
    )

    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert (action.etat, action.instructeur) == (E.EN_INSTRUCTION, agent_agglo)
    assert TransitionAction.objects.get(action=action).commentaire == "Dossier reçu."


def test_a_role_the_table_does_not_name_is_refused_in_french(client, action, porteur):
    mettre_a_l_etat(action, E.DEPOSEE)

    response = _post(client, porteur, _url(action, "transitions"), {"code": "instruire"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Vous ne pouvez pas « prendre en instruction » une action à l'état « Déposée »."
    }
    action.refresh_from_db()
    assert action.etat == E.DEPOSEE
    assert not TransitionAction.objects.filter(action=action).exists()


def test_a_state_the_table_does_not_start_from_is_refused(client, action, agent_agglo):
    mettre_a_l_etat(action, E.EN_INSTRUCTION)

    response = _post(client, agent_agglo, _url(action, "transitions"), {"code": "programmer"})

    assert response.status_code == 403
    assert "à l'état « En instruction »" in response.json()["detail"]


def test_an_incomplete_application_is_refused_with_each_problem_on_its_field(
    client, monde, porteur
):
    response = _post(client, porteur, _url(monde["brouillon"], "transitions"), {"code": "deposer"})

    assert response.status_code == 400
    errors = response.json()
    assert errors["description"] == ["Ce champ est obligatoire pour déposer la demande."]
    assert errors["quartiers"] == ["Indiquez au moins un quartier où l'action se déroule."]
    assert "budget" in errors
    monde["brouillon"].refresh_from_db()
    assert monde["brouillon"].etat == E.BROUILLON


def test_a_step_needing_a_comment_asks_for_it(client, action, agent_agglo):
    mettre_a_l_etat(action, E.EN_INSTRUCTION)

    response = _post(
        client, agent_agglo, _url(action, "transitions"), {"code": "demander_complements"}
    )

    assert response.status_code == 400
    assert response.json() == {"commentaire": ["Expliquez cette décision au porteur."]}


def test_a_call_closed_to_deposits_is_a_non_field_error(client, action, porteur):
    action.appel.etat = EtatAppel.CLOS
    action.appel.save()

    response = _post(client, porteur, _url(action, "transitions"), {"code": "deposer"})

    assert response.status_code == 400
    assert "n'est pas ouvert aux dépôts" in response.json()["non_field_errors"][0]


def test_an_unknown_step_is_refused_in_french(client, action, porteur):
    response = _post(client, porteur, _url(action, "transitions"), {"code": "envoyer"})

    assert response.status_code == 400
    (message,) = response.json()["code"]
    assert "envoyer" in message and "n'est pas un choix valide" in message


VALID_SOURCES = [
    (code, etat) for code, transition in TRANSITIONS.items() for etat in sorted(transition.sources)
]


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "porteur"])
@pytest.mark.parametrize(("code", "etat"), VALID_SOURCES)
def test_the_api_follows_the_table_for_each_role(client, request, action, persona, code, etat):
    """From each state a step starts from, each persona gets what perms.can_transition
    (the table) says: the step (200, recorded), a refusal (403), or nothing (404) when it
    does not see the action."""
    user = request.getfixturevalue(persona)
    mettre_a_l_etat(action, etat)
    visible = Action.objects.for_user(user).filter(pk=action.pk).exists()
    allowed = perms.can_transition(user, action, code)

    response = _post(
        client, user, _url(action, "transitions"), {"code": code, "commentaire": COMMENTAIRE}
    )

    expected = 404 if not visible else 200 if allowed else 403
    assert response.status_code == expected, response.content
    action.refresh_from_db()
    assert action.etat == (TRANSITIONS[code].target if expected == 200 else etat)
    assert TransitionAction.objects.filter(action=action).count() == (expected == 200)


# Opinions and committee decisions ----------------------------------------------------------


def test_a_solicited_funder_gives_its_opinion(client, action, partenaire_etat, porteur):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)

    response = _post(
        client,
        partenaire_etat,
        _url(action, "avis"),
        {"sens": "reserve", "montant_propose": "2500.00", "annotation_privee": PRIVE},
    )

    assert response.status_code == 200, response.content
    avis = Avis.objects.get(action=action)
    assert (avis.sens, avis.montant_propose, avis.financeur) == (
        SensAvis.RESERVE,
        Decimal("2500.00"),
        partenaire_etat.organisation,
    )
    assert response.json()["avis"][0]["annotation_privee"] == PRIVE
    financement = Financement.objects.get(action=action, financeur=partenaire_etat.organisation)
    assert financement.montant_propose == Decimal("2500.00")
    # The porteur reads the opinion, never the annotation.
    assert PRIVE not in _get(client, porteur, _url(action)).content.decode()


def test_the_porteur_cannot_give_an_opinion(client, action, porteur):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)

    response = _post(client, porteur, _url(action, "avis"), {"sens": "favorable"})

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Votre organisation ne peut pas rendre d'avis sur cette action."
    )
    assert not Avis.objects.filter(action=action).exists()


def test_an_opinion_needs_a_known_direction_and_a_positive_amount(client, action, partenaire_etat):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)

    response = _post(
        client, partenaire_etat, _url(action, "avis"), {"sens": "", "montant_propose": "-1"}
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"sens", "montant_propose"}
    assert errors["montant_propose"] == ["Un montant ne peut être négatif."]


def test_the_committee_programs_with_the_granted_amounts(client, action, agent_agglo):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)
    lignes = list(action.financements.order_by("pk"))

    response = _post(
        client,
        agent_agglo,
        _url(action, "decision"),
        {
            "code": "programmer",
            "montants": [
                {"financement": lignes[0].pk, "montant_accorde": "5500.00"},
                {"financement": lignes[1].pk, "montant_accorde": None},
            ],
        },
    )

    assert response.status_code == 200, response.content
    action.refresh_from_db()
    assert action.etat == E.PROGRAMMEE
    assert [f.montant_accorde for f in action.financements.order_by("pk")] == [
        Decimal("5500.00"),
        None,
    ]
    assert response.json()["montant_accorde"] == "5500.00"
    assert TransitionAction.objects.get(action=action).code == "programmer"


def test_refusing_needs_a_comment(client, action, agent_agglo):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)

    response = _post(client, agent_agglo, _url(action, "decision"), {"code": "refuser"})

    assert response.status_code == 400
    assert response.json() == {"commentaire": ["Expliquez cette décision au porteur."]}


def test_an_amount_on_another_actions_funding_is_refused(
    client, action, monde, agent_agglo, partenaire_etat
):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)
    ailleurs = monde["soutien"].financements.get(financeur=partenaire_etat.organisation)

    response = _post(
        client,
        agent_agglo,
        _url(action, "decision"),
        {"code": "programmer", "montants": [{"financement": ailleurs.pk, "montant_accorde": 1}]},
    )

    assert response.status_code == 400
    assert response.json() == {"financements": ["Ce financement n'est pas sur l'action."]}
    ailleurs.refresh_from_db()
    assert ailleurs.montant_accorde == Decimal("2000")


def test_a_funder_cannot_decide_for_the_committee(client, action, partenaire_etat):
    mettre_a_l_etat(action, E.AVIS_FINANCEURS)

    response = _post(
        client, partenaire_etat, _url(action, "decision"), {"code": "ajourner", "commentaire": "x"}
    )

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Vous ne pouvez pas « ajourner »")


# Calls, conventions, bilans ----------------------------------------------------------------


def test_calls_carry_their_calendar_priorities_and_envelopes(client, monde, porteur, contrat):
    appel = monde["appel"]
    priorite = Priorite.objects.create(appel=appel, pilier=monde["cohesion"], texte="Réussite")
    priorite.objectifs.add(factories.ObjectifFactory(pilier=monde["cohesion"]))
    Enveloppe.objects.create(appel=appel, financeur=contrat.epci, montant=Decimal("50000"))

    response = _get(client, porteur, f"{API}/appels/", etat="ouvert")

    assert response.status_code == 200
    # A porteur sees every open call, Narbonne's too.
    assert {a["titre"] for a in response.json()["results"]} == {"AAP 2026", "AAP Narbonne 2026"}
    (data,) = [a for a in response.json()["results"] if a["id"] == appel.pk]
    assert (data["titre"], data["etat_libelle"]) == ("AAP 2026", "Ouvert")
    assert data["calendrier"]["date_comite"] == "2026-04-10"
    assert [(p["pilier"]["nom"], p["texte"], len(p["objectifs"])) for p in data["priorites"]] == [
        ("Cohésion sociale", "Réussite", 1)
    ]
    assert [(e["financeur"]["id"], e["montant"]) for e in data["enveloppes"]] == [
        (contrat.epci_id, "50000.00")
    ]


def test_another_contracts_agent_sees_only_its_calls(client, monde, agent_autre_contrat):
    titres = [
        a["titre"] for a in _get(client, agent_autre_contrat, f"{API}/appels/").json()["results"]
    ]
    assert titres == ["AAP Narbonne 2026"]


def test_conventions_carry_yearly_amounts_payments_and_totals(
    client, monde, porteur, outsider, agent_agglo
):
    convention = monde["convention"]
    MontantAnnuel.objects.create(convention=convention, annee=2026, montant=Decimal("4000"))

    for user in (porteur, agent_agglo):
        (data,) = _get(client, user, f"{API}/conventions/").json()["results"]
        assert (data["action"], data["annee"], data["montant"]) == (
            monde["soutien"].pk,
            2026,
            "4000.00",
        )
        assert data["montants_annuels"] == [{"annee": 2026, "montant": "4000.00"}]
        assert [(v["kind_libelle"], v["montant"]) for v in data["versements"]] == [
            ("Avance", "1000.00"),
            ("Avance", "500.00"),
        ]
        assert (data["montant_verse"], data["reste_a_verser"]) == ("1500.00", "2500.00")
    assert _get(client, outsider, f"{API}/conventions/").json()["results"] == []


def test_bilans_carry_beneficiaries_per_quartier(
    client, monde, agent_agglo, agent_autre_contrat, porteur
):
    bilan = remplir_bilan(monde["soutien"], beneficiaires_total=40)
    BilanQuartier.objects.create(bilan=bilan, quartier=monde["la_conte"], beneficiaires=30)

    (data,) = _get(client, agent_agglo, f"{API}/bilans/").json()["results"]
    assert (data["action"], data["beneficiaires_total"], data["depose"]) == (
        monde["soutien"].pk,
        40,
        False,
    )
    assert data["quartiers"] == [
        {
            "quartier": {"id": monde["la_conte"].pk, "code": "QN011001", "nom": "La Conte"},
            "beneficiaires": 30,
        }
    ]
    assert _get(client, porteur, f"{API}/bilans/", depose="false").json()["count"] == 1
    assert _get(client, porteur, f"{API}/bilans/", depose="true").json()["count"] == 0
    assert _get(client, agent_autre_contrat, f"{API}/bilans/").json()["count"] == 0


# The OpenAPI schema ---------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints_without_warnings(client, lecteur):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular emitted warnings (manage.py spectacular)"
    paths = schema["paths"]
    for path in [
        f"{ACTIONS}",
        f"{ACTIONS}{{id}}/",
        f"{ACTIONS}{{id}}/transitions/",
        f"{ACTIONS}{{id}}/avis/",
        f"{ACTIONS}{{id}}/decision/",
        f"{API}/appels/",
        f"{API}/conventions/",
        f"{API}/bilans/",
    ]:
        assert path in paths, path
    parameters = {p["name"] for p in paths[ACTIONS]["get"]["parameters"]}
    assert parameters >= {"annee", "pilier", "quartier", "porteur", "financeur", "etat", "q"}
    assert {"ordering", "page"} <= parameters
    client.force_login(lecteur)
    assert client.get("/api/v1/schema/", {"format": "json"}).status_code == 200


def test_roles_outside_the_programmation_see_no_action(client, monde, contrat):
    gup = factories.UserFactory(roles=[RoleCode.COORDINATEUR_GUP], contrats=[contrat])
    assert _intitules(_get(client, gup, ACTIONS)) == []
