"""Pathways: the active file and its cap, the waiting list, a pathway's actions shared by the
price grid, its exit with the family's questionnaire, and who may reach them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pre.enums import EtatParcours
from pre.models import ActionParcours, ConfigurationPRE, JournalAcces, ResponsableLegal
from tests.pre.factories import EnfantFactory
from tests.pre.factories_parcours import ActionFactory, ParcoursFactory, grille_standard

pytestmark = pytest.mark.django_db

NON_PRE = [
    "agent_agglo", "lecteur", "partenaire_etat", "porteur", "coordinateur_gup", "superuser",
    "agent_autre_contrat", "membre_eps",
]  # fmt: skip


@pytest.fixture
def plafond_2(contrat):
    ConfigurationPRE.objects.update_or_create(contrat=contrat, defaults={"plafond_file_active": 2})


@pytest.fixture
def lea(contrat):
    return EnfantFactory(contrat=contrat, nom="Martinez", prenom="Léa")


@pytest.fixture
def parcours(lea, referent_pre):
    return ParcoursFactory(enfant=lea, referent=referent_pre)


def test_the_list_shows_the_cap_the_waiting_list_oldest_first(
    client, referent_pre, contrat, plafond_2
):
    ParcoursFactory(enfant=EnfantFactory(contrat=contrat, nom="Bernard", prenom="Noé"))
    ParcoursFactory(
        en_attente=True, date_inscription=datetime.date(2026, 3, 1),
        enfant=EnfantFactory(contrat=contrat, nom="Récent", prenom="Tom"),
    )  # fmt: skip
    ParcoursFactory(
        en_attente=True, date_inscription=datetime.date(2026, 2, 1),
        enfant=EnfantFactory(contrat=contrat, nom="Ancien", prenom="Zoé"),
    )  # fmt: skip
    client.force_login(referent_pre)
    page = client.get(reverse("pre:parcours_list")).content.decode()
    assert "1 parcours actifs sur un plafond de 2" in page
    assert "Noé Bernard" in page
    assert page.index("Zoé Ancien") < page.index("Tom Récent")
    # One read per child shown, in the coordinator's log.
    assert JournalAcces.objects.filter(objet="liste des parcours").count() == 3


def test_a_pathway_starts_from_the_waiting_list_within_the_cap(
    client, referent_pre, contrat, plafond_2
):
    ParcoursFactory(enfant=EnfantFactory(contrat=contrat))
    attente = ParcoursFactory(en_attente=True, enfant=EnfantFactory(contrat=contrat))
    autre = ParcoursFactory(en_attente=True, enfant=EnfantFactory(contrat=contrat))
    client.force_login(referent_pre)

    url = reverse("pre:parcours_demarrer", args=[attente.pk])
    response = client.post(url, {"demarrer-version": 1, "demarrer-date_entree": "2026-04-01"})
    assert response.status_code == 302
    attente.refresh_from_db()
    assert (attente.etat, attente.date_entree) == (EtatParcours.ACTIF, datetime.date(2026, 4, 1))

    # Two active pathways for a cap of 2: the next one is refused, in French.
    response = client.post(
        reverse("pre:parcours_demarrer", args=[autre.pk]),
        {"demarrer-version": 1, "demarrer-date_entree": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "La file active est complète (2 parcours actifs sur un plafond de 2)" in (
        response.content.decode()
    )
    autre.refresh_from_db()
    assert autre.etat == EtatParcours.EN_ATTENTE


def test_an_action_is_shared_by_the_highest_quotient_of_the_guardians(
    client, referent_pre, contrat, parcours
):
    grille_standard(contrat)
    for qf in (300, 650, None):
        ResponsableLegal.objects.create(
            enfant=parcours.enfant, lien="mere", nom="X", prenom="Y", quotient_familial=qf
        )
    client.force_login(referent_pre)
    response = client.post(
        reverse("pre:parcours_action_create", args=[parcours.pk]),
        _prefixe("action", axe="scolarite", intitule="Soutien", date="2026-03-02", cout="120,00"),
    )
    assert response.status_code == 302
    action = ActionParcours.objects.get(parcours=parcours)
    assert (action.part_famille, action.part_pre) == (Decimal("12.00"), Decimal("108.00"))
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    assert "12,00\u00a0€" in page and "108,00\u00a0€" in page
    assert "650 €" in page


def test_without_a_known_quotient_the_pre_pays_everything(client, referent_pre, contrat, parcours):
    grille_standard(contrat)
    client.force_login(referent_pre)
    client.post(
        reverse("pre:parcours_action_create", args=[parcours.pk]),
        _prefixe("action", axe="scolarite", intitule="Soutien", date="2026-03-02", cout="120"),
    )
    action = ActionParcours.objects.get(parcours=parcours)
    assert (action.part_famille, action.part_pre) == (Decimal("0.00"), Decimal("120.00"))
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    assert "Quotient familial inconnu" in page


def test_the_detail_is_logged_and_never_names_the_child_in_its_title(
    client, referent_pre, parcours
):
    client.force_login(referent_pre)
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    assert "Léa Martinez" in page
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Martinez" not in title and f"enfant n° {parcours.enfant_id}" in title
    lecture = JournalAcces.objects.get()
    assert (lecture.enfant_numero, lecture.objet, lecture.utilisateur) == (
        parcours.enfant_id, "fiche parcours", referent_pre,
    )  # fmt: skip


def test_every_field_of_the_pathways_page_has_its_own_id(client, referent_pre, parcours):
    client.force_login(referent_pre)
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [i for i in set(ids) if ids.count(i) > 1] == []
    # Each form's date has its label.
    for prefix in ("action", "revue", "sortie"):
        assert f'for="id_{prefix}-date' in page


def test_a_review_records_the_parents_adherence(client, referent_pre, parcours):
    client.force_login(referent_pre)
    url = reverse("pre:parcours_revue_create", args=[parcours.pk])
    client.post(url, _prefixe("revue", date="2026-03-10", contenu="Assidue.", adhesion="3"))
    # An earlier review, recorded later, leaves the pathway's adherence to the latest one.
    client.post(url, _prefixe("revue", date="2026-02-10", contenu="Timide.", adhesion="1"))
    parcours.refresh_from_db()
    assert parcours.adhesion == 3 and parcours.version == 2
    assert [(r.date.month, r.adhesion) for r in parcours.revues.order_by("date")] == [
        (2, 1), (3, 3)
    ]  # fmt: skip
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    assert "adhésion des parents : bonne" in page


def _sortie(version=1, **valeurs):
    data = {
        "version": version, "date_sortie": "2026-06-30", "motif_sortie": "objectifs_atteints",
        "adhesion": "3", "q_besoins": "4", "q_ecoute": "3", "q_actions": "",
        "q_progres": "4", "q_recommandation": "4", "commentaire": "Merci à l'équipe.",
    }  # fmt: skip
    data.update(valeurs)
    return _prefixe("sortie", **data)


def _prefixe(prefix, **data):
    """A form of the pathway's page, as its fields are named there."""
    return {f"{prefix}-{name}": value for name, value in data.items()}


