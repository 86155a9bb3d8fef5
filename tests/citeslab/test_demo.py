"""CitésLab in the Carcassonne demo (cdv/demo/citeslab.py): the figures of issue 7
recomputed from the rows with the shared definitions, and the records' consistency."""

import datetime
import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from stdnum.fr import siret

from cdv.demo.loader import demo_email
from cdv.enums import RoleCode
from cdv.models import Contrat, User
from cdv.selectors import SESSION_KEY
from citeslab.enums import SUIVANTES, CanalEntree, Etape, KindEvenement, KindRencontre, Sexe
from citeslab.models import (
    Beneficiaire,
    ConfigurationCitesLab,
    Creation,
    EtapeProjet,
    Evenement,
    ProjetCreation,
    Rencontre,
)

pytestmark = pytest.mark.django_db

DEBUT, FIN = datetime.date(2020, 1, 1), datetime.date(2021, 12, 31)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes a while), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            with override_settings(DEBUG=True):
                call_command("load_demo", stdout=StringIO())
            yield
            transaction.set_rollback(True)


def contrat(annee):
    return Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=annee)


def accompagnes(debut, fin, contrat_):
    """Distinct people with an individual interview in [debut, fin] (shared definition)."""
    return Beneficiaire.objects.filter(
        contrat=contrat_,
        rencontres__kind=KindRencontre.ENTRETIEN_INDIVIDUEL,
        rencontres__date__range=(debut, fin),
    ).distinct()


def test_74_people_were_accompanied_in_2020_2021_40_of_them_women(demo):
    personnes = accompagnes(DEBUT, FIN, contrat(2015))
    assert personnes.count() == 74
    assert personnes.filter(sexe=Sexe.FEMME).count() == 40
    # 40 / 74 = 54 %.
    assert round(100 * 40 / 74) == 54


def test_most_of_them_are_under_26_or_36_to_45(demo):
    ages = [FIN.year - b.annee_naissance for b in accompagnes(DEBUT, FIN, contrat(2015))]
    moins_26 = sum(age < 26 for age in ages)
    de_36_a_45 = sum(36 <= age <= 45 for age in ages)
    autres = len(ages) - moins_26 - de_36_a_45
    assert moins_26 > autres / 2 and de_36_a_45 > autres / 4
    assert moins_26 + de_36_a_45 > len(ages) / 2


def test_people_live_in_each_qpv_each_qva_and_other_communes(demo):
    personnes = Beneficiaire.objects.filter(contrat=contrat(2015))
    quartiers = set(personnes.exclude(quartier=None).values_list("quartier__nom", flat=True))
    assert quartiers == {
        "Bastide – Pont-Vieux",
        "La Conte – Ozanam",
        "Le Viguier – Saint-Jacques",
        "Fleming – La Reille",
        "Grazailles",
        "L'Aiguille",
        "L'Espérance",
    }
    assert personnes.filter(quartier=None).exclude(commune="Carcassonne").exists()


def test_36_people_came_through_the_bpifrance_kiosk_all_since_october_2021(demo):
    par_la_borne = Beneficiaire.objects.filter(rencontres__kind=KindRencontre.BORNE).distinct()
    assert par_la_borne.count() == 36
    assert par_la_borne.filter(contrat=contrat(2015)).count() == 36
    assert not Rencontre.objects.filter(
        kind=KindRencontre.BORNE, date__lt=datetime.date(2021, 10, 1)
    ).exists()
    assert Beneficiaire.objects.filter(canal_entree=CanalEntree.BORNE).count() == 36
    lieux = Rencontre.objects.filter(kind=KindRencontre.BORNE).values_list("lieu", flat=True)
    assert set(lieux) == {"Borne Bpifrance — agence Pôle emploi de La Conte"}


def test_activity_starts_in_september_2017_and_grows(demo):
    personnes = Beneficiaire.objects.filter(contrat=contrat(2015))
    premiers = personnes.order_by("date_premier_contact").first().date_premier_contact
    assert datetime.date(2017, 9, 1) <= premiers < datetime.date(2017, 10, 1)
    par_annee = {
        annee: personnes.filter(date_premier_contact__year=annee).count()
        for annee in range(2017, 2023)
    }
    assert par_annee == {2017: 9, 2018: 32, 2019: 38, 2020: 42, 2021: 52, 2022: 50}


def test_every_siret_is_valid_and_follow_ups_are_known_once_due(demo):
    creations = list(Creation.objects.all())
    assert len(creations) > 20
    assert all(siret.is_valid(c.siret) for c in creations)
    anciennes = [c for c in creations if c.date <= datetime.date(2022, 11, 20)]
    assert anciennes and all(c.active_1_an is not None for c in anciennes)
    assert any(c.active_3_ans for c in creations) and any(c.active_1_an is False for c in creations)


