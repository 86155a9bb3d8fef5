"""The diagnostics en marchant's pages: their list and figures, their detail with the
problems found, their creation and correction by the coordination GUP."""

import datetime

import pytest
from django.urls import reverse

from gup.enums import EtatSignalement
from gup.models import Diagnostic
from tests import factories
from tests.gup.factories import CategorieFactory, DiagnosticFactory, SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
LIST = reverse("gup:diagnostic_list")
CREATE = reverse("gup:diagnostic_create")


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def diagnostic(quartier, bailleur):
    """A walk with the landlord: three problems found, one of them solved."""
    diagnostic = DiagnosticFactory(
        quartier=quartier, date=datetime.date(2026, 4, 14), secteur="Rue Buffon", nb_habitants=12
    )
    diagnostic.participants.set([bailleur])
    categorie = CategorieFactory(contrat=quartier.contrat, libelle="Propreté")
    for etat in (E.NOUVEAU, E.TRANSMIS, E.RESOLU):
        SignalementFactory(
            quartier=quartier, categorie=categorie, diagnostic=diagnostic, etat=etat,
            organisation_responsable=bailleur,
        )  # fmt: skip
    return diagnostic


def test_it_lists_the_walks_with_the_problems_found_and_still_open(
    client, coordinateur_gup, diagnostic
):
    client.force_login(coordinateur_gup)
    response = client.get(LIST)
    assert response.status_code == 200
    ligne = response.context["diagnostics"][0]
    assert (ligne.nb_signalements, ligne.nb_ouverts) == (3, 2)
    html = response.content.decode()
    assert "14/04/2026" in html and "Rue Buffon" in html and "Habitat Audois" in html
    assert "Nouveau diagnostic en marchant" in html


def test_the_list_costs_the_same_queries_whatever_the_number_of_walks(
    client, coordinateur_gup, diagnostic, quartier, bailleur, django_assert_num_queries
):
    client.force_login(coordinateur_gup)

    def compter(n):
        # session, user, roles, current contract, "may create?", the walks with their
        # figures, their participants, the header's contract switcher and organisation.
        with django_assert_num_queries(9):
            response = client.get(LIST)
        assert len(response.context["diagnostics"]) == n

    compter(1)
    for _ in range(4):
        DiagnosticFactory(quartier=quartier).participants.set([bailleur])
    compter(5)


def test_the_detail_shows_the_problems_and_the_field_capture_link(
    client, coordinateur_gup, diagnostic
):
    client.force_login(coordinateur_gup)
    response = client.get(reverse("gup:diagnostic_detail", args=[diagnostic.pk]))
    html = response.content.decode()
    assert 'href="saisie/"' in html and "Saisir des signalements sur le terrain" in html
    assert len(response.context["signalements"]) == 3
    assert html.count("Propreté") == 3 and "Résolu" in html


def test_an_intervenant_sees_the_walks_its_organisation_took_part_in(
    client, intervenant_gup, intervenant_ville, diagnostic
):
    url = reverse("gup:diagnostic_detail", args=[diagnostic.pk])
    client.force_login(intervenant_gup)
    response = client.get(url)
    assert response.status_code == 200
    assert "Saisir des signalements" not in response.content.decode()
    assert [d.pk for d in client.get(LIST).context["diagnostics"]] == [diagnostic.pk]
    client.force_login(intervenant_ville)
    assert client.get(url).status_code == 404
    assert list(client.get(LIST).context["diagnostics"]) == []


def test_readers_read_others_are_refused(client, lecteur, porteur, agent_autre_contrat, diagnostic):
    url = reverse("gup:diagnostic_detail", args=[diagnostic.pk])
    client.force_login(lecteur)
    assert client.get(url).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("gup:diagnostic_edit", args=[diagnostic.pk])).status_code == 403
    client.force_login(agent_autre_contrat)
    assert client.get(url).status_code == 404
    client.force_login(porteur)
    assert client.get(LIST).status_code == 403


def test_the_coordination_records_a_walk(client, coordinateur_gup, quartier, bailleur):
    client.force_login(coordinateur_gup)
    response = client.post(
        CREATE,
        {"quartier": quartier.pk, "date": "2026-05-20", "secteur": "Place Ozanam",
         "participants": [bailleur.pk], "nb_habitants": 7, "compte_rendu": "Bonne affluence."},
    )  # fmt: skip
    diagnostic = Diagnostic.objects.get()
    assert response["Location"] == reverse("gup:diagnostic_detail", args=[diagnostic.pk])
    assert diagnostic.cree_par == coordinateur_gup
    assert list(diagnostic.participants.all()) == [bailleur]


def test_a_bad_walk_shows_french_errors_and_writes_nothing(client, coordinateur_gup, autre_contrat):
    ailleurs = QuartierFactory(contrat=autre_contrat)
    client.force_login(coordinateur_gup)
    response = client.post(
        CREATE, {"quartier": ailleurs.pk, "date": "31/02/2026", "nb_habitants": "-2"}
    )
    errors = response.context["form"].errors
    assert errors["quartier"] == ["Choisissez un quartier du contrat."]
    assert errors["date"] == ["Saisissez une date valide, par exemple 14/04/2026."]
    assert errors["nb_habitants"] == ["Le nombre d'habitants ne peut être négatif."]
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not Diagnostic.objects.exists()


def test_a_stale_edit_is_refused_with_the_other_person_s_values(
    client, coordinateur_gup, contrat, diagnostic
):
    collegue = factories.UserFactory(roles=["coordinateur_gup"], contrats=[contrat])
    url = reverse("gup:diagnostic_edit", args=[diagnostic.pk])
    data = {"quartier": diagnostic.quartier_id, "date": "2026-04-14", "secteur": "Rue Buffon",
            "nb_habitants": 12, "compte_rendu": "", "version": 1}  # fmt: skip

    client.force_login(collegue)
    assert client.post(url, {**data, "compte_rendu": "Texte de ma collègue"}).status_code == 302
    client.force_login(coordinateur_gup)
    response = client.post(url, {**data, "compte_rendu": "Mon texte"})
    html = response.content.decode()
    assert "modifié entre-temps" in html and "Texte de ma collègue" in html
    diagnostic.refresh_from_db()
    assert (diagnostic.compte_rendu, diagnostic.version) == ("Texte de ma collègue", 2)
    # Sent again knowingly, with the version shown: saved.
    assert response.context["form"]["version"].value() == 2
    client.post(url, {**data, "compte_rendu": "Mon texte", "version": 2})
    diagnostic.refresh_from_db()
    assert (diagnostic.compte_rendu, diagnostic.version) == ("Mon texte", 3)