def test_the_exit_stores_the_questionnaire(client, referent_pre, parcours):
    client.force_login(referent_pre)
    response = client.post(reverse("pre:parcours_sortie", args=[parcours.pk]), _sortie())
    assert response.status_code == 302
    parcours.refresh_from_db()
    assert parcours.etat == EtatParcours.CLOS
    assert parcours.date_sortie == datetime.date(2026, 6, 30)
    assert parcours.satisfaction == {
        "besoins": 4, "ecoute": 3, "actions": None, "progres": 4, "recommandation": 4,
        "commentaire": "Merci à l'équipe.",
    }  # fmt: skip
    page = client.get(reverse("pre:parcours_detail", args=[parcours.pk])).content.decode()
    assert "Tout à fait d&#x27;accord" in page and "Sans réponse" in page


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"date_sortie": ""}, "Indiquez la date."),
        ({"motif_sortie": ""}, "Indiquez le motif de sortie."),
        ({"adhesion": ""}, "Indiquez l&#x27;adhésion des parents."),
        ({"q_besoins": "7"}, "Choisissez une réponse de 1 à 4."),
        ({"date_sortie": "2026-01-02"}, "La sortie ne peut précéder l&#x27;entrée en parcours."),
        ({"date_sortie": "2099-01-02"}, "La date de sortie ne peut être dans le futur."),
        ({"version": 7}, "Ce parcours a été modifié entre-temps"),
    ],
)
def test_a_wrong_exit_is_refused_in_french(client, referent_pre, parcours, valeurs, message):
    client.force_login(referent_pre)
    response = client.post(reverse("pre:parcours_sortie", args=[parcours.pk]), _sortie(**valeurs))
    assert response.status_code == 400
    assert message in response.content.decode()
    parcours.refresh_from_db()
    assert parcours.etat == EtatParcours.ACTIF and parcours.satisfaction is None


