"""The weekly digest: one e-mail per responsible body with open problems, to its intervenants
GUP, overdue items first; nothing to a body without open problems; never twice a week."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from cdv.enums import RoleCode
from gup import notifications, tasks
from gup.enums import EtatSignalement
from tests import factories
from tests.gup import test_selectors
from tests.gup.factories import SignalementFactory

pytestmark = pytest.mark.django_db
# The data set of the selectors' tests (hand-computed figures in its docstring).
jeu = test_selectors.jeu
LUNDI = test_selectors.AUJOURD_HUI  # Monday 11/05/2026, ISO week 20


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def collegue(bailleur):
    return factories.UserFactory(
        email="gardien@habitat-audois.fr", organisation=bailleur, roles=[RoleCode.INTERVENANT_GUP]
    )


def par_destinataire():
    return {tuple(message.to): message for message in mail.outbox}


def test_each_body_gets_its_open_problems_overdue_first(
    jeu,
    intervenant_gup,
    intervenant_ville,
    collegue,
    bailleur,
):
    # A porteur of the landlord's organisation holds no GUP role: not a recipient.
    factories.UserFactory(email="compta@habitat-audois.fr", organisation=bailleur)
    mail.outbox.clear()

    assert notifications.envoyer_digests(today=LUNDI) == 2

    messages = par_destinataire()
    assert set(messages) == {
        ("agent@habitat-audois.fr", "gardien@habitat-audois.fr"),
        ("services@ville.fr",),
    }
    habitat = messages[("agent@habitat-audois.fr", "gardien@habitat-audois.fr")]
    assert habitat.subject == (
        "GUP — semaine 20 de 2026 : 2 signalements ouverts, dont 1 en retard"
    )
    body = habitat.body
    assert "confiés à Habitat Audois et encore ouverts au 11/05/2026" in body
    # The overdue problem comes first, with its quartier, category, address, dates, lateness.
    assert body.index("EN RETARD (1)") < body.index("AUTRES SIGNALEMENTS OUVERTS (1)")
    retard = jeu["retard"]
    assert "- La Conte — Parties communes — 3 rue Buffon" in body
    assert "Signalé le 16/04/2026, échéance le 01/05/2026 : 10 jours de retard (transmis)." in body
    assert f"{settings.SITE_URL.rstrip('/')}/gup/signalements/{retard.pk}/" in body
    assert body.index(f"/gup/signalements/{retard.pk}/") < body.index(
        f"/gup/signalements/{jeu['a_l_heure'].pk}/"
    )
    assert "Lampadaire" not in body and "Place Ozanam" not in body  # the town's
    assert f"/gup/signalements/{jeu['resolus'][0].pk}/" not in body  # resolved
    html, mimetype = habitat.alternatives[0]
    assert mimetype == "text/html" and "Signalement n° " in html

    ville = messages[("services@ville.fr",)]
    assert ville.subject == "GUP — semaine 20 de 2026 : 1 signalement ouvert"
    assert "EN RETARD" not in ville.body
    assert "- Ozanam — Éclairage public — Place Ozanam" in ville.body
    assert "Signalé le 01/05/2026, échéance le 16/05/2026 (pris en charge)." in ville.body


def test_nothing_to_a_body_without_open_problems(jeu, intervenant_gup, intervenant_ville):
    for signalement in (jeu["retard"], jeu["a_l_heure"]):
        signalement.etat = EtatSignalement.RESOLU
        signalement.resolu_le = datetime.datetime(2026, 5, 5, tzinfo=datetime.UTC)
        signalement.save()
    mail.outbox.clear()

    assert notifications.envoyer_digests(today=LUNDI) == 1
    assert [message.to for message in mail.outbox] == [["services@ville.fr"]]


def test_nothing_is_sent_twice_the_same_week(jeu, intervenant_gup, intervenant_ville):
    mail.outbox.clear()
    assert notifications.envoyer_digests(today=LUNDI) == 2
    # Retried on Monday afternoon, or run again on Wednesday: nothing more.
    assert notifications.envoyer_digests(today=LUNDI) == 0
    assert notifications.envoyer_digests(today=LUNDI + datetime.timedelta(days=2)) == 0
    assert len(mail.outbox) == 2
    # The next Monday, a new digest.
    assert notifications.envoyer_digests(today=LUNDI + datetime.timedelta(days=7)) == 2
    assert len(mail.outbox) == 4
    assert "semaine 21 de 2026" in mail.outbox[-1].subject


def test_a_body_without_intervenant_gets_nothing(contrat, bailleur):
    SignalementFactory(organisation_responsable=bailleur, etat=EtatSignalement.TRANSMIS)
    mail.outbox.clear()
    assert notifications.envoyer_digests(today=LUNDI) == 0
    assert mail.outbox == []


def test_the_task_sends_once_a_week(jeu, intervenant_gup, intervenant_ville):
    mail.outbox.clear()
    assert tasks.digest_hebdomadaire.delay().get() == 2
    assert tasks.digest_hebdomadaire.delay().get() == 0
    assert len(mail.outbox) == 2


def test_the_task_is_scheduled_on_monday_at_7():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.digest_hebdomadaire.name
    ]
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {0}, {1})
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
