"""Indicateurs resserrés: computed values equal their module's figures, manual values, the
target logic both ways, who reads and who edits, the scoreboard's queries and its workbook.

Programmation data: tests/programmation/test_bilan.build_dataset (figures added up by hand
there): 2024 La Conte 2 actions, 10 000 + 60 % × 5 000 = 13 000,00 € imputed; Ozanam 1
action, 2 000,00 €; 2 actions in all, 15 000,00 € of specific credits.
GUP: 3 problems of La Conte reported in 2025, resolved in 2, 4 and 10 days: median 4,0.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gup import selectors as gup_selectors
from gup.enums import EtatSignalement
from programmation import selectors as prog_selectors
from quartiers import pilotage
from quartiers.models import Quartier
from quartiers.models_pilotage import (
    CiblePilotage,
    IndicateurPilotage,
    SensPilotage,
    SourcePilotage,
    UnitePilotage,
)
from tests.gup.factories import SignalementFactory
from tests.programmation.test_bilan import build_dataset

D = Decimal
URL = reverse("quartiers:pilotage")
AUJOURD_HUI = datetime.date(2026, 1, 15)


def _indicateur(contrat, calcul=None, **champs):
    if calcul:
        spec = pilotage.REGISTRE[calcul]
        champs = {"libelle": spec.libelle, "unite": spec.unite, "sens": spec.sens, **champs}
        champs.update(source=SourcePilotage.CALCULE, calcul=calcul)
    else:
        champs.setdefault("source", SourcePilotage.SAISI)
        champs.setdefault("unite", UnitePilotage.NOMBRE)
        champs.setdefault("sens", SensPilotage.HAUSSE)
    indicateur = IndicateurPilotage(contrat=contrat, **champs)
    indicateur.full_clean()
    indicateur.save()
    return indicateur


def _ligne(tableau, indicateur):
    return next(
        ligne for g in tableau.groupes for ligne in g.lignes if ligne.indicateur == indicateur
    )


def _cellule(tableau, indicateur, annee):
    return next(c for c in _ligne(tableau, indicateur).cellules if c.annee == annee)


@pytest.fixture
def donnees(contrat, autre_contrat):
    build_dataset(contrat, autre_contrat)
    conte = Quartier.objects.get(contrat=contrat, nom="La Conte")
    for jours in (10, 2, 4):
        signale = datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC)
        SignalementFactory(
            quartier=conte,
            etat=EtatSignalement.RESOLU,
            signale_le=signale,
            resolu_le=signale + datetime.timedelta(days=jours),
        )
    return conte


def test_it_gives_a_quartier_the_credits_of_its_row_in_the_bilan_physico_financier(
    donnees, contrat, agent_agglo
):
    credits = _indicateur(contrat, "credits_specifiques", quartier=donnees)
    actions = _indicateur(contrat, "actions_programmees", quartier=donnees)
    part = _indicateur(contrat, "part_actions_quartier", quartier=donnees)
    tableau = pilotage.tableau_de_bord(contrat=contrat, user=agent_agglo, today=AUJOURD_HUI)

    bilan = prog_selectors.bilan_physico_financier(
        contrat=contrat, annee_min=2024, annee_max=2024, user=agent_agglo
    )
    ligne = next(q for q in bilan.quartiers if q.nom == "La Conte")
    assert _cellule(tableau, credits, 2024).valeur == ligne.credits_specifiques == D("13000.00")
    assert _cellule(tableau, credits, 2024).valeur_texte == "13\u202f000,00\u00a0€"
    assert _cellule(tableau, actions, 2024).valeur == ligne.nb_actions == 2
    # Both 2024 actions touch La Conte: 2 / 2.
    assert _cellule(tableau, part, 2024).valeur == D("100.00")
    # Years to come are not computed.
    assert _cellule(tableau, credits, 2027).valeur is None


def test_it_gives_the_gup_median_of_the_statistics_page(donnees, contrat, agent_agglo):
    mediane = _indicateur(contrat, "gup_delai_median", quartier=donnees)
    tableau = pilotage.tableau_de_bord(contrat=contrat, user=agent_agglo, today=AUJOURD_HUI)

    stats = gup_selectors.statistiques(
        contrat=contrat, user=agent_agglo, annees=[2025], quartier=donnees, today=AUJOURD_HUI
    )
    assert _cellule(tableau, mediane, 2025).valeur == stats.total.mediane == D("4.0")
    assert _cellule(tableau, mediane, 2025).valeur_texte == "4\u00a0jours"


def test_it_judges_targets_in_both_directions():
    hausse, baisse = SensPilotage.HAUSSE, SensPilotage.BAISSE
    assert pilotage.cible_atteinte(D("10"), D("10"), hausse) is True
    assert pilotage.cible_atteinte(D("9"), D("10"), hausse) is False
    assert pilotage.cible_atteinte(D("10"), D("10"), baisse) is True
    assert pilotage.cible_atteinte(D("11"), D("10"), baisse) is False
    assert pilotage.cible_atteinte(None, D("10"), hausse) is None
    assert pilotage.cible_atteinte(D("3"), None, hausse) is None
    assert pilotage.cible_atteinte(pilotage.Masque("< 3", ""), D("1"), hausse) is None


def test_it_shows_manual_values_against_their_targets(client, contrat, agent_agglo):
    saisi = _indicateur(contrat, libelle="Jeunes en service civique", sens=SensPilotage.HAUSSE)
    CiblePilotage.objects.create(indicateur=saisi, annee=2024, cible=20, valeur_saisie=25)
    CiblePilotage.objects.create(indicateur=saisi, annee=2025, cible=30, valeur_saisie=12)
    client.force_login(agent_agglo)

    page = client.get(URL).content.decode()

    assert "Jeunes en service civique" in page
    assert "cible atteinte" in page and "cible non atteinte" in page
    tableau = pilotage.tableau_de_bord(contrat=contrat, user=agent_agglo)
    assert _cellule(tableau, saisi, 2024).etat_texte == "cible atteinte"
    assert _cellule(tableau, saisi, 2025).etat_texte == "cible non atteinte"


def test_staff_create_an_indicator_and_enter_its_targets(client, contrat, agent_agglo):
    client.force_login(agent_agglo)
    response = client.post(
        reverse("quartiers:pilotage_indicateur_create"),
        {"source": "calcule", "calcul": "gup_delai_median", "libelle": "", "ordre": 1},
    )
    assert response.status_code == 302
    indicateur = IndicateurPilotage.objects.get(contrat=contrat)
    assert (indicateur.libelle, indicateur.unite, indicateur.sens) == (
        "Délai médian de traitement des signalements GUP",
        UnitePilotage.JOURS,
        SensPilotage.BAISSE,
    )

    url = reverse("quartiers:pilotage_cibles", args=[indicateur.pk])
    response = client.post(url, {"version": 1, "cible_2025": "7,5", "commentaire_2025": "COPIL"})
    assert response.status_code == 302
    cible = CiblePilotage.objects.get(indicateur=indicateur)
    assert (cible.annee, cible.cible, cible.commentaire) == (2025, D("7.5"), "COPIL")

    # A form filled over the previous version is refused, nothing saved.
    response = client.post(url, {"version": 1, "cible_2025": "9"})
    assert "modifié par quelqu" in response.content.decode()
    assert CiblePilotage.objects.get(indicateur=indicateur).cible == D("7.5")


def test_it_says_what_is_wrong_next_to_the_field(client, contrat, agent_agglo):
    client.force_login(agent_agglo)
    response = client.post(
        reverse("quartiers:pilotage_indicateur_create"),
        {"source": "calcule", "calcul": "taux_cofinancement", "quartier": "", "ordre": 0},
    )
    assert response.status_code == 302  # no quartier: accepted
    conte = Quartier.objects.create(contrat=contrat, kind="qpv", nom="La Conte")
    response = client.post(
        reverse("quartiers:pilotage_indicateur_create"),
        {"source": "calcule", "calcul": "taux_cofinancement", "quartier": conte.pk, "ordre": 0},
    )
    assert "Ce calcul ne se décline pas par quartier" in response.content.decode()
    response = client.post(
        reverse("quartiers:pilotage_indicateur_create"), {"source": "saisi", "ordre": 0}
    )
    page = response.content.decode()
    assert "Donnez un libellé" in page and "Choisissez l&#x27;unité" in page


def test_partner_reads_but_cannot_edit(client, contrat, lecteur):
    indicateur = _indicateur(contrat, libelle="Habitants aux ateliers")
    client.force_login(lecteur)
    page = client.get(URL).content.decode()
    assert "Habitants aux ateliers" in page and "Ajouter un indicateur" not in page
    assert client.get(reverse("quartiers:pilotage_indicateur_create")).status_code == 403
    delete = reverse("quartiers:pilotage_indicateur_delete", args=[indicateur.pk])
    assert client.post(delete).status_code == 403
    assert IndicateurPilotage.objects.filter(pk=indicateur.pk).exists()


@pytest.mark.parametrize("persona", ["porteur", "outsider", "agent_autre_contrat"])
def test_others_are_refused(client, contrat, persona, request):
    indicateur = _indicateur(contrat, libelle="Habitants aux ateliers")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 403 or "Habitants aux ateliers" not in response.content.decode()
    edit = reverse("quartiers:pilotage_cibles", args=[indicateur.pk])
    assert client.get(edit).status_code in (403, 404)
    excel = client.get(reverse("quartiers:pilotage_excel"))
    # Another contract's agent downloads its own contract's scoreboard, without ours.
    assert excel.status_code in (403, 404) or b"Habitants" not in excel.content


def test_a_partner_gets_no_late_bilans_share(donnees, contrat, lecteur):
    part = _indicateur(contrat, "part_bilans_en_retard")
    tableau = pilotage.tableau_de_bord(contrat=contrat, user=lecteur, today=AUJOURD_HUI)
    assert _cellule(tableau, part, 2024).valeur_texte == "non communiqué"


def test_the_scoreboard_query_count_does_not_grow_with_indicators(
    django_assert_num_queries, client, donnees, contrat, agent_agglo
):
    client.force_login(agent_agglo)
    for calcul in ("credits_specifiques", "actions_programmees", "part_actions_quartier"):
        _indicateur(contrat, calcul, quartier=donnees)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as premier:
        client.get(URL)
    _indicateur(contrat, "part_credits_quartier", quartier=donnees)
    _indicateur(contrat, libelle="Saisi", ordre=9)
    with CaptureQueriesContext(connection) as second:
        client.get(URL)
    # The same selectors (one bilan physico-financier per year up to today), read once.
    assert len(second) == len(premier)


def test_the_scoreboard_query_count_is_locked(
    django_assert_num_queries, client, contrat, agent_agglo
):
    saisi = _indicateur(contrat, libelle="Saisi")
    CiblePilotage.objects.create(indicateur=saisi, annee=2024, cible=1, valeur_saisie=2)
    client.force_login(agent_agglo)
    client.get(URL)
    # session, user, current contract, roles, reader check, indicators, their targets,
    # manager check, the layout's contract switcher (contracts, their EPCI), the filters'
    # pillars and quartiers. A manual indicator reads no module.
    with django_assert_num_queries(12):
        client.get(URL)


def test_the_workbook_reads_back(client, donnees, contrat, agent_agglo):
    credits = _indicateur(contrat, "credits_specifiques", quartier=donnees)
    CiblePilotage.objects.create(indicateur=credits, annee=2024, cible=D("12000"))
    client.force_login(agent_agglo)

    response = client.get(reverse("quartiers:pilotage_excel"))

    sheet = load_workbook(io.BytesIO(response.content))["Indicateurs resserrés"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Pilier", "Quartier", "Indicateur")
    row_2024 = next(r for r in rows[1:] if r[6] == 2024)
    assert row_2024[1:3] == ("La Conte", "Crédits spécifiques accordés")
    assert row_2024[7:10] == (13000, 12000, "Atteinte")


@pytest.mark.parametrize("persona", ["agent_agglo", "lecteur", "coordinateur_gup"])
def test_every_computation_renders_for_each_reader(client, donnees, contrat, persona, request):
    for code, calcul in pilotage.REGISTRE.items():
        _indicateur(contrat, code, quartier=donnees if calcul.quartier_requis else None)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert "File active du PRE" in response.content.decode()