def test_an_edit_checks_the_version(client, referent_pre, parcours):
    client.force_login(referent_pre)
    url = reverse("pre:parcours_edit", args=[parcours.pk])
    data = {"version": 1, "referent": referent_pre.pk, "axes": ["sante", "loisirs"],
            "objectifs": "Reprendre confiance", "adhesion": "2"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    parcours.refresh_from_db()
    assert (parcours.axes, parcours.objectifs, parcours.version) == (
        ["sante", "loisirs"], "Reprendre confiance", 2,
    )  # fmt: skip
    response = client.post(url, {**data, "objectifs": "Autre"})  # still version 1
    assert response.status_code == 400
    assert "modifié entre-temps" in response.content.decode()


@pytest.mark.parametrize("persona", NON_PRE)
def test_no_other_persona_reaches_a_pathway(client, parcours, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in [
        reverse("pre:parcours_list"), reverse("pre:parcours_detail", args=[parcours.pk]),
        reverse("pre:grille"), reverse("pre:budget"), reverse("pre:budget_excel"),
        "/api/v1/pre/parcours/", f"/api/v1/pre/parcours/{parcours.pk}/",
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert b"Martinez" not in response.content
    response = client.post(reverse("pre:parcours_sortie", args=[parcours.pk]), _sortie())
    assert response.status_code in (403, 404)
    assert not JournalAcces.objects.exists()


def test_the_pre_of_another_contract_gets_a_404(client, parcours, autre_contrat):
    from cdv.enums import RoleCode
    from tests import factories

    ailleurs = factories.UserFactory(roles=[RoleCode.REFERENT_PRE], contrats=[autre_contrat])
    client.force_login(ailleurs)
    assert client.get(reverse("pre:parcours_detail", args=[parcours.pk])).status_code == 404
    assert client.get(f"/api/v1/pre/parcours/{parcours.pk}/").status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_list_and_api_query_counts_do_not_grow(client, referent_pre, contrat):
    client.force_login(referent_pre)
    ActionFactory(parcours=ParcoursFactory(enfant=EnfantFactory(contrat=contrat)))
    liste = _queries(client, reverse("pre:parcours_list"))
    api = _queries(client, "/api/v1/pre/parcours/")
    for _ in range(3):
        p = ParcoursFactory(enfant=EnfantFactory(contrat=contrat))
        ActionFactory(parcours=p)
        ParcoursFactory(en_attente=True, enfant=EnfantFactory(contrat=contrat))
    # Session, user, roles, contract, its PRE membership check, référents, the cap's count and
    # configuration, the pathways with their children, the log's bulk insert.
    assert _queries(client, reverse("pre:parcours_list")) == liste
    # Session, user, roles (twice: read rule, scope), the page's count, pathways, actions.
    assert _queries(client, "/api/v1/pre/parcours/") == api


def test_the_api_gives_pathways_with_actions_without_names(client, referent_pre, parcours):
    ActionFactory(parcours=parcours, cout=Decimal("120"), part_famille=Decimal("12"),
                  part_pre=Decimal("108"))  # fmt: skip
    client.force_login(referent_pre)
    data = client.get("/api/v1/pre/parcours/").json()
    assert data["count"] == 1
    ligne = data["results"][0]
    assert ligne["enfant"] == parcours.enfant_id
    assert [(a["cout"], a["part_famille"], a["part_pre"]) for a in ligne["actions"]] == [
        ("120.00", "12.00", "108.00")
    ]
    assert "Martinez" not in str(data)
