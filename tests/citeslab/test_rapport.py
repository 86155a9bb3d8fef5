"""CitésLab's activity report: funnel and breakdowns computed by hand from six people,
each counted once however many meetings and stages they have; the period's first and last
days included; small counts masked for the partners on the page, in the workbook and in
the API; refused to everyone else; a fixed number of queries."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from citeslab import services
from citeslab.enums import (
    CanalEntree,
    Etape,
    KindEvenement,
    KindRencontre,
    SecteurActivite,
    Sexe,
    StatutEmploi,
)
from citeslab.models import ConfigurationCitesLab, EtapeProjet
from citeslab.selectors import rapport
from quartiers.enums import QuartierKind
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    EvenementFactory,
    OrientationFactory,
    RencontreFactory,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DEBUT, FIN = D(2021, 1, 1), D(2021, 12, 31)
PERIODE = {"debut": "01/01/2021", "fin": "31/12/2021"}
PERIODE_API = {"debut": "2021-01-01", "fin": "2021-12-31"}
API = "/api/v1/citeslab/stats/"


def personne(contrat, **kwargs):
    return BeneficiaireFactory(contrat=contrat, **kwargs)


@pytest.fixture
def jeu(contrat, autre_contrat, charge_citeslab):
    """Six people of the contract and one of another, read over 2021 (age = 2021 − birth):

    A  F 2000 (21) La Conte, permanence, DE: first contact 01/01/2021 (first day), two
       individual interviews (01/02, 01/03), an information session (01/05, with D), her
       project moved through three stages, referred to the ADIE on 31/12/2021 (last day).
    B  M 1985 (36) Le Viguier, borne, RSA: first contact 2020, individual interviews on
       31/12/2021 (in) and 01/01/2022 (out), two businesses created in 2021.
    C  F 1990 (31) Fleming (QVA), événement, salariée: first contact 31/12/2020 (out),
       registered at the Café Créa of 15/04/2021.
    D  F 1960 (61) Trèbes (no quartier), permanence, DE: first contact 2020, at the
       information session of 01/05/2021; referred on 31/12/2020 (out).
    E  M 1970 (51) La Conte: first contact 01/01/2022 (out), nothing else: not counted.
    F  F 1995 (26) La Conte, partenaire, étudiante: first contact 2019, no contact in 2021,
       referred on 01/06/2021: orientée without being touchée.
    Z  another contract's person touched in 2021: never counted here.
    Events: Café Créa 01/01/2021 (5 people) and 15/04/2021 (12, C registered), Trophées
    31/12/2021 (40), Café Créa 10/01/2022 (8, out).
    """
    conte = QuartierFactory(contrat=contrat, nom="La Conte", kind=QuartierKind.QPV)
    viguier = QuartierFactory(contrat=contrat, nom="Le Viguier", kind=QuartierKind.QPV)
    fleming = QuartierFactory(contrat=contrat, nom="Fleming", kind=QuartierKind.QVA, code="")
    F, M = Sexe.FEMME, Sexe.HOMME
    de = StatutEmploi.DEMANDEUR_EMPLOI
    a = personne(
        contrat,
        sexe=F,
        annee_naissance=2000,
        quartier=conte,
        statut_emploi=de,
        canal_entree=CanalEntree.PERMANENCE,
        date_premier_contact=D(2021, 1, 1),
        date_consentement=D(2021, 1, 1),
        nom="Benali",
        prenom="Samira",
    )
    b = personne(
        contrat,
        sexe=M,
        annee_naissance=1985,
        quartier=viguier,
        statut_emploi=StatutEmploi.ALLOCATAIRE_RSA,
        canal_entree=CanalEntree.BORNE,
        date_premier_contact=D(2020, 6, 1),
        nom="Ferrand",
        prenom="Karim",
    )
    c = personne(
        contrat,
        sexe=F,
        annee_naissance=1990,
        quartier=fleming,
        statut_emploi=StatutEmploi.SALARIE,
        canal_entree=CanalEntree.EVENEMENT,
        date_premier_contact=D(2020, 12, 31),
    )
    d = personne(
        contrat,
        sexe=F,
        annee_naissance=1960,
        quartier=None,
        commune="Trèbes",
        statut_emploi=de,
        canal_entree=CanalEntree.PERMANENCE,
        date_premier_contact=D(2020, 3, 1),
    )
    personne(
        contrat,
        sexe=M,
        annee_naissance=1970,
        quartier=conte,
        statut_emploi=de,
        date_premier_contact=D(2022, 1, 1),
    )
    f = personne(
        contrat,
        sexe=F,
        annee_naissance=1995,
        quartier=conte,
        statut_emploi=StatutEmploi.ETUDIANT,
        canal_entree=CanalEntree.PARTENAIRE,
        date_premier_contact=D(2019, 5, 5),
    )
    personne(autre_contrat, date_premier_contact=D(2021, 6, 1))  # Z
    entretien = KindRencontre.ENTRETIEN_INDIVIDUEL
    for jour in (D(2021, 2, 1), D(2021, 3, 1)):
        RencontreFactory(contrat=contrat, kind=entretien, date=jour, beneficiaires=[a])
    RencontreFactory(
        contrat=contrat, information_collective=True, date=D(2021, 5, 1), beneficiaires=[a, d]
    )
    for jour in (D(2021, 12, 31), D(2022, 1, 1)):
        RencontreFactory(contrat=contrat, kind=entretien, date=jour, beneficiaires=[b])
    projet = services.projet_creer(
        beneficiaire=a,
        idee="Épicerie",
        date=D(2021, 2, 1),
        secteur=SecteurActivite.COMMERCE,
        auteur=charge_citeslab,
    )
    for etape, jour in ((Etape.AMORCAGE, D(2021, 3, 1)), (Etape.ACCOMPAGNE, D(2021, 4, 1))):
        services.projet_changer_etape(projet=projet, etape=etape, date=jour, auteur=charge_citeslab)
    OrientationFactory(projet=projet, date=D(2021, 12, 31))
    OrientationFactory(projet__beneficiaire=d, date=D(2020, 12, 31))
    OrientationFactory(projet__beneficiaire=f, date=D(2021, 6, 1))
    CreationFactory(projet__beneficiaire=b, date=D(2021, 6, 15))
    CreationFactory(projet__beneficiaire=b, date=D(2021, 10, 1))
    EvenementFactory(contrat=contrat, date=D(2021, 1, 1), participants=5)
    EvenementFactory(contrat=contrat, date=D(2021, 4, 15), participants=12, inscrits=[c])
    EvenementFactory(contrat=contrat, trophees=True, date=D(2021, 12, 31), participants=40)
    EvenementFactory(contrat=contrat, date=D(2022, 1, 10), participants=8)
    return {"a": a, "b": b, "c": c, "d": d, "f": f, "projet": projet}  # fmt: skip


def entonnoir(r):
    return {ligne.code: ligne.valeurs["effectif"] for ligne in r.entonnoir}


def lignes(r, code):
    """{category: [touchés, accompagnés, orientés, créateurs, entreprises]} with the total."""
    rep = r.repartition(code)
    return {
        ligne.libelle: [ligne.valeurs[etape][0] for etape, _ in rep.mesures]
        for ligne in [*rep.lignes, rep.total]
    }


def test_it_counts_the_funnel_once_per_person(jeu, contrat, charge_citeslab):
    # A has three meetings and three stages: she is still one person.
    assert EtapeProjet.objects.filter(projet=jeu["projet"]).count() == 3
    r = rapport(user=charge_citeslab, contrat=contrat, debut=DEBUT, fin=FIN)
    assert r.masque is False
    # Touchées A, B, C, D; accompagnées A, B; orientées A, F; créateur B with 2 businesses.
    assert entonnoir(r) == {
        "touches": 4, "accompagnes": 2, "orientes": 2, "createurs": 1, "entreprises": 2,
    }  # fmt: skip


def test_it_breaks_the_funnel_down_by_hand(jeu, contrat, charge_citeslab):
    r = rapport(user=charge_citeslab, contrat=contrat, debut=DEBUT, fin=FIN)
    # F: touchées A, C, D; accompagnée A; orientées A, F. M: B touché, accompagné, créateur.
    assert lignes(r, "sexe") == {
        "Femme": [3, 1, 2, 0, 0], "Homme": [1, 1, 0, 1, 2], "Ensemble": [4, 2, 2, 1, 2],
    }  # fmt: skip
    # Ages in 2021: A 21, C 31, F 26, B 36, D 61 (E, 51, is not counted).
    assert lignes(r, "age") == {
        "Moins de 26 ans": [1, 1, 1, 0, 0],
        "26 à 35 ans": [1, 0, 1, 0, 0],
        "36 à 45 ans": [1, 1, 0, 1, 2],
        "46 à 55 ans": [0, 0, 0, 0, 0],
        "Plus de 55 ans": [1, 0, 0, 0, 0],
        "Ensemble": [4, 2, 2, 1, 2],
    }
    # La Conte: A (touchée, accompagnée, orientée) and F (orientée); Le Viguier: B;
    # Fleming: C; Trèbes: D.
    assert lignes(r, "residence") == {
        "La Conte (QPV)": [1, 1, 2, 0, 0],
        "Le Viguier (QPV)": [1, 1, 0, 1, 2],
        "Fleming (QVA)": [1, 0, 0, 0, 0],
        "Autres communes": [1, 0, 0, 0, 0],
        "Ensemble": [4, 2, 2, 1, 2],
    }
    canal = lignes(r, "canal")
    # Permanence: A and D; borne: B; événement: C; partenaire: F.
    assert canal["Permanence"] == [2, 1, 1, 0, 0]
    assert canal["Borne Bpifrance"] == [1, 1, 0, 1, 2]
    assert canal["Événement"] == [1, 0, 0, 0, 0]
    assert canal["Partenaire"] == [0, 0, 1, 0, 0]
    assert canal["Mission locale"] == [0, 0, 0, 0, 0]
    statut = lignes(r, "statut")
    # Demandeurs d'emploi: A and D; RSA: B; salariée: C; étudiante: F.
    assert statut["Demandeur d'emploi"] == [2, 1, 1, 0, 0]
    assert statut["Allocataire du RSA"] == [1, 1, 0, 1, 2]
    assert statut["Salarié"] == [1, 0, 0, 0, 0]
    assert statut["Étudiant"] == [0, 0, 1, 0, 0]
    assert statut["Ensemble"] == [4, 2, 2, 1, 2]


def test_it_counts_the_events_of_the_period_by_kind(jeu, contrat, charge_citeslab):
    r = rapport(user=charge_citeslab, contrat=contrat, debut=DEBUT, fin=FIN)
    evenements = {e.code: (e.nombre, e.participants) for e in r.evenements}
    # Cafés Créa of 01/01 (5) and 15/04 (12); Trophées of 31/12 (40); 2022 left out.
    assert evenements[KindEvenement.CAFE_CREA] == (2, 17)
    assert evenements[KindEvenement.TROPHEES] == (1, 40)
    assert evenements[KindEvenement.SALON] == (0, 0)
    assert (r.evenements_total.nombre, r.evenements_total.participants) == (3, 57)


def test_the_period_bounds_move_people_in_and_out(jeu, contrat, charge_citeslab):
    # 2022 alone: E (first contact 01/01/2022) and B (interview 01/01/2022) are touched.
    r = rapport(user=charge_citeslab, contrat=contrat, debut=D(2022, 1, 1), fin=D(2022, 12, 31))
    assert entonnoir(r) == {
        "touches": 2, "accompagnes": 1, "orientes": 0, "createurs": 0, "entreprises": 0,
    }  # fmt: skip
    # 02/01/2021 – 30/12/2021: A still touched by her meetings, B's interview of 31/12 and
    # A's referral of 31/12 left out; C, D, F, B's creations still in.
    r = rapport(user=charge_citeslab, contrat=contrat, debut=D(2021, 1, 2), fin=D(2021, 12, 30))
    assert entonnoir(r) == {
        "touches": 3, "accompagnes": 1, "orientes": 1, "createurs": 1, "entreprises": 2,
    }  # fmt: skip


def test_partners_read_masked_counts(jeu, contrat, lecteur):
    r = rapport(user=lecteur, contrat=contrat, debut=DEBUT, fin=FIN)
    assert r.masque is True and r.seuil == 3
    assert entonnoir(r) == {
        "touches": 4, "accompagnes": "< 3", "orientes": "< 3", "createurs": "< 3",
        "entreprises": "< 3",
    }  # fmt: skip
    # Touchées F 3, M 1 (total 4): M masked alone, so F goes « secret » too.
    # Accompagnées 1 and 1: both masked, and their total 2 as well.
    assert lignes(r, "sexe") == {
        "Femme": ["secret", "< 3", "< 3", 0, 0],
        "Homme": ["< 3", "< 3", 0, "< 3", "< 3"],
        "Ensemble": [4, "< 3", "< 3", "< 3", "< 3"],
    }


def test_the_threshold_comes_from_the_configuration(jeu, contrat, agent_agglo):
    ConfigurationCitesLab.objects.create(contrat=contrat, seuil_masquage=2)
    r = rapport(user=agent_agglo, contrat=contrat, debut=DEBUT, fin=FIN)
    # Threshold 2: only the 1s are masked; créateurs 1 alone, entreprises 2 shown.
    assert entonnoir(r) == {
        "touches": 4, "accompagnes": 2, "orientes": 2, "createurs": "< 2", "entreprises": 2,
    }  # fmt: skip


def test_the_page_shows_the_funnel_and_the_tables(jeu, contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    response = client.get(reverse("citeslab:rapport"), PERIODE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rapport d'activité de CitésLab" in html
    assert "Tableau — Du premier contact à la création" in html
    assert "Tableau — Par lieu de résidence" in html and "Fleming (QVA)" in html
    assert "Effectifs exacts" in html and "&lt; 3" not in html
    assert "Benali" not in html and "Samira" not in html
    assert 'href="/citeslab/rapport/excel/?debut=01%2F01%2F2021' in html


def test_the_page_masks_small_counts_for_partners(jeu, contrat, lecteur, client):
    client.force_login(lecteur)
    html = client.get(reverse("citeslab:rapport"), PERIODE).content.decode()
    assert "&lt; 3" in html and "secret" in html
    assert "Benali" not in html and "Ferrand" not in html and "Karim" not in html


def test_the_period_defaults_to_the_current_year(contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    response = client.get(reverse("citeslab:rapport"))
    annee = datetime.date.today().year
    assert response.context["rapport"].debut == D(annee, 1, 1)
    assert response.context["rapport"].fin == D(annee, 12, 31)


@pytest.mark.parametrize(
    "periode, champ, message",
    [
        ({"debut": "2021-01-01"}, "debut", "Indiquez une date au format jj/mm/aaaa"),
        ({"debut": "31/12/2021", "fin": "01/01/2021"}, "fin", "La date de fin précède"),
        ({"debut": "01/01/2011", "fin": "01/01/2021"}, "fin", "10 ans au plus"),
    ],
)
def test_the_period_is_checked_in_french(contrat, charge_citeslab, client, periode, champ, message):
    client.force_login(charge_citeslab)
    response = client.get(reverse("citeslab:rapport"), periode)
    assert response.context["rapport"] is None
    assert message in response.context["form"].errors[champ][0]
    assert "Corrigez la période" in response.content.decode()
    excel = client.get(reverse("citeslab:rapport_excel"), periode)
    assert excel.status_code == 400 and message in excel.content.decode()


def test_ten_years_exactly_are_accepted(contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    response = client.get(reverse("citeslab:rapport"), {"debut": "01/01/2012", "fin": "31/12/2021"})
    assert response.context["rapport"] is not None


def test_the_workbook_opens_with_its_titles_and_masked_counts(jeu, contrat, lecteur, client):
    client.force_login(lecteur)
    response = client.get(reverse("citeslab:rapport_excel"), PERIODE)
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "Entonnoir", "Sexe", "Âge", "Résidence", "Canal d'entrée", "Situation d'emploi",
        "Événements",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in workbook["Sexe"].iter_rows()]
    assert rows[0][0] == "CitésLab — par sexe"
    assert rows[1][0].startswith(
        "Contrat de ville de Carcassonne Agglo — du 01/01/2021 au 31/12/2021"
    )
    assert rows[2][0].startswith("Petits effectifs masqués : « < 3 »")
    assert rows[5] == [
        "Catégorie", "Personnes touchées", "Personnes accompagnées", "Personnes orientées",
        "Créateurs d'entreprise", "Entreprises créées",
    ]  # fmt: skip
    assert rows[6] == ["Femme", "secret", "< 3", "< 3", 0, 0]
    assert rows[8] == ["Ensemble", 4, "< 3", "< 3", "< 3", "< 3"]
    funnel = [[c.value for c in row] for row in workbook["Entonnoir"].iter_rows(min_row=6)]
    assert funnel[:2] == [["Étape", "Effectif"], ["Personnes touchées", 4]]
    events = [[c.value for c in row] for row in workbook["Événements"].iter_rows(min_row=6)]
    assert events[-1] == ["Ensemble", 3, 57]
    texte = " ".join(str(c.value) for s in workbook for row in s.iter_rows() for c in row)
    assert "Benali" not in texte and "Samira" not in texte


def test_the_staff_workbook_is_exact_and_says_so(jeu, contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    response = client.get(reverse("citeslab:rapport_excel"), PERIODE)
    sheet = load_workbook(BytesIO(response.content))["Sexe"]
    assert sheet["A3"].value.startswith("Effectifs exacts, non masqués")
    assert [c.value for c in sheet[7]] == ["Femme", 3, 1, 2, 0, 0]


def test_the_api_gives_the_same_report_masked_for_partners(jeu, contrat, partenaire_etat, client):
    client.force_login(partenaire_etat)
    response = client.get(API, PERIODE_API)
    assert response.status_code == 200
    data = response.json()
    assert data["debut"] == "2021-01-01" and data["fin"] == "2021-12-31"
    assert data["masque"] is True and data["seuil_masquage"] == 3
    assert [e["effectif"] for e in data["entonnoir"]] == [4, "< 3", "< 3", "< 3", "< 3"]
    sexe = data["repartitions"][0]
    assert sexe["code"] == "sexe"
    assert sexe["lignes"][0]["valeurs"]["touches"] == ["secret"]
    assert sexe["total"]["valeurs"]["touches"] == [4]
    assert data["evenements"]["total"] == {
        "code": "total", "libelle": "Ensemble", "nombre": 3, "participants": 57,
    }  # fmt: skip
    assert "Benali" not in response.content.decode()


def test_the_api_is_exact_for_the_staff(jeu, contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    data = client.get(API, {**PERIODE_API, "contrat": contrat.pk}).json()
    assert data["masque"] is False
    assert [e["effectif"] for e in data["entonnoir"]] == [4, 2, 2, 1, 2]


def test_the_api_refuses_bad_dates_in_french(contrat, charge_citeslab, client):
    client.force_login(charge_citeslab)
    response = client.get(API, {"debut": "01/01/2021"})
    assert response.status_code == 400
    assert response.json() == {
        "debut": ["Indiquez une date au format AAAA-MM-JJ (exemple : 2026-11-25)."]
    }
    response = client.get(API, {"debut": "2021-12-31", "fin": "2021-01-01"})
    assert response.status_code == 400
    assert response.json() == {"fin": ["La date de fin précède la date de début."]}


@pytest.mark.parametrize(
    "persona", ["charge_citeslab", "agent_agglo", "lecteur", "partenaire_etat", "superuser"]
)
def test_the_staff_and_the_partners_read_the_report(jeu, contrat, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    session = client.session
    session["contrat_id"] = contrat.pk
    session.save()
    assert client.get(reverse("citeslab:rapport"), PERIODE).status_code == 200
    assert client.get(reverse("citeslab:rapport_excel"), PERIODE).status_code == 200
    assert client.get(API, PERIODE_API).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["porteur", "outsider", "referent_pre", "coordinateur_gup", "membre_eps"],
)  # fmt: skip
def test_the_others_are_refused(jeu, contrat, persona, request, client):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        rapport(user=user, contrat=contrat, debut=DEBUT, fin=FIN)
    client.force_login(user)
    assert client.get(reverse("citeslab:rapport"), PERIODE).status_code == 403
    assert client.get(reverse("citeslab:rapport_excel"), PERIODE).status_code == 403
    assert client.get(API, PERIODE_API).status_code == 403
    assert client.get(API, {**PERIODE_API, "contrat": contrat.pk}).status_code in (403, 404)


@pytest.mark.parametrize("persona", ["agent_autre_contrat", "charge_autre_contrat"])
def test_another_contracts_people_read_only_their_own(jeu, contrat, autre_contrat, persona,
                                                      request, client):  # fmt: skip
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        rapport(user=user, contrat=contrat, debut=DEBUT, fin=FIN)
    # Z, touched on 01/06/2021, is the only person of the other contract (masked « < 3 »
    # for its PDV agent).
    touches = 1 if persona == "charge_autre_contrat" else "< 3"
    assert entonnoir(rapport(user=user, contrat=autre_contrat, debut=DEBUT, fin=FIN)) == {
        "touches": touches, "accompagnes": 0, "orientes": 0, "createurs": 0, "entreprises": 0,
    }  # fmt: skip
    client.force_login(user)
    page = client.get(reverse("citeslab:rapport"), PERIODE).content.decode()
    assert "Grand Narbonne" in page and "Carcassonne" not in page
    assert client.get(API, {**PERIODE_API, "contrat": contrat.pk}).status_code == 404


def more_people(contrat, n):
    """`n` more people touched, interviewed and referred in July 2021."""
    for _ in range(n):
        b = personne(contrat, date_premier_contact=D(2021, 7, 1))
        RencontreFactory(contrat=contrat, date=D(2021, 7, 2), beneficiaires=[b])
        OrientationFactory(projet__beneficiaire=b, date=D(2021, 7, 3))


def test_the_query_count_is_fixed(jeu, contrat, charge_citeslab, django_assert_num_queries):
    # is_citeslab_staff (roles already read by the fixture's services), quartiers, the
    # grouped funnel, the events by kind, the threshold: 5.
    with django_assert_num_queries(5):
        rapport(user=charge_citeslab, contrat=contrat, debut=DEBUT, fin=FIN)
    more_people(contrat, 20)
    with django_assert_num_queries(5):
        r = rapport(user=charge_citeslab, contrat=contrat, debut=DEBUT, fin=FIN)
    # 4 + 20 touchées, 2 + 20 accompagnées (interviews), 2 + 20 orientées.
    assert entonnoir(r)["touches"] == 24 and entonnoir(r)["accompagnes"] == 22
    assert entonnoir(r)["orientes"] == 22


def test_the_page_and_the_api_query_counts_are_locked(jeu, contrat, lecteur, client,
                                                      django_assert_num_queries):  # fmt: skip
    client.force_login(lecteur)
    url = reverse("citeslab:rapport")
    client.get(url, PERIODE)  # warm up
    # Session, user, current contract, user's roles; can_view_citeslab_stats (the contract
    # among the user's: 1); quartiers, grouped funnel, events, threshold; the layout's
    # contract chooser and the user's organisation: 11.
    with django_assert_num_queries(11):
        client.get(url, PERIODE)
    # The same without the layout: 9.
    with django_assert_num_queries(9):
        client.get(API, PERIODE_API)
    more_people(contrat, 10)
    with django_assert_num_queries(11):
        client.get(url, PERIODE)
    with django_assert_num_queries(9):
        client.get(API, PERIODE_API)
