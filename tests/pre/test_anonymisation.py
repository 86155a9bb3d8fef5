"""The nightly anonymisation of old pathways: names, families, documents and free texts go;
the statistics stay exactly the same."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from pre.anonymisation import anonymiser
from pre.models import (
    Consentement,
    Enfant,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
)
from pre.selectors import statistiques
from pre.tasks import anonymiser_parcours_clos
from tests.pre.factories import CommissionFactory, EquipeFactory, ReperageFactory
from tests.pre.test_stats import jeu  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


def _brut(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_statistics_are_exactly_the_same_after_anonymisation(
    jeu,  # noqa: F811
    contrat,
    referent_pre,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    p1 = jeu[0]
    ResponsableLegal.objects.create(enfant=p1.enfant, lien="mere", nom="Durandal", prenom="Rose")
    consentement = Consentement.objects.create(enfant=p1.enfant, date=datetime.date(2020, 8, 1))
    consentement.document.save("accord.pdf", ContentFile(b"%PDF signed"))
    chemin = consentement.document.path
    RevueParcours.objects.create(parcours=p1, date=datetime.date(2021, 1, 5), contenu="Progrès")
    annees = list(range(2019, 2027))
    avant = statistiques(user=referent_pre, contrat=contrat, annees=annees)

    # Closed more than 2 years before 26/11/2026: P1 (2021), P3 (2022), P6 (2020).
    assert anonymiser(today=TODAY) == 3

    assert statistiques(user=referent_pre, contrat=contrat, annees=annees) == avant
    ids = [jeu[0].enfant_id, jeu[2].enfant_id, jeu[5].enfant_id]
    rows = _brut(
        "SELECT nom, prenom, date_naissance, anonymise_le FROM pre_enfant WHERE id IN (%s, %s, %s)",
        ids,
    )
    assert all(r[:3] == (None, None, None) and r[3] is not None for r in rows)
    assert _brut("SELECT commentaire FROM pre_reperage WHERE enfant_id = %s", [ids[0]]) == [(None,)]
    assert _brut("SELECT objectifs FROM pre_parcours WHERE id = %s", [p1.pk]) == [(None,)]
    assert _brut(
        "SELECT s.commentaire FROM pre_situationcommission s JOIN pre_reperage r "
        "ON s.reperage_id = r.id WHERE r.enfant_id = %s",
        [ids[0]],
    ) == [(None,)]
    assert _brut("SELECT contenu FROM pre_revueparcours WHERE parcours_id = %s", [p1.pk]) == [
        (None,)
    ]
    assert not ResponsableLegal.objects.filter(enfant_id=ids[0]).exists()
    assert Consentement.objects.get(pk=consentement.pk).document.name in ("", None)
    assert not __import__("os").path.exists(chemin)
    assert Enfant.objects.get(pk=ids[0]).nom_complet == "Enfant anonymisé"
    # The open pathways keep their names.
    assert Enfant.objects.get(pk=jeu[1].enfant_id).nom.startswith("Durandal")


def test_it_is_idempotent_and_the_task_wraps_it(jeu, contrat):  # noqa: F811
    assert anonymiser(today=TODAY) == 3
    assert anonymiser(today=TODAY) == 0
    assert anonymiser_parcours_clos.apply().get() == 0


def test_recent_exits_are_kept(jeu, contrat):  # noqa: F811
    # On 01/02/2024, only P6 (exited 31/12/2020) and P1 (30/06/2021) are past two years.
    assert anonymiser(today=datetime.date(2024, 2, 1)) == 2
    assert Enfant.objects.get(pk=jeu[2].enfant_id).anonymise_le is None


def test_the_shared_minutes_lose_the_anonymised_childs_name(jeu, contrat):  # noqa: F811
    enfant = jeu[0].enfant
    commission = CommissionFactory(equipe=EquipeFactory(contrat=contrat))
    reperage = ReperageFactory(enfant=enfant, date=datetime.date(2019, 5, 2))
    SituationCommission.objects.create(commission=commission, reperage=reperage)
    commission.compte_rendu = f"{enfant.prenom} {enfant.nom} : entrée en parcours."
    commission.save()

    anonymiser(today=TODAY)

    commission.refresh_from_db()
    assert commission.compte_rendu == f"[dossier n° {enfant.pk}] : entrée en parcours."
