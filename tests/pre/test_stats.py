"""The PRE's statistics: counts computed by hand from seven pathways, small counts masked
on the page, in the workbook and in the API, read by the PRE's staff and the contract's
partners only."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdv.enums import RoleCode
from pre.enums import DecisionEPS, EtatParcours, KindReperant, MotifSortie, Sexe
from pre.models import ConfigurationPRE, Parcours, SituationCommission
from pre.selectors import (  # noqa: I001
    MESURES,
    Ligne,
    Repartition,
    masquer,
    masquer_repartition,
    parcours_pour_statistiques,
    statistiques,
)
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PERIODE = {"debut": "2021", "fin": "2022"}


def parcours(contrat, *, sexe, naissance, quartier, entree, sortie=None, motif="", adhesion=None,
             reperant=KindReperant.EDUCATION_NATIONALE, equipe=None, etat=None):  # fmt: skip
    enfant = EnfantFactory(
        contrat=contrat, sexe=sexe, date_naissance=D(naissance, 5, 1), quartier=quartier
    )
    reperage = ReperageFactory(enfant=enfant, reperant=reperant, commentaire="Très fragile")
    if equipe is not None:
        SituationCommission.objects.create(
            commission=CommissionFactory(equipe=equipe, date=D(2020, 6, 1)),
            reperage=reperage,
            decision=DecisionEPS.ENTREE,
            commentaire="Famille suivie",
        )
    if etat is None:
        etat = EtatParcours.CLOS if sortie else EtatParcours.ACTIF
    return Parcours.objects.create(
        enfant=enfant, reperage=reperage, etat=etat, date_entree=entree, date_sortie=sortie,
        motif_sortie=motif, adhesion=adhesion, objectifs="Lire couramment",
    )  # fmt: skip


@pytest.fixture
def jeu(contrat):
    """Seven pathways (years 2021 and 2022 are read):
    P1 F 2015 A  entered 01/09/2020, exited 30/06/2021 (objectifs), adhesion 3, EN, EPS Ouest
    P2 F 2016 A  entered 10/01/2021, open, adhesion 4, EN, EPS Ouest
    P3 M 2010 B  entered 01/03/2021, exited 01/02/2022 (déménagement), adhesion 2, centre social
    P4 M 2018 —  entered 01/05/2022, open, no adhesion, parents
    P5 F 2009 A  entered 01/09/2022, open, adhesion 3, EN, EPS Ouest
    P6 M 2014 B  entered 01/01/2019, exited 31/12/2020: in neither year
    P7 F 2015 A  on the waiting list: never counts
    """
    a = QuartierFactory(contrat=contrat, nom="La Conte")
    b = QuartierFactory(contrat=contrat, nom="Le Viguier")
    ouest = EquipeFactory(contrat=contrat, nom="Ouest")
    F, M = Sexe.FILLE, Sexe.GARCON
    return [
        parcours(contrat, sexe=F, naissance=2015, quartier=a, entree=D(2020, 9, 1),
                 sortie=D(2021, 6, 30), motif=MotifSortie.OBJECTIFS_ATTEINTS, adhesion=3,
                 equipe=ouest),
        parcours(contrat, sexe=F, naissance=2016, quartier=a, entree=D(2021, 1, 10), adhesion=4,
                 equipe=ouest),
        parcours(contrat, sexe=M, naissance=2010, quartier=b, entree=D(2021, 3, 1),
                 sortie=D(2022, 2, 1), motif=MotifSortie.DEMENAGEMENT, adhesion=2,
                 reperant=KindReperant.CENTRE_SOCIAL),
        parcours(contrat, sexe=M, naissance=2018, quartier=None, entree=D(2022, 5, 1),
                 reperant=KindReperant.PARENTS),
        parcours(contrat, sexe=F, naissance=2009, quartier=a, entree=D(2022, 9, 1), adhesion=3,
                 equipe=ouest),
        parcours(contrat, sexe=M, naissance=2014, quartier=b, entree=D(2019, 1, 1),
                 sortie=D(2020, 12, 31), motif=MotifSortie.AUTRE),
        parcours(contrat, sexe=F, naissance=2015, quartier=a, entree=None,
                 etat=EtatParcours.EN_ATTENTE),
    ]  # fmt: skip


def lignes(stats, code, mesure="actifs"):
    r = stats.repartition(code)
    return {ligne.libelle: ligne.valeurs[mesure] for ligne in [*r.lignes, r.total]}


def test_it_counts_the_file_active_entries_and_exits_by_hand(jeu, contrat, referent_pre):
    stats = statistiques(user=referent_pre, contrat=contrat, annees=[2021, 2022])
    # 2021: P1, P2, P3 active; P2, P3 entered; P1 exited.
    # 2022: P2, P3, P4, P5 active; P4, P5 entered; P3 exited.
    assert lignes(stats, "sexe")["Ensemble"] == [3, 4]
    assert lignes(stats, "sexe", "entrees")["Ensemble"] == [2, 2]
    assert lignes(stats, "sexe", "sorties")["Ensemble"] == [1, 1]
    # Sex: 2021 F = P1, P2; M = P3. 2022 F = P2, P5; M = P3, P4.
    assert lignes(stats, "sexe") == {"Fille": [2, 2], "Garçon": [1, 2], "Ensemble": [3, 4]}
    # Age = year − birth year: 2021 P1 6, P2 5, P3 11; 2022 P2 6, P3 12, P4 4, P5 13.
    assert lignes(stats, "age") == {
        "2-5 ans": [1, 1], "6-11 ans": [2, 1], "12-16 ans": [0, 2], "Autre âge": [0, 0],
        "Ensemble": [3, 4],
    }  # fmt: skip
    # Quartier: 2021 A = P1, P2; B = P3. 2022 A = P2, P5; B = P3; none = P4.
    assert lignes(stats, "quartier") == {
        "La Conte": [2, 2], "Le Viguier": [1, 1], "Hors quartiers": [0, 1], "Ensemble": [3, 4],
    }  # fmt: skip
    # Team that decided the entry: P1, P2 (2021), P2, P5 (2022).
    equipes = lignes(stats, "equipe")
    assert equipes["EPS Ouest"] == [2, 2] and equipes["Sans décision d'EPS"] == [1, 2]
    reperants = lignes(stats, "reperant")
    assert reperants["Éducation nationale"] == [2, 2]
    assert reperants["Centre social"] == [1, 1] and reperants["Parents"] == [0, 1]
    adhesion = lignes(stats, "adhesion")
    assert adhesion["Bonne"] == [1, 1] and adhesion["Très bonne"] == [1, 1]
    assert adhesion["Moyenne"] == [1, 1] and adhesion["Non renseignée"] == [0, 1]
    motifs = lignes(stats, "motif_sortie", "sorties")
    assert motifs["Objectifs atteints"] == [1, 0] and motifs["Déménagement"] == [0, 1]


def test_small_counts_are_masked_zero_stays_zero():
    assert masquer(2, 3) == "< 3" and masquer(1, 3) == "< 3"
    assert masquer(0, 3) == 0 and masquer(3, 3) == 3


def test_a_lone_masked_cell_takes_the_next_smallest_with_it():
    # Column 2 / 5 / 7 (total 14): alone, « < 3 » would be 14 − 5 − 7.
    r = Repartition(
        "x", "X", [MESURES[0]],
        [Ligne("a", "A", {"actifs": [2]}), Ligne("b", "B", {"actifs": [5]}),
         Ligne("c", "C", {"actifs": [7]}), Ligne("d", "D", {"actifs": [0]})],
        Ligne("total", "Ensemble", {"actifs": [14]}),
    )  # fmt: skip
    masquee = masquer_repartition(r, 3)
    assert [ligne.valeurs["actifs"][0] for ligne in masquee.lignes] == ["< 3", "secret", 7, 0]
    assert masquee.total.valeurs["actifs"] == [14]


def test_the_page_shows_masked_counts_and_no_identity(jeu, contrat, lecteur, client):
    client.force_login(lecteur)
    response = client.get(reverse("pre:stats"), PERIODE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistiques du PRE" in html and "&lt; 3" in html
    assert "Durandal" not in html and "Léa" not in html


def test_the_period_is_checked_with_a_french_message(jeu, contrat, lecteur, client):
    client.force_login(lecteur)
    response = client.get(reverse("pre:stats"), {"debut": "2022", "fin": "2021"})
    assert "L&#x27;année de fin précède l&#x27;année de début." in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["referent_pre", "agent_agglo", "lecteur", "partenaire_etat", "superuser"]
)
def test_the_staff_and_the_partners_read_the_statistics(jeu, contrat, persona, request, client):
    user = request.getfixturevalue(persona)
    assert parcours_pour_statistiques(user, contrat).count() == 7
    client.force_login(user)
    if persona == "superuser":
        session = client.session
        session["contrat_id"] = contrat.pk
        session.save()
    assert client.get(reverse("pre:stats"), PERIODE).status_code == 200
    assert client.get(reverse("pre:stats_excel"), PERIODE).status_code == 200
    assert (
        client.get("/api/v1/pre/statistiques/", {**PERIODE, "contrat": contrat.pk}).status_code
        == 200
    )


@pytest.mark.parametrize("persona", ["porteur", "coordinateur_gup", "membre_eps"])
def test_the_others_are_refused(jeu, contrat, persona, request, client):
    user = request.getfixturevalue(persona)
    assert not parcours_pour_statistiques(user, contrat).exists()
    client.force_login(user)
    assert client.get(reverse("pre:stats"), PERIODE).status_code == 403
    assert client.get(reverse("pre:stats_excel"), PERIODE).status_code == 403
    api = client.get("/api/v1/pre/statistiques/", {"contrat": contrat.pk})
    assert api.status_code in (403, 404)


def test_the_workbook_is_masked_the_same_way(jeu, contrat, agent_agglo, client):
    client.force_login(agent_agglo)
    response = client.get(reverse("pre:stats_excel"), PERIODE)
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["Sexe"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Catégorie", "File active 2021", "File active 2022"]
    # F 2 / 2, M 1 / 2 (total 3 / 4): every cell under 3 is masked.
    assert rows[1][:3] == ["Fille", "< 3", "< 3"]
    assert rows[2][:3] == ["Garçon", "< 3", "< 3"]
    assert rows[3][:3] == ["Ensemble", 3, 4]


def test_the_api_gives_masked_figures(jeu, contrat, partenaire_etat, client):
    client.force_login(partenaire_etat)
    ConfigurationPRE.objects.create(contrat=contrat, seuil_masquage=2)
    response = client.get("/api/v1/pre/statistiques/", {**PERIODE, "contrat": contrat.pk})
    data = response.json()
    assert data["annees"] == [2021, 2022] and data["seuil_masquage"] == 2
    sexe = data["repartitions"][0]
    assert sexe["code"] == "sexe"
    # Threshold 2: M 2021 = 1 → « < 2 », alone in its column, so F (2) goes « secret ».
    assert sexe["lignes"][0]["valeurs"]["actifs"] == ["secret", 2]
    assert sexe["lignes"][1]["valeurs"]["actifs"] == ["< 2", 2]
    assert sexe["total"]["valeurs"]["actifs"] == [3, 4]
    assert "Durandal" not in response.content.decode()


def test_the_query_count_is_fixed(jeu, contrat, referent_pre, django_assert_num_queries):
    # The user's roles (read once), can_view check, seuil, one aggregate per breakdown (7).
    with django_assert_num_queries(10):
        statistiques(user=referent_pre, contrat=contrat, annees=[2021, 2022])
    # The roles are now known: 9.
    parcours(contrat, sexe=Sexe.FILLE, naissance=2012, quartier=None, entree=D(2021, 2, 2))
    with django_assert_num_queries(9):
        statistiques(user=referent_pre, contrat=contrat, annees=[2021, 2022])


def test_another_contracts_agent_reads_only_its_own(jeu, contrat, agent_autre_contrat, client):
    assert agent_autre_contrat.has_role(RoleCode.ADMIN_PDV)
    assert not parcours_pour_statistiques(agent_autre_contrat, contrat).exists()
    client.force_login(agent_autre_contrat)
    assert client.get("/api/v1/pre/statistiques/", {"contrat": contrat.pk}).status_code == 404
    page = client.get(reverse("pre:stats"), PERIODE).content.decode()
    assert "Grand Narbonne" in page and "Carcassonne" not in page
