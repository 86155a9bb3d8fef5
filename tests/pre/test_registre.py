"""The PRE's entry in the register of processing activities, generated from its
configuration, read by the PRE's staff and the admin PDV, downloadable."""

import pytest
from django.urls import reverse

from pre.models import ConfigurationPRE
from tests import factories
from tests.pre.factories import EquipeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def config(contrat):
    structure = factories.OrganisationFactory(nom="CCAS de Carcassonne")
    EquipeFactory(contrat=contrat, nom="Ouest")
    return ConfigurationPRE.objects.create(
        contrat=contrat, structure=structure, conservation_annees=3
    )


@pytest.mark.parametrize("persona", ["referent_pre", "agent_agglo"])
def test_the_staff_and_the_admin_read_the_register(config, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("pre:registre")).content.decode()
    assert "Registre des traitements" in html
    assert "CCAS de Carcassonne" in html
    assert "article 6-1-e du RGPD" in html
    assert "3 ans après la sortie" in html
    assert "Les membres des EPS (Ouest)" in html
    assert "Chiffrement au repos" in html


@pytest.mark.parametrize("persona", ["lecteur", "partenaire_etat", "porteur", "membre_eps"])
def test_the_others_do_not(config, persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("pre:registre")).status_code == 403
    assert client.get(reverse("pre:registre_markdown")).status_code == 403


def test_it_downloads_as_markdown_and_text(config, referent_pre, client):
    client.force_login(referent_pre)
    md = client.get(reverse("pre:registre_markdown"))
    assert md["Content-Disposition"] == 'attachment; filename="registre-pre.md"'
    texte = md.content.decode()
    assert texte.startswith("# Programme de réussite éducative")
    assert "## Durée de conservation" in texte and "- Pendant le parcours, puis 3 ans" in texte
    txt = client.get(reverse("pre:registre_texte")).content.decode()
    assert "DURÉE DE CONSERVATION" in txt and "CCAS de Carcassonne" in txt