def test_every_stage_change_has_a_dated_history_row(demo):
    projets = ProjetCreation.objects.all()
    assert projets.count() == Beneficiaire.objects.count()
    for projet in projets.prefetch_related("historique"):
        historique = list(projet.historique.all())
        assert historique[0].etape == Etape.SENSIBILISE and historique[0].etape_precedente == ""
        for avant, apres in zip(historique, historique[1:], strict=False):
            assert apres.etape_precedente == avant.etape
            assert Etape(apres.etape) in SUIVANTES[avant.etape]
            assert apres.date >= avant.date
        assert (historique[-1].etape, historique[-1].date) == (projet.etape, projet.date_etape)
    assert EtapeProjet.objects.filter(etape=Etape.CREE).count() == Creation.objects.count()
    assert projets.filter(etape=Etape.ABANDONNE).exists()
    assert projets.filter(orientations__isnull=False).exists()


def test_events_of_each_kind_with_attendance(demo):
    evenements = Evenement.objects.filter(contrat=contrat(2015))
    for kind in (
        KindEvenement.TROPHEES,
        KindEvenement.CAFE_CREA,
        KindEvenement.LUNDI_ADIE,
        KindEvenement.MERCREDI_ACTI_CITY,
    ):
        assert evenements.filter(kind=kind).exists(), kind
    marche = evenements.get(kind=KindEvenement.MARCHE_NOEL)
    assert marche.date.year == 2020 and marche.lieu == "En ligne"
    assert not evenements.filter(participants=0).exists()
    assert evenements.filter(inscrits__isnull=False).exists()
    for evenement in evenements.prefetch_related("inscrits", "partenaires"):
        assert evenement.participants >= len(evenement.inscrits.all())
        assert evenement.partenaires.all()
    assert evenements.get(kind=KindEvenement.LUNDI_ADIE, date__year=2021, date__month=3)
    assert evenements.filter(partenaires__sigle="ADIE", kind=KindEvenement.LUNDI_ADIE).exists()


def test_the_2024_contract_has_its_own_activity_until_the_demo_day(demo):
    recent = contrat(2024)
    assert ConfigurationCitesLab.objects.filter(contrat__in=[contrat(2015), recent]).count() == 2
    assert Beneficiaire.objects.filter(contrat=recent).count() == 86
    assert not Rencontre.objects.filter(Q(contrat=recent), date__gt=datetime.date(2026, 11, 20))
    assert not Evenement.objects.filter(date__gt=datetime.date(2026, 11, 20)).exists()


def test_a_second_run_adds_nothing(demo):
    comptes = [m.objects.count() for m in (Beneficiaire, Rencontre, EtapeProjet, Evenement)]
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    assert [m.objects.count() for m in (Beneficiaire, Rencontre, EtapeProjet, Evenement)] == comptes


def test_every_citeslab_row_passes_the_model_validation(demo):
    for model in (Beneficiaire, Rencontre, ProjetCreation, EtapeProjet, Creation, Evenement):
        for obj in model.objects.all():
            obj.full_clean()


def test_the_2020_2021_workbook_shows_the_funnel_and_its_breakdowns(demo, client):
    """The issue's "Done when": the demo's chargé downloads the report of 2020–2021."""
    charge = User.objects.get(email=demo_email(RoleCode.CHARGE_CITESLAB))
    client.force_login(charge)
    session = client.session
    session[SESSION_KEY] = contrat(2015).pk
    session.save()
    response = client.get(
        reverse("citeslab:rapport_excel"), {"debut": "01/01/2020", "fin": "31/12/2021"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    def lignes(feuille):
        return {row[0]: row[1:] for row in workbook[feuille].iter_rows(values_only=True)}

    entonnoir = lignes("Entonnoir")
    touches = entonnoir["Personnes touchées"][0]
    assert entonnoir["Personnes accompagnées"][0] == 74
    assert touches >= 74 and entonnoir["Entreprises créées"][0] > 0
    # By sex, the columns follow the funnel: reached, supported, …
    femmes_touchees = (
        Beneficiaire.objects.filter(contrat=contrat(2015), sexe=Sexe.FEMME)
        .filter(
            Q(date_premier_contact__range=(DEBUT, FIN))
            | Q(rencontres__date__range=(DEBUT, FIN))
            | Q(evenements__date__range=(DEBUT, FIN))
        )
        .distinct()
        .count()
    )
    assert lignes("Sexe")["Femme"][:2] == (femmes_touchees, 40)
    for feuille in ("Âge", "Résidence", "Canal d'entrée", "Situation d'emploi"):
        assert lignes(feuille)["Ensemble"][1] == 74, feuille
