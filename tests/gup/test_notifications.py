"""E-mails after a step: the body a problem is transmitted to, the resident it is solved for."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from gup import services
from gup.enums import SourceSignalement
from tests import factories
from tests.gup.factories import CategorieFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signalement(contrat, bailleur, coordinateur_gup):
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    categorie = CategorieFactory(
        contrat=contrat, libelle="Parties communes", organisation_responsable=bailleur
    )
    signalement, _ = services.signalement_create(
        quartier=quartier, categorie=categorie, description="Porte du hall C cassée",
        adresse="3 rue Buffon", source=SourceSignalement.HABITANT,
        email_signalant="habitante@exemple.fr",
    )  # fmt: skip
    return signalement


def test_the_body_gets_what_is_transmitted_to_it(
    signalement, coordinateur_gup, intervenant_gup, django_capture_on_commit_callbacks
):
    factories.UserFactory(organisation=intervenant_gup.organisation, roles=[])  # no GUP role
    with django_capture_on_commit_callbacks(execute=True):
        services.signalement_transition(
            signalement=signalement, user=coordinateur_gup, code="transmettre",
            commentaire="Urgent : la porte claque la nuit.",
        )  # fmt: skip

    (message,) = mail.outbox
    assert message.to == ["agent@habitat-audois.fr"]
    assert message.subject == (f"GUP — signalement n° {signalement.pk} transmis : Parties communes")
    assert "Porte du hall C cassée" in message.body
    assert f"/gup/signalements/{signalement.pk}/" in message.body
    assert "Urgent : la porte claque la nuit." in message.body


def test_the_resident_is_asked_whether_it_is_really_solved(
    signalement, coordinateur_gup, intervenant_gup, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for user, code in [(coordinateur_gup, "transmettre"), (intervenant_gup, "resoudre")]:
            services.signalement_transition(signalement=signalement, user=user, code=code)

    message = mail.outbox[-1]
    assert message.to == ["habitante@exemple.fr"]
    assert message.subject == "Votre signalement est résolu"
    assert f"/gup/suivi/{signalement.jeton_suivi}/" in message.body


def test_taking_charge_tells_nobody(
    signalement, coordinateur_gup, intervenant_gup, django_capture_on_commit_callbacks
):
    services.signalement_transition(
        signalement=signalement, user=coordinateur_gup, code="transmettre"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.signalement_transition(
            signalement=signalement, user=intervenant_gup, code="prendre_en_charge"
        )
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True)
def test_loading_the_demo_sends_no_e_mail(monkeypatch):
    """As in `make run`: the demo's transaction commits, its steps' callbacks run."""
    from io import StringIO

    from gup.models import EvenementSignalement

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", stdout=StringIO())
    assert EvenementSignalement.objects.filter(code="transmettre").exists()
    assert mail.outbox == []
