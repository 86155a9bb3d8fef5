"""CitésLab's people and support pages: only the contract's chargé CitésLab reaches them;
the list's filters and locked query count; the identity form (consent, concurrent edits);
meetings; a project's dated stages, referrals, creation (SIRET) and follow-up."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from citeslab import services
from citeslab.enums import Etape, IssueOrientation, KindRencontre
from citeslab.models import Beneficiaire, Creation, EtapeProjet, Orientation, Rencontre
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    EvenementFactory,
    OrientationFactory,
    ProjetFactory,
    RencontreFactory,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db

D = datetime.date
OTHERS = ["agent_agglo", "partenaire_etat", "lecteur", "porteur", "superuser", "referent_pre",
          "coordinateur_gup", "agent_autre_contrat", "charge_autre_contrat"]  # fmt: skip


@pytest.fixture
def dossier(contrat, charge_citeslab):
    """Samira Benali (La Conte, a project accompanied, met twice), Karim Roux (Trèbes, no
    quartier, a business created in 2021) and Inès Amrani (Le Viguier, no project)."""
    la_conte = QuartierFactory(contrat=contrat, nom="La Conte")
    viguier = QuartierFactory(contrat=contrat, nom="Le Viguier")
    samira = BeneficiaireFactory(contrat=contrat, nom="Benali", prenom="Samira", quartier=la_conte)
    karim = BeneficiaireFactory(
        contrat=contrat, nom="Roux", prenom="Karim", homme=True, commune="Trèbes",
        canal_entree="borne_bpifrance", date_premier_contact=D(2020, 11, 5),
        date_consentement=D(2020, 11, 5),
    )  # fmt: skip
    ines = BeneficiaireFactory(contrat=contrat, nom="Amrani", prenom="Inès", quartier=viguier)
    projet = ProjetFactory(beneficiaire=samira, accompagne=True, date_etape=D(2021, 4, 1))
    RencontreFactory(contrat=contrat, beneficiaires=[samira], date=D(2021, 3, 9))
    RencontreFactory(
        contrat=contrat, permanence=True, quartier=la_conte, beneficiaires=[samira, ines],
        date=D(2021, 2, 2),
    )  # fmt: skip
    orientation = OrientationFactory(projet=projet, date=D(2021, 5, 3), organisme="Adie Aude")
    creation = CreationFactory(
        projet=ProjetFactory(beneficiaire=karim, cree=True), date=D(2021, 9, 1),
        denomination="Roux Multiservices",
    )  # fmt: skip
    return {
        "la_conte": la_conte, "samira": samira, "karim": karim, "ines": ines,
        "projet": projet, "orientation": orientation, "creation": creation,
    }  # fmt: skip


def url(name, *args):
    return reverse(f"citeslab:{name}", args=args)


# Who reaches what --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused(client, request, dossier, persona):
    client.force_login(request.getfixturevalue(persona))
    samira, projet = dossier["samira"], dossier["projet"]
    pages = [
        url("beneficiaire_detail", samira.pk),
        url("beneficiaire_edit", samira.pk),
        url("projet_create", samira.pk),
        url("projet_etape", projet.pk),
        url("orientation_create", projet.pk),
        url("orientation_issue", dossier["orientation"].pk),
        url("creation_create", projet.pk),
        url("creation_suivi", dossier["creation"].pk),
    ]
    listes = [
        url("beneficiaire_list"),
        url("beneficiaire_create"),
        url("rencontre_list"),
        url("rencontre_create"),
        url("creations_a_suivre"),
    ]
    for page in pages:
        assert client.get(page).status_code in (403, 404), page
        assert client.post(page, {}).status_code in (403, 404), page
    for page in listes:
        response = client.get(page)
        if persona == "charge_autre_contrat":
            # Its own contract's CitésLab, where none of these people is.
            assert response.status_code == 200
            assert "Benali" not in response.content.decode()
        else:
            assert response.status_code == 403, page
    assert Beneficiaire.objects.count() == 3


def test_another_contracts_chargé_gets_404_on_our_records(client, charge_autre_contrat, dossier):
    client.force_login(charge_autre_contrat)
    assert client.get(url("beneficiaire_detail", dossier["samira"].pk)).status_code == 404
    assert client.get(url("projet_etape", dossier["projet"].pk)).status_code == 404


# The list ----------------------------------------------------------------------------------


def test_the_chargé_lists_the_contract_people_by_name(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    content = client.get(url("beneficiaire_list")).content.decode()
    assert "3 bénéficiaires." in content
    assert content.index("AMRANI Inès") < content.index("BENALI Samira") < content.index("ROUX")
    assert "Trèbes (hors quartier)" in content and "Accompagné" in content


@pytest.mark.parametrize(
    ("criteres", "attendus"),
    [
        ({"q": "samira ben"}, ["BENALI"]),
        ({"quartier": "hors"}, ["ROUX"]),
        ({"canal": "borne_bpifrance"}, ["ROUX"]),
        ({"etape": "accompagne"}, ["BENALI"]),
        ({"annee": "2020"}, ["ROUX"]),
    ],
)
def test_the_list_filters(client, charge_citeslab, dossier, criteres, attendus):
    client.force_login(charge_citeslab)
    content = client.get(url("beneficiaire_list"), criteres).content.decode()
    assert f"{len(attendus)} bénéficiaire pour ces critères." in content
    for nom in ["AMRANI", "BENALI", "ROUX"]:
        assert (nom in content) == (nom in attendus), nom


def test_the_list_filters_by_quartier(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    content = client.get(
        url("beneficiaire_list"), {"quartier": dossier["la_conte"].pk}
    ).content.decode()
    assert "BENALI" in content and "AMRANI" not in content and "ROUX" not in content


def test_the_list_query_count_does_not_grow(
    client, charge_citeslab, contrat, dossier, django_assert_num_queries
):
    client.force_login(charge_citeslab)
    client.get(url("beneficiaire_list"))
    # session, user, roles, "is CitésLab staff" (its contracts), current contract, "staff
    # of this contract", the filter's quartiers, the people (quartier joined), their
    # projects (prefetch), the header's contract switcher, the user's organisation.
    with django_assert_num_queries(QUERIES_LIST) as captured:
        client.get(url("beneficiaire_list"))
    for _ in range(4):
        ProjetFactory(beneficiaire=BeneficiaireFactory(contrat=contrat))
    with django_assert_num_queries(len(captured)):
        response = client.get(url("beneficiaire_list"))
    assert "7 bénéficiaires." in response.content.decode()


QUERIES_LIST = 11


# The identity form -------------------------------------------------------------------------


FICHE = {
    "nom": "Garcia", "prenom": "Lucía", "sexe": "F", "annee_naissance": "1998",
    "commune": "Carcassonne", "statut_emploi": "demandeur_emploi", "canal_entree": "permanence",
    "date_premier_contact": "2021-06-01", "consentement": "on",
    "date_consentement": "2021-06-01",
}  # fmt: skip


def test_the_chargé_records_a_person_with_consent(client, charge_citeslab, contrat, dossier):
    client.force_login(charge_citeslab)
    response = client.post(
        url("beneficiaire_create"), {**FICHE, "quartier": dossier["la_conte"].pk}
    )
    lucia = Beneficiaire.objects.get(annee_naissance=1998)
    assert response.status_code == 302
    assert response["Location"] == url("beneficiaire_detail", lucia.pk)
    assert (lucia.contrat, lucia.nom, lucia.quartier) == (contrat, "Garcia", dossier["la_conte"])
    page = client.get(response["Location"]).content.decode()
    assert f"La fiche n° {lucia.pk} est enregistrée." in page and "GARCIA Lucía" in page


def test_the_form_refuses_without_consent_in_french(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    donnees = {**FICHE, "annee_naissance": "1850"}
    del donnees["consentement"], donnees["date_consentement"]
    content = client.post(url("beneficiaire_create"), donnees).content.decode()
    assert "La fiche n&#x27;est pas enregistrée" in content
    assert "Recueillez le consentement de la personne avant d&#x27;enregistrer" in content
    assert "L&#x27;année de naissance doit être comprise entre" in content
    assert Beneficiaire.objects.count() == 3


def test_an_edit_saved_meanwhile_is_not_overwritten(client, charge_citeslab, dossier):
    samira = dossier["samira"]
    client.force_login(charge_citeslab)
    form = client.get(url("beneficiaire_edit", samira.pk)).context["form"]
    empreinte = form.initial["empreinte"]
    # A colleague changes the phone number meanwhile.
    champs = {c: getattr(samira, c) for c in services.CHAMPS_BENEFICIAIRE}
    champs["telephone"] = "06 00 00 00 01"
    services.beneficiaire_modifier(
        beneficiaire=samira, auteur=charge_citeslab, empreinte=empreinte, **champs
    )
    donnees = {**FICHE, "nom": "Benali", "prenom": "Samira", "telephone": "07 11 11 11 11",
               "empreinte": empreinte}  # fmt: skip
    response = client.post(url("beneficiaire_edit", samira.pk), donnees)
    assert response.status_code == 200
    content = response.content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in content
    assert 'value="06 00 00 00 01"' in content
    samira.refresh_from_db()
    assert samira.telephone == "06 00 00 00 01"
    # Sent again from the saved values, the change goes through.
    donnees["empreinte"] = response.context["form"].initial["empreinte"]
    assert client.post(url("beneficiaire_edit", samira.pk), donnees).status_code == 302
    samira.refresh_from_db()
    assert (samira.telephone, samira.date_premier_contact) == ("07 11 11 11 11", D(2021, 6, 1))


# The record --------------------------------------------------------------------------------


def test_the_record_shows_meetings_projects_referrals_and_creation(
    client, charge_citeslab, dossier
):
    EvenementFactory(contrat=dossier["samira"].contrat, inscrits=[dossier["samira"]])
    client.force_login(charge_citeslab)
    content = client.get(url("beneficiaire_detail", dossier["samira"].pk)).content.decode()
    assert f"Bénéficiaire n° {dossier['samira'].pk}" in content
    assert "09/03/2021" in content and "Entretien individuel" in content
    assert "Centre social Saint-Jacques (La Conte)" in content
    assert "Café Créa de printemps" in content
    assert "Accompagné</span> depuis le 01/04/2021" in content
    assert "ADIE (Adie Aude)" in content and "En attente" in content
    karim = client.get(url("beneficiaire_detail", dossier["karim"].pk)).content.decode()
    assert "Roux Multiservices" in karim and "Pas encore connu" in karim


# Meetings ----------------------------------------------------------------------------------


def test_an_individual_interview_concerns_exactly_one_person(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    samira, ines = dossier["samira"], dossier["ines"]
    form = client.get(url("rencontre_create"), {"beneficiaire": samira.pk}).content.decode()
    coches = re.findall(
        r'<input type="checkbox" name="beneficiaires" value="(\d+)"[^>]*checked', form
    )
    assert coches == [str(samira.pk)]
    assert form.index("AMRANI Inès") < form.index("BENALI Samira") < form.index("ROUX Karim")
    donnees = {"date": "2021-06-10", "kind": "entretien_individuel", "duree_minutes": "45",
               "beneficiaires": [samira.pk, ines.pk]}  # fmt: skip
    content = client.post(url("rencontre_create"), donnees).content.decode()
    assert "Un entretien individuel concerne un seul bénéficiaire." in content
    donnees["kind"] = "information_collective"
    response = client.post(url("rencontre_create") + f"?beneficiaire={samira.pk}", donnees)
    assert response["Location"] == url("beneficiaire_detail", samira.pk)
    rencontre = Rencontre.objects.get(date=D(2021, 6, 10))
    assert set(rencontre.beneficiaires.all()) == {samira, ines}


def test_a_permanence_needs_its_place(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    donnees = {"date": "2021-06-10", "kind": "permanence", "duree_minutes": "180"}
    content = client.post(url("rencontre_create"), donnees).content.decode()
    assert "Indiquez le lieu de la permanence." in content


def test_the_meetings_list_shows_place_and_quartier_and_filters(client, charge_citeslab, dossier):
    client.force_login(charge_citeslab)
    content = client.get(url("rencontre_list")).content.decode()
    assert "2 rencontres." in content
    assert "Centre social Saint-Jacques" in content and "La Conte" in content
    filtre = client.get(url("rencontre_list"), {"kind": KindRencontre.PERMANENCE}).content.decode()
    assert "1 rencontre." in filtre and "Entretien individuel</td>" not in filtre


# A project's stages ------------------------------------------------------------------------


def test_the_chargé_opens_a_project_and_moves_it_dated(client, charge_citeslab, dossier):
    ines = dossier["ines"]
    client.force_login(charge_citeslab)
    client.post(
        url("projet_create", ines.pk),
        {"idee": "Food truck", "secteur": "restauration", "date": "2021-06-01"},
    )
    projet = ines.projets.get()
    assert (projet.etape, projet.date_etape) == (Etape.SENSIBILISE, D(2021, 6, 1))
    form = client.get(url("projet_etape", projet.pk)).content.decode()
    # Offered: amorçage and abandonné only.
    assert '<option value="amorcage">' in form and '<option value="abandonne">' in form
    assert '<option value="cree">' not in form
    response = client.post(
        url("projet_etape", projet.pk), {"etape": "amorcage", "date": "2021-07-05"}
    )
    assert response.status_code == 302
    historique = list(EtapeProjet.objects.filter(projet=projet).values_list("etape", "date"))
    assert historique == [("sensibilise", D(2021, 6, 1)), ("amorcage", D(2021, 7, 5))]
    page = client.get(response["Location"]).content.decode()
    assert (
        f"Le projet n° {projet.pk} est à l&#x27;étape « En amorçage » depuis le 05/07/2021." in page
    )


def test_a_stage_not_allowed_is_refused_in_french(client, charge_citeslab, dossier):
    projet = ProjetFactory(beneficiaire=dossier["ines"])  # sensibilisé
    client.force_login(charge_citeslab)
    content = client.post(
        url("projet_etape", projet.pk), {"etape": "cree", "date": "2021-07-05"}
    ).content.decode()
    assert "Un projet à l&#x27;étape « Sensibilisé » ne peut passer à « Créé »." in content
    before = client.post(
        url("projet_etape", projet.pk), {"etape": "amorcage", "date": "2021-01-05"}
    ).content.decode()
    assert "La date ne peut précéder celle de l&#x27;étape actuelle (09/03/2021)." in before
    projet.refresh_from_db()
    assert projet.etape == Etape.SENSIBILISE


# Referrals, creation, follow-up ----------------------------------------------------------------


def test_a_referral_and_later_its_outcome(client, charge_citeslab, dossier):
    projet = dossier["projet"]
    client.force_login(charge_citeslab)
    manque = client.post(
        url("orientation_create", projet.pk), {"partenaire": "autre", "date": "2021-06-01"}
    ).content.decode()
    assert "Indiquez l&#x27;organisme." in manque
    client.post(
        url("orientation_create", projet.pk),
        {"partenaire": "banque", "organisme": "Crédit mutuel", "date": "2021-06-01"},
    )
    orientation = Orientation.objects.get(partenaire="banque")
    client.post(
        url("orientation_issue", orientation.pk), {"issue": "finance", "date_issue": "2021-07-01"}
    )
    orientation.refresh_from_db()
    assert (orientation.issue, orientation.date_issue) == (IssueOrientation.FINANCE, D(2021, 7, 1))


def test_the_creation_checks_the_siret_and_moves_the_project(client, charge_citeslab, dossier):
    projet = dossier["projet"]  # accompagné since 01/04/2021
    client.force_login(charge_citeslab)
    donnees = {"date": "2021-10-04", "forme_juridique": "micro_entreprise",
               "secteur": "commerce", "siret": "123 456 789 00010"}  # fmt: skip
    content = client.post(url("creation_create", projet.pk), donnees).content.decode()
    assert "Le numéro SIRET « 12345678900010 » n&#x27;est pas valide" in content
    assert not Creation.objects.filter(projet=projet).exists()
    donnees["siret"] = "73282932000074"
    assert client.post(url("creation_create", projet.pk), donnees).status_code == 302
    projet.refresh_from_db()
    assert (projet.etape, projet.date_etape) == (Etape.CREE, D(2021, 10, 4))
    assert projet.creation.siret == "73282932000074"
    assert EtapeProjet.objects.filter(projet=projet, etape="cree", date=D(2021, 10, 4)).exists()


def test_the_businesses_to_follow_and_their_follow_up(client, charge_citeslab, dossier):
    aujourdhui = timezone.localdate()
    recente = CreationFactory(
        projet=ProjetFactory(beneficiaire=dossier["ines"], cree=True),
        date=aujourdhui - datetime.timedelta(days=30), denomination="Toute jeune",
    )  # fmt: skip
    client.force_login(charge_citeslab)
    content = client.get(url("creations_a_suivre")).content.decode()
    # Karim's business (01/09/2021) is past both anniversaries; the recent one, none.
    assert "1 entreprise à suivre." in content
    assert "Roux Multiservices" in content and "Activité à 1 an et à 3 ans" in content
    assert recente.denomination not in content
    creation = dossier["creation"]
    client.post(url("creation_suivi", creation.pk), {"active_1_an": "oui", "active_3_ans": "non"})
    creation.refresh_from_db()
    assert (creation.active_1_an, creation.active_3_ans) == (True, False)
    assert (
        "Aucune entreprise à suivre pour le moment."
        in client.get(url("creations_a_suivre")).content.decode()
    )
    futur = client.post(url("creation_suivi", recente.pk), {"active_1_an": "oui"}).content.decode()
    assert "L&#x27;entreprise n&#x27;aura 1 an que le" in futur
