"""The funded actions of a quartier on its portrait: the selector, the page and its map.
Every amount is computed by hand from `financees`."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from cdv.formats import montant
from programmation.enums import EtatAction, NatureFinancement
from programmation.models import ActionQuartier
from programmation.selectors import actions_du_quartier
from quartiers.geojson import rectangle
from tests import factories
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    QuartierFactory,
    mettre_a_l_etat,
    solliciter,
)

pytestmark = pytest.mark.django_db


def financer(appel, quartiers, credits, *, droit_commun=0, etat=EtatAction.PROGRAMMEE, **extra):
    """An action of `appel` carried out in `quartiers` ({quartier: share}), granted
    `credits` of specific credits by the State and `droit_commun` by the town."""
    action = ActionFactory(appel=appel, **extra)
    etat_org = factories.OrganisationFactory(etat=True)
    solliciter(action, etat_org, credits).__class__.objects.filter(action=action).update(
        montant_accorde=credits
    )
    if droit_commun:
        ville = factories.OrganisationFactory(commune_kind=True)
        financement = solliciter(action, ville, droit_commun, nature=NatureFinancement.DROIT_COMMUN)
        financement.montant_accorde = droit_commun
        financement.save()
    for quartier, part in quartiers.items():
        ActionQuartier.objects.create(action=action, quartier=quartier, part=part)
    return mettre_a_l_etat(action, etat)


@pytest.fixture
def financees(contrat, porteur):
    """La Conte, 2025: soutien scolaire (100 %, 10 000 € + 5 000 € of droit commun) by the
    porteur's association, médiation (40 %, 3 000 €); refused and draft actions; 2024: one
    action (50 %, 4 000 €). Le Viguier: one action (100 %, 7 000 €)."""
    conte = QuartierFactory(contrat=contrat, nom="La Conte")
    viguier = QuartierFactory(contrat=contrat, nom="Le Viguier")
    appel_2025 = AppelFactory(contrat=contrat, annee=2025)
    appel_2024 = AppelFactory(contrat=contrat, annee=2024)
    scolaire = financer(
        appel_2025, {conte: 100}, 10000, droit_commun=5000, intitule="Soutien scolaire",
        porteur=porteur.organisation,
    )  # fmt: skip
    mediation = financer(
        appel_2025, {conte: 40, viguier: 60}, 3000, intitule="Médiation",
        etat=EtatAction.SOLDEE,
    )  # fmt: skip
    financer(appel_2025, {conte: 100}, 9000, intitule="Refusée", etat=EtatAction.REFUSEE)
    financer(appel_2025, {conte: 100}, 9000, intitule="Brouillon", etat=EtatAction.BROUILLON)
    financer(appel_2024, {conte: 50}, 4000, intitule="Jardins partagés")
    financer(appel_2025, {viguier: 100}, 7000, intitule="Autre quartier")
    return {"conte": conte, "viguier": viguier, "scolaire": scolaire, "mediation": mediation}


def test_it_lists_the_funded_actions_of_the_latest_year_with_their_share(financees, agent_agglo):
    actions = actions_du_quartier(quartier=financees["conte"], user=agent_agglo)

    assert actions.annees == [2025, 2024]
    assert actions.annee == 2025
    assert [ligne.action.intitule for ligne in actions.lignes] == ["Soutien scolaire", "Médiation"]
    scolaire, mediation = actions.lignes
    assert (scolaire.part, scolaire.credits_specifiques, scolaire.total_accorde) == (
        100, D("10000.00"), D("15000.00")
    )  # fmt: skip
    assert scolaire.credits_imputes == D("10000.00")
    assert (mediation.part, mediation.credits_imputes) == (40, D("1200.00"))  # 3 000 × 40 %
    assert actions.credits_imputes == D("11200.00")
    assert actions.nb_actions == 2


def test_it_shows_another_year_on_demand(financees, agent_agglo):
    actions = actions_du_quartier(quartier=financees["conte"], user=agent_agglo, annee=2024)
    assert [ligne.action.intitule for ligne in actions.lignes] == ["Jardins partagés"]
    assert actions.credits_imputes == D("2000.00")  # 4 000 × 50 %
    # A year without any funded action falls back to the latest one.
    autre = actions_du_quartier(quartier=financees["conte"], user=agent_agglo, annee=2019)
    assert autre.annee == 2025


def test_a_porteur_sees_only_its_organisations_actions(financees, porteur):
    actions = actions_du_quartier(quartier=financees["conte"], user=porteur)
    assert [ligne.action.intitule for ligne in actions.lignes] == ["Soutien scolaire"]
    assert actions.credits_imputes == D("10000.00")


def test_a_quartier_of_the_new_geography_keeps_the_actions_of_the_one_it_replaces(
    financees, agent_agglo
):
    nouveau_contrat = factories.ContratFactory(annee_debut=2026)
    agent_agglo.contrats.add(nouveau_contrat)
    successeur = QuartierFactory(contrat=nouveau_contrat, nom="La Conte (2024)")
    successeur.remplace.add(financees["conte"])

    actions = actions_du_quartier(quartier=successeur, user=agent_agglo)

    assert actions.annees == [2025, 2024]
    assert actions.credits_imputes == D("11200.00")


def test_a_quartier_without_funded_actions_has_an_empty_list(contrat, agent_agglo):
    actions = actions_du_quartier(quartier=QuartierFactory(contrat=contrat), user=agent_agglo)
    assert (actions.annees, actions.annee, actions.lignes) == ([], None, [])
    assert actions.credits_imputes == 0


def test_the_total_matches_the_bilan_physico_financier(financees, contrat, agent_agglo):
    from programmation.selectors import bilan_physico_financier

    bilan = bilan_physico_financier(
        contrat=contrat, annee_min=2025, annee_max=2025, user=agent_agglo
    )
    par_quartier = {q.nom: q.credits_specifiques for q in bilan.quartiers}
    for nom in ("conte", "viguier"):
        quartier = financees[nom]
        actions = actions_du_quartier(quartier=quartier, user=agent_agglo, annee=2025)
        assert actions.credits_imputes == par_quartier[quartier.nom]


# The page ---------------------------------------------------------------------------------


def test_the_portrait_lists_them_with_the_total_and_links(client, financees, agent_agglo):
    client.force_login(agent_agglo)
    url = reverse("quartiers:portrait", args=[financees["conte"].pk])

    html = client.get(url).content.decode()

    assert "Actions financées en 2025" in html
    assert "2 actions financées dans le quartier" in html
    assert montant(D("11200")) in html
    assert reverse("programmation:action_detail", args=[financees["mediation"].pk]) in html
    assert "Refusée" not in html and "Brouillon" not in html and "Autre quartier" not in html
    html = client.get(url, {"actions": "2024"}).content.decode()
    assert "Actions financées en 2024" in html and "Jardins partagés" in html
    assert "Soutien scolaire" not in html


def carte(html):
    """The FeatureCollection a page gives its map."""
    debut = html.split('<script id="perimetres-geojson" type="application/json">', 1)[1]
    return json.loads(debut.split("</script>", 1)[0])


def test_the_map_popup_sums_up_the_years_actions(client, financees, agent_agglo):
    quartier = financees["conte"]
    quartier.perimetre = rectangle(2.35, 43.2, 2.36, 43.21)
    quartier.save()
    client.force_login(agent_agglo)

    html = client.get(reverse("quartiers:portrait", args=[quartier.pk])).content.decode()

    (feature,) = carte(html)["features"]
    assert feature["geometry"] == rectangle(2.35, 43.2, 2.36, 43.21)
    assert feature["properties"]["lien"] == {
        "href": "#actions-financees",
        "texte": f"2 actions financées en 2025 : {montant(D('11200'))} imputés au quartier",
    }


def test_the_list_maps_every_perimeter_with_a_link_to_its_portrait(
    client, financees, contrat, agent_agglo
):
    conte = financees["conte"]
    conte.perimetre = rectangle(2.35, 43.2, 2.36, 43.21)
    conte.save()
    QuartierFactory(contrat=contrat, nom="Sans périmètre")
    client.force_login(agent_agglo)

    html = client.get(reverse("quartiers:quartier_list")).content.decode()

    (feature,) = carte(html)["features"]
    assert feature["properties"]["nom"] == "La Conte"
    assert feature["properties"]["lien"] == {
        "href": reverse("quartiers:portrait", args=[conte.pk]),
        "texte": "Portrait de La Conte",
    }
    assert "Carte des quartiers" in html


def test_the_list_has_no_map_without_perimeters(client, financees, agent_agglo):
    client.force_login(agent_agglo)
    html = client.get(reverse("quartiers:quartier_list")).content.decode()
    assert "perimetres-geojson" not in html and "leaflet.js" not in html


def test_the_portrait_page_locks_its_query_count(
    client, financees, contrat, agent_agglo, django_assert_num_queries
):
    client.force_login(agent_agglo)
    url = reverse("quartiers:portrait", args=[financees["conte"].pk])
    client.get(url)  # warms the session's contract choice
    with django_assert_num_queries(NB_REQUETES_PORTRAIT):
        assert client.get(url).context["actions"].nb_actions == 2
    appel = AppelFactory(contrat=contrat, annee=2025)
    for _ in range(3):
        financer(appel, {financees["conte"]: 100}, 1000)
    with django_assert_num_queries(NB_REQUETES_PORTRAIT):
        assert client.get(url).context["actions"].nb_actions == 5


# 1 session, 2 user, 3 the quartier, 4-5 the portrait's figures (catalogue, history and
# values), 6 the guidelines, 7 the roles (who may write guidelines), 8-9 the funded actions
# (years, rows), 10 the open GUP problems, 11-13 the current contract and the switcher, 14
# the organisation (header).
NB_REQUETES_PORTRAIT = 14
