"""Exports built by a Celery task (eager here: the task really runs, in the test process):
request, progress, download, failure, privacy, the evaluation form, and the programming
table's Excel export going to a task above EXPORT_SYNC_MAX_LIGNES rows."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from cdv import excel, services_exports
from cdv.models_exports import EtatExport, Export
from cdv.services_exports import ExportImpossible, export_demander, export_enregistrer
from programmation.enums import EtatAction
from tests.cdv.test_accessibility import (  # noqa: F401
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.programmation.factories import ActionFactory, AppelFactory

XLSX_URL = reverse("programmation:action_export_xlsx")
CSV_URL = reverse("programmation:action_export_csv")
IMPORT_EXPORT_URL = reverse("programmation:import_export")


@pytest.fixture
def essai():
    """A small kind of export: one sheet with the contract's name and the asked number,
    progress reported at 25 % and 75 %; `vu` records what the row held at each step."""
    vu = []

    def builder(*, user, contrat, params, progression):
        workbook = excel.new_workbook()
        for pct, message in ((25, "Premier quart"), (75, "Presque fini")):
            progression(pct, message)
            export = Export.objects.get(user=user, kind="essai")
            vu.append((export.etat, export.progression, export.message))
        excel.add_table(workbook, "Essai", ["Contrat", "Nombre"], [(contrat.nom, params["n"])])
        return workbook

    export_enregistrer("essai", "Export d'essai", builder, prefixe="essai")
    yield vu
    del services_exports.EXPORTS["essai"]


@pytest.fixture
def en_echec():
    def builder(*, user, contrat, params, progression):
        progression(40, "Calcul")
        if params.get("explique"):
            raise ExportImpossible("Aucune action pour cette période.")
        raise ZeroDivisionError("division by zero")

    export_enregistrer("echec", "Export qui échoue", builder)
    yield
    del services_exports.EXPORTS["echec"]


def demander(client, user, kind, **params):
    client.force_login(user)
    return client.post(reverse("export_request"), {"kind": kind, **params})


def test_it_builds_the_file_and_offers_it_for_download(
    client, agent_agglo, contrat, essai, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = demander(client, agent_agglo, "essai", n="42")
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    assert essai == [("en_cours", 25, "Premier quart"), ("en_cours", 75, "Presque fini")]
    assert (export.etat, export.progression, export.message) == (
        "pret",
        100,
        "Le fichier est prêt.",
    )
    assert export.termine_le is not None and export.taille == export.fichier.size > 0
    # The request's fields but the kind and the token are the builder's parameters.
    assert export.params == {"n": "42"}

    html = client.get(f"/exports/{export.pk}/").content.decode()
    assert f'href="/exports/{export.pk}/telecharger/"' in html
    assert "Prêt : 100 %" in html
    assert 'http-equiv="refresh"' not in html  # nothing left to wait for

    response = client.get(f"/exports/{export.pk}/telecharger/")
    assert response["Content-Type"] == excel.XLSX
    assert 'filename="essai-CN01102I-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Essai"]
    assert [c.value for c in sheet[2]] == ["Contrat de ville de Carcassonne Agglo", "42"]


def test_the_progress_page_polls_its_state_until_the_file_is_ready(
    client, agent_agglo, contrat, essai
):
    # Without the commit the task is not queued yet: the export waits.
    demander(client, agent_agglo, "essai", n="1")
    export = Export.objects.get()
    html = client.get(f"/exports/{export.pk}/").content.decode()
    assert 'role="status" aria-live="polite"' in html and "En attente : 0 %" in html
    assert f'data-etat-url="/exports/{export.pk}/etat.json"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "Actualiser la page" in html
    etat = client.get(f"/exports/{export.pk}/etat.json").json()
    assert etat == {
        "etat": "en_attente",
        "etat_libelle": "En attente",
        "progression": 0,
        "message": "",
        "termine": False,
        "telechargement": None,
        "taille": "",
    }
    assert client.get(f"/exports/{export.pk}/telecharger/").status_code == 404

    services_exports.export_construire(export_id=export.pk)
    etat = client.get(f"/exports/{export.pk}/etat.json").json()
    assert (etat["etat"], etat["progression"], etat["termine"]) == ("pret", 100, True)
    assert etat["telechargement"] == f"/exports/{export.pk}/telecharger/"
    export.refresh_from_db()
    kilo = export.taille / 1024
    assert re.fullmatch(r"\d+(,\d)?\u00a0Ko", etat["taille"]), etat["taille"]
    assert abs(float(etat["taille"][:-3].replace(",", ".")) - kilo) <= 0.05


def test_asking_twice_while_it_is_built_gives_the_same_export(client, agent_agglo, contrat, essai):
    premier = demander(client, agent_agglo, "essai", n="7")
    second = demander(client, agent_agglo, "essai", n="7")
    assert premier["Location"] == second["Location"]
    assert Export.objects.count() == 1


def test_a_failing_builder_gives_a_failed_export_with_a_french_message(
    client, agent_agglo, contrat, en_echec, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        demander(client, agent_agglo, "echec")
    export = Export.objects.get()
    assert export.etat == EtatExport.ECHEC and not export.fichier
    assert export.message.startswith("La production du fichier a échoué.")
    assert "ZeroDivisionError" in caplog.text
    html = client.get(f"/exports/{export.pk}/").content.decode()
    assert 'role="alert">La production du fichier a échoué.' in html
    assert client.get(f"/exports/{export.pk}/etat.json").json()["termine"] is True


def test_a_builder_may_explain_its_failure(
    client, agent_agglo, contrat, en_echec, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demander(client, agent_agglo, "echec", explique="1")
    assert Export.objects.get().message == "Aucune action pour cette période."


def test_an_unknown_kind_is_refused_in_french(client, agent_agglo, contrat):
    response = demander(client, agent_agglo, "inconnu", next="/contrat/")
    assert response["Location"] == "/contrat/"
    assert not Export.objects.exists()
    html = client.get("/contrat/").content.decode()
    assert "Ce type d&#x27;export n&#x27;existe pas." in html


@pytest.mark.parametrize("persona", ["lecteur", "agent_autre_contrat", "superuser"])
def test_nobody_else_sees_an_export(client, request, agent_agglo, contrat, essai, persona):
    export = export_demander(user=agent_agglo, contrat=contrat, kind="essai", params={"n": 1})
    services_exports.export_construire(export_id=export.pk)
    client.force_login(request.getfixturevalue(persona))
    for suffixe in ("", "etat.json", "telecharger/"):
        assert client.get(f"/exports/{export.pk}/{suffixe}").status_code == 404
    assert "Export d&#x27;essai" not in client.get("/exports/").content.decode()


def test_my_exports_lists_mine_with_their_state(client, agent_agglo, contrat, essai):
    pret = export_demander(user=agent_agglo, contrat=contrat, kind="essai", params={"n": 1})
    services_exports.export_construire(export_id=pret.pk)
    export_demander(user=agent_agglo, contrat=contrat, kind="essai", params={"n": 2})
    client.force_login(agent_agglo)
    html = client.get("/exports/").content.decode()
    assert html.count('<th scope="row"><a href="/exports/') == 2
    assert "En attente (0 %)" in html
    assert html.count("/telecharger/") == 1


# The evaluation workbook's form -----------------------------------------------------------


def test_the_evaluation_form_asks_a_period_within_the_contract(client, agent_agglo, contrat):
    contrat.annee_debut, contrat.annee_fin = 2015, 2022
    contrat.save()
    client.force_login(agent_agglo)
    html = client.get("/exports/evaluation/").content.decode()
    assert 'value="2015"' in html and 'value="2022"' in html and "Entre 2015 et 2022." in html

    html = client.post("/exports/evaluation/", {"annee_debut": "2014", "annee_fin": "2022"})
    assert "Le contrat court de 2015 à 2022 : choisissez une année entre les deux." in (
        html.content.decode()
    )
    html = client.post("/exports/evaluation/", {"annee_debut": "2020", "annee_fin": "2016"})
    assert "L&#x27;année de fin doit suivre l&#x27;année de début." in html.content.decode()
    html = client.post("/exports/evaluation/", {"annee_debut": "deux mille", "annee_fin": "2016"})
    assert "Saisissez une année (exemple : 2016)." in html.content.decode()
    assert not Export.objects.exists()

    response = client.post("/exports/evaluation/", {"annee_debut": "2016", "annee_fin": "2022"})
    export = Export.objects.get()
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.params) == ("evaluation", {"annee_debut": 2016, "annee_fin": 2022})
    assert (
        "Classeur d&#x27;évaluation du contrat" in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur"])
def test_the_pdv_team_and_partners_may_ask_for_the_evaluation(client, request, contrat, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/exports/evaluation/").status_code == 200


@pytest.mark.parametrize("persona", ["porteur", "coordinateur_gup"])
def test_others_may_not_ask_for_the_evaluation(client, request, contrat, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/exports/evaluation/").status_code == 403
    response = client.post(
        reverse("export_request"), {"kind": "evaluation", "annee_debut": 2026, "annee_fin": 2026}
    )
    # The GUP coordinator follows the contract and is refused; the porteur follows none.
    assert response.status_code == (403 if persona == "coordinateur_gup" else 302)
    assert not Export.objects.exists()


# The programming table: a task above the threshold ----------------------------------------


@pytest.fixture
def trois_actions(contrat):
    appel = AppelFactory(contrat=contrat, annee=2026)
    for intitule in ("Chantier jeunes", "Médiation sociale", "Soutien scolaire"):
        ActionFactory(appel=appel, intitule=intitule, etat=EtatAction.DEPOSEE)


def _programmation(contenu):
    sheet = load_workbook(io.BytesIO(contenu))["Programmation"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_table_under_the_threshold_is_still_downloaded_at_once(
    client, agent_agglo, trois_actions, settings
):
    settings.EXPORT_SYNC_MAX_LIGNES = 3
    client.force_login(agent_agglo)
    response = client.get(XLSX_URL, {"tri": "intitule"})
    assert response["Content-Type"] == excel.XLSX
    assert 'filename="programmation-CN01102I-2026.xlsx"' in response["Content-Disposition"]
    assert not Export.objects.exists()


def test_a_table_above_the_threshold_is_built_by_a_task(
    client, agent_agglo, trois_actions, settings, django_capture_on_commit_callbacks
):
    client.force_login(agent_agglo)
    params = {"tri": "-intitule", "colonnes": ["intitule", "etat", "demande"]}
    settings.EXPORT_SYNC_MAX_LIGNES = 3
    immediat = _programmation(client.get(XLSX_URL, params).content)

    settings.EXPORT_SYNC_MAX_LIGNES = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(XLSX_URL, params)
    export = Export.objects.get()
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.etat) == ("tableau_actions", "pret")
    html = client.get(response["Location"]).content.decode()
    assert "il se prépare en arrière-plan" in html
    telechargement = client.get(f"/exports/{export.pk}/telecharger/")
    assert 'filename="programmation-CN01102I-' in telechargement["Content-Disposition"]
    differe = _programmation(b"".join(telechargement.streaming_content))
    # The same rows, columns, sort and year as the file the request would have given.
    assert differe == immediat
    assert [row[0] for row in differe[1:4]] == [
        "Soutien scolaire",
        "Médiation sociale",
        "Chantier jeunes",
    ]


def test_a_csv_above_the_threshold_is_built_by_a_task_with_the_same_text(
    client, agent_agglo, trois_actions, settings, django_capture_on_commit_callbacks
):
    client.force_login(agent_agglo)
    params = {"tri": "intitule", "colonnes": ["intitule", "demande"]}
    settings.EXPORT_SYNC_MAX_LIGNES = 3
    immediat = client.get(CSV_URL, params)
    assert immediat["Content-Type"] == excel.CSV and not Export.objects.exists()

    settings.EXPORT_SYNC_MAX_LIGNES = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(CSV_URL, params)
    export = Export.objects.get()
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.etat) == ("tableau_actions_csv", "pret")
    telechargement = client.get(f"/exports/{export.pk}/telecharger/")
    assert re.search(
        r'filename="programmation-CN01102I-\d{8}-\d{4}\.csv"',
        telechargement["Content-Disposition"],
    )
    differe = b"".join(telechargement.streaming_content)
    assert differe == immediat.content
    lignes = differe.decode("utf-8-sig").split("\r\n")
    assert [ligne.split(";")[0] for ligne in lignes[1:4]] == [
        "Chantier jeunes",
        "Médiation sociale",
        "Soutien scolaire",
    ]


def test_the_programmation_in_the_import_layout_goes_to_a_task_above_the_threshold(
    client, agent_agglo, trois_actions, settings, django_capture_on_commit_callbacks
):
    client.force_login(agent_agglo)
    settings.EXPORT_SYNC_MAX_LIGNES = 3
    immediat = load_workbook(io.BytesIO(client.get(IMPORT_EXPORT_URL).content))

    settings.EXPORT_SYNC_MAX_LIGNES = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(IMPORT_EXPORT_URL)
    export = Export.objects.get()
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.kind, export.etat) == ("programmation_import", "pret")
    telechargement = client.get(f"/exports/{export.pk}/telecharger/")
    assert 'filename="programmation-import-CN01102I-' in telechargement["Content-Disposition"]
    differe = load_workbook(io.BytesIO(b"".join(telechargement.streaming_content)))
    assert differe.sheetnames == immediat.sheetnames
    valeurs = set()
    for nom in immediat.sheetnames:
        lignes = [[c.value for c in row] for row in differe[nom].iter_rows()]
        assert lignes == [[c.value for c in row] for row in immediat[nom].iter_rows()]
        valeurs.update(v for ligne in lignes for v in ligne)
    assert {"Chantier jeunes", "Médiation sociale", "Soutien scolaire"} <= valeurs


def test_a_partner_cannot_have_the_import_layout_built(client, partenaire_etat, contrat):
    with pytest.raises(PermissionDenied):
        export_demander(
            user=partenaire_etat, contrat=contrat, kind="programmation_import", params={}
        )
    assert not Export.objects.exists()


# The progress page in a browser -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_page_shows_the_link_once_the_task_is_done(page, agent_agglo, contrat, essai):  # noqa: F811
    # Queued, not yet picked up by a worker (export_demander would run it at once here).
    export = Export.objects.create(user=agent_agglo, contrat=contrat, kind="essai", params={"n": 3})
    log_in(page, agent_agglo)
    page.goto(f"/exports/{export.pk}/")
    statut = page.locator("#export-statut")
    expect(statut).to_have_text("En attente : 0 %")
    assert_no_axe_violations(page)
    Export.objects.filter(pk=export.pk).update(etat="en_cours", progression=40, message="Calcul")
    expect(statut).to_have_text("En cours : 40 % — Calcul")
    expect(page.locator("#export-barre")).to_have_attribute("value", "40")
    services_exports.export_construire(export_id=export.pk)
    lien = page.get_by_role("link", name="Télécharger le fichier")
    expect(lien).to_have_attribute("href", f"/exports/{export.pk}/telecharger/")
    expect(statut).to_have_text("Prêt : 100 % — Le fichier est prêt.")
