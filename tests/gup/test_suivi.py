"""The document de suivi and the statistics, on screen, in Excel and through the API: what
each persona sees, the French messages on bad filters, locked query counts, the workbooks
opened back with openpyxl."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdv.enums import RoleCode
from tests import factories
from tests.gup import test_selectors
from tests.gup.factories import SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
# The data set of the selectors' tests (hand-computed figures in its docstring).
jeu = test_selectors.jeu


def classeur(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


# The document de suivi ------------------------------------------------------------------


def test_the_coordination_reads_the_document_de_suivi_of_a_quartier(
    client,
    coordinateur_gup,
    jeu,
):
    client.force_login(coordinateur_gup)
    url = reverse("gup:suivi_quartier", args=[jeu["conte"].pk])
    assert url == f"/gup/suivi/quartiers/{jeu['conte'].pk}/"

    response = client.get(url, {"annee": 2026})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Document de suivi — La Conte — 2026" in html
    assert "Porte du hall cassée" in html and "Ascenseur en panne" in html
    assert "Lampadaire éteint" not in html  # another quartier
    assert "01/06/2025" not in html  # reported in 2025
    assert "16/04/2026" in html and "01/05/2026" in html  # reported on, due on
    assert "Oui, de " in html  # the overdue flag
    assert "Traité en 2,0\u00a0j" in html


def test_all_years_by_default_and_a_french_message_on_a_bad_year(
    client,
    coordinateur_gup,
    jeu,
):
    client.force_login(coordinateur_gup)
    url = reverse("gup:suivi_quartier", args=[jeu["conte"].pk])

    assert "01/06/2025" in client.get(url).content.decode()
    response = client.get(url, {"annee": "1850"})
    html = response.content.decode()
    assert "Choisissez une année de la liste" in html
    assert "Corrigez l'année pour afficher le document de suivi." in html
    assert client.get(f"{url}excel/", {"annee": "abc"}).status_code == 400


def test_the_document_de_suivi_of_a_diagnostic(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    response = client.get(reverse("gup:suivi_diagnostic", args=[jeu["diagnostic"].pk]))

    html = response.content.decode()
    assert "Document de suivi — diagnostic du 01/03/2026, La Conte" in html
    assert "Porte du hall cassée" in html
    assert "Ascenseur en panne" not in html  # not found during the walk


def test_the_excel_document_de_suivi(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    url = reverse("gup:suivi_quartier_excel", args=[jeu["conte"].pk])
    workbook = classeur(client.get(url, {"annee": 2026}))

    assert workbook.sheetnames == ["À lire", "Suivi"]
    assert workbook["À lire"]["A1"].value == "Document de suivi — La Conte — 2026"
    assert "Délai de traitement" in [c.value for c in workbook["À lire"]["A"]]
    sheet = workbook["Suivi"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["N°", "Quartier", "Diagnostic", "Catégorie"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P5"
    rows = {
        row[0]: dict(zip(headers, row, strict=True))
        for row in sheet.iter_rows(2, values_only=True)
        if row[0] is not None
    }
    retard = rows[jeu["retard"].pk]
    assert retard["Signalé le"] == datetime.datetime(2026, 4, 16)
    assert retard["Échéance"] == datetime.datetime(2026, 5, 1)
    assert retard["Diagnostic"] == datetime.datetime(2026, 3, 1)
    assert retard["Résolu le"] is None
    assert retard["Délai de traitement (jours)"] is None
    resolu = rows[jeu["resolus"][1].pk]
    assert resolu["Résolu le"] == datetime.datetime(2026, 3, 3)
    assert resolu["Délai de traitement (jours)"] == 2.0
    assert resolu["En retard"] == "Non"
    date_cell = sheet.cell(row=2, column=headers.index("Signalé le") + 1)
    assert date_cell.is_date and date_cell.number_format == "DD/MM/YYYY"


def test_the_excel_document_of_a_diagnostic(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    url = reverse("gup:suivi_diagnostic_excel", args=[jeu["diagnostic"].pk])
    sheet = classeur(client.get(url))["Suivi"]
    numeros = [row[0] for row in sheet.iter_rows(2, values_only=True) if row[0] is not None]
    # The 3 problems found during the walk.
    assert sorted(numeros) == sorted([jeu["resolus"][1].pk, jeu["resolus"][3].pk, jeu["retard"].pk])


def test_outsiders_get_a_404_and_other_roles_a_403(
    client,
    jeu,
    agent_autre_contrat,
    intervenant_gup,
    porteur,
):
    urls = [
        reverse("gup:suivi_quartier", args=[jeu["conte"].pk]),
        reverse("gup:suivi_quartier_excel", args=[jeu["conte"].pk]),
        reverse("gup:suivi_diagnostic", args=[jeu["diagnostic"].pk]),
        reverse("gup:suivi_diagnostic_excel", args=[jeu["diagnostic"].pk]),
    ]
    client.force_login(agent_autre_contrat)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(porteur)
    for url in [*urls, reverse("gup:stats"), reverse("gup:suivi")]:
        assert client.get(url).status_code == 403, url


def test_an_intervenant_reads_its_own_problems_only(
    client,
    jeu,
    intervenant_gup,
    intervenant_ville,
):
    client.force_login(intervenant_ville)
    # The town has a problem in Ozanam but none in La Conte.
    assert client.get(reverse("gup:suivi_quartier", args=[jeu["conte"].pk])).status_code == 404
    html = client.get(reverse("gup:suivi_quartier", args=[jeu["ozanam"].pk])).content.decode()
    assert "Lampadaire éteint" in html and "Résolu en 30 jours" not in html

    client.force_login(intervenant_gup)
    html = client.get(reverse("gup:suivi_quartier", args=[jeu["ozanam"].pk])).content.decode()
    assert "Résolu en 30 jours" in html and "Lampadaire éteint" not in html


def test_the_document_de_suivi_has_a_constant_number_of_queries(
    client,
    coordinateur_gup,
    jeu,
    django_assert_num_queries,
):
    client.force_login(coordinateur_gup)
    url = reverse("gup:suivi_quartier", args=[jeu["conte"].pk])

    def count():
        # 1 session, 2 user, 3 roles (can_view_gup), 4 the quartier, 5 the problems with
        # their category, quartier, body and diagnostic, 6 the current contract and 7 the
        # contracts of the header's switcher, 8 the user's organisation (header).
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200

    count()
    for _ in range(5):
        SignalementFactory(quartier=jeu["conte"], organisation_responsable=jeu["ville"])
    count()


def test_the_index_lists_quartiers_with_their_overdue_problems(
    client,
    coordinateur_gup,
    jeu,
):
    client.force_login(coordinateur_gup)
    html = client.get(reverse("gup:suivi")).content.decode()
    assert reverse("gup:suivi_quartier", args=[jeu["conte"].pk]) in html
    assert reverse("gup:suivi_diagnostic", args=[jeu["diagnostic"].pk]) in html


# Statistics ------------------------------------------------------------------------------


def test_the_statistics_page(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    response = client.get(reverse("gup:stats"), {"annee": 2026})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Habitat Audois" in html and "Ville de Carcassonne" in html
    # Habitat Audois: median 5,0 days, 90th percentile 30,0, 75 % within target.
    assert '<td class="number">5,0</td>' in html
    assert '<td class="number">30,0</td>' in html
    assert "75\u00a0%" in html
    assert 'id="stats-gup-graphiques"' in html
    assert '<td class="number">—</td>' in html  # the town: nothing resolved


def test_bad_filters_give_french_messages(client, coordinateur_gup, jeu, autre_contrat):
    client.force_login(coordinateur_gup)
    ailleurs = QuartierFactory(contrat=autre_contrat)
    html = client.get(
        reverse("gup:stats"), {"annee": "1999", "quartier": ailleurs.pk}
    ).content.decode()
    assert "Choisissez des années de la liste." in html
    assert "Choisissez un quartier de la liste." in html
    assert client.get(reverse("gup:stats_excel"), {"annee": "x"}).status_code == 400


def test_an_intervenant_sees_the_statistics_of_its_organisation(
    client,
    jeu,
    intervenant_ville,
):
    client.force_login(intervenant_ville)
    html = client.get(reverse("gup:stats")).content.decode()
    assert "Ville de Carcassonne" in html and "Habitat Audois" not in html


def test_the_statistics_have_a_constant_number_of_queries(
    client,
    coordinateur_gup,
    jeu,
    django_assert_num_queries,
    bailleur,
):
    client.force_login(coordinateur_gup)

    def count():
        # 1 session, 2 user, 3 roles, 4 the current contract, 5-11 the seven queries of
        # selectors.statistiques, 12 the contracts of the header's switcher, 13 the user's
        # organisation (header), 14 the quartiers of the filters' form.
        with django_assert_num_queries(14):
            assert client.get(reverse("gup:stats"), {"annee": 2026}).status_code == 200

    count()
    autre = factories.OrganisationFactory(nom="Régie de quartier")
    for n in range(4):
        SignalementFactory(
            quartier=QuartierFactory(contrat=jeu["conte"].contrat),
            organisation_responsable=autre if n % 2 else bailleur,
        )
    count()


def test_the_statistics_workbook_has_native_charts(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    workbook = classeur(client.get(reverse("gup:stats_excel"), {"annee": 2026}))

    assert workbook.sheetnames == [
        "À lire", "Par organisation", "Par année", "Par catégorie et quartier",
    ]  # fmt: skip
    sheet = workbook["Par organisation"]
    rows = {row[0]: row for row in sheet.iter_rows(2, values_only=True)}
    # Received, resolved, open, overdue (both open ones are past due by now: 01/05 and
    # 11/05/2026), median, 90th percentile, share within target.
    assert rows["Habitat Audois"][1:] == (6, 4, 2, 2, 5.0, 30.0, 0.75)
    assert rows["Ville de Carcassonne"][5:] == ("—", "—", "—")
    assert rows["Ensemble"][1] == 7
    assert len(sheet._charts) == 1 and len(workbook["Par année"]._charts) == 1
    categories = workbook["Par catégorie et quartier"]
    assert categories.auto_filter.ref.startswith("A1:")


# API -------------------------------------------------------------------------------------


def test_the_api_gives_the_same_figures(client, coordinateur_gup, jeu):
    client.force_login(coordinateur_gup)
    data = client.get("/api/v1/gup/statistiques/", {"annee": 2026}).json()

    habitat = next(o for o in data["organisations"] if o["nom"] == "Habitat Audois")
    assert (habitat["mediane"], habitat["p90"], habitat["part_dans_delai"]) == (5.0, 30.0, 0.75)
    ville = next(o for o in data["organisations"] if o["nom"] == "Ville de Carcassonne")
    assert ville["mediane"] is None
    assert data["total"]["recus"] == 7

    suivi = client.get(f"/api/v1/gup/suivi/quartiers/{jeu['conte'].pk}/", {"annee": 2026}).json()
    assert len(suivi["lignes"]) == 4 and suivi["nb_resolus"] == 2
    diagnostic = client.get(f"/api/v1/gup/suivi/diagnostics/{jeu['diagnostic'].pk}/").json()
    assert {ligne["id"] for ligne in diagnostic["lignes"]} == {
        jeu["resolus"][1].pk, jeu["resolus"][3].pk, jeu["retard"].pk,
    }  # fmt: skip


def test_the_api_scopes_and_explains(client, jeu, agent_autre_contrat, porteur):
    client.force_login(agent_autre_contrat)
    assert client.get(f"/api/v1/gup/suivi/quartiers/{jeu['conte'].pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/gup/statistiques/?contrat={jeu['conte'].contrat_id}").status_code
        == 404
    )
    response = client.get("/api/v1/gup/statistiques/", {"annee": "1850"})
    assert response.status_code == 400
    assert response.json()["annee"] == ["Choisissez des années de la liste."]
    client.force_login(porteur)
    assert client.get("/api/v1/gup/statistiques/").status_code == 403


def test_the_api_is_in_the_schema(client, coordinateur_gup):
    client.force_login(coordinateur_gup)
    factories.UserFactory(roles=[RoleCode.ADMIN_PDV])
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/gup/statistiques/" in schema
    assert "/api/v1/gup/suivi/quartiers/{id}/" in schema or "/api/v1/gup/suivi/quartiers/" in schema
