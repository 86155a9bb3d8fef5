"""The GUP of the Carcassonne demo (cdv/demo/gup.py): diagnostics en marchant and their
problems, TFPB abatements as in the final evaluation, chantiers tremplin of the régie."""

import datetime
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from cdv.demo.loader import demo_email
from cdv.enums import OrganisationKind, RoleCode
from cdv.models import Contrat, Organisation, User
from gup.enums import ETATS_OUVERTS, EtatSignalement, SourceSignalement
from gup.models import (
    AbattementTFPB,
    ActionTFPB,
    ChantierTremplin,
    ConventionTFPB,
    Diagnostic,
    EvenementSignalement,
    Signalement,
)
from quartiers.enums import QuartierKind
from quartiers.models import Quartier

pytestmark = pytest.mark.django_db

E = EtatSignalement
DIXIEME = Decimal("0.1")


def load_demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


@pytest.fixture
def demo(monkeypatch):
    load_demo(monkeypatch)


def contrat(annee):
    return Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=annee)


def bailleur(nom):
    return Organisation.objects.get(nom=nom, kind=OrganisationKind.BAILLEUR)


def test_each_qpv_of_the_2015_contract_had_a_walk_in_spring_2021_and_2022(demo):
    qpv = Quartier.objects.filter(contrat=contrat(2015), kind=QuartierKind.QPV)
    assert qpv.count() == 5
    for quartier in qpv:
        diagnostics = list(Diagnostic.objects.filter(quartier=quartier).order_by("date"))
        assert [d.date.year for d in diagnostics] == [2021, 2022], quartier.nom
        for diagnostic in diagnostics:
            assert 3 <= diagnostic.date.month <= 6
            assert 5 <= diagnostic.nb_habitants <= 20
            assert diagnostic.compte_rendu
            kinds = {o.kind for o in diagnostic.participants.all()}
            assert {
                OrganisationKind.COMMUNE,
                OrganisationKind.EPCI,
                OrganisationKind.BAILLEUR,
                OrganisationKind.REGIE,
                OrganisationKind.CONSEIL_CITOYEN,
            } <= kinds
            problemes = diagnostic.signalements.all()
            assert 6 <= problemes.count() <= 15, diagnostic
            assert all(p.quartier_id == quartier.pk for p in problemes)


def test_the_problems_have_every_state_and_a_dated_history(demo):
    today = timezone.localdate()
    old = Signalement.objects.filter(quartier__contrat=contrat(2015))
    etats = Counter(old.values_list("etat", flat=True))
    assert etats[E.RESOLU] > sum(n for etat, n in etats.items() if etat != E.RESOLU)
    assert old.filter(etat__in=ETATS_OUVERTS, echeance__lt=today).exists()
    assert etats[E.DOUBLON] == 1 and etats[E.CLOS_SANS_SUITE] == 1
    doublon = old.get(etat=E.DOUBLON)
    assert doublon.original.diagnostic_id == doublon.diagnostic_id
    # Declared outside its remit by Habitat Audois, then given to the Ville or the agglo.
    reattribues = old.filter(evenements__code="reattribuer").distinct()
    assert reattribues.count() == 3
    assert not reattribues.filter(organisation_responsable=bailleur("Habitat Audois")).exists()
    # Processing times from days to months.
    delais = [(s.resolu_le - s.signale_le).days for s in old.filter(etat=E.RESOLU)]
    assert min(delais) < 15 and max(delais) > 60
    # Several responsible bodies, the landlords among them.
    assert old.values("organisation_responsable").distinct().count() >= 4

    for signalement in Signalement.objects.prefetch_related("evenements"):
        dates = [e.date for e in signalement.evenements.all()]
        assert dates[0] == signalement.signale_le
        assert dates == sorted(dates) and dates[-1] <= timezone.now()
        if signalement.etat == E.RESOLU:
            resolution = [e for e in signalement.evenements.all() if e.code == "resoudre"]
            assert signalement.resolu_le == resolution[-1].date == signalement.clos_le
        if signalement.etat != E.NOUVEAU:
            transmis = [e for e in signalement.evenements.all() if e.etat_apres == E.TRANSMIS]
            if transmis:
                assert signalement.transmis_le == transmis[0].date


def test_the_2026_walks_leave_open_and_overdue_problems_and_residents_reports(demo):
    today = timezone.localdate()
    recents = Signalement.objects.filter(quartier__contrat=contrat(2024))
    assert Diagnostic.objects.filter(quartier__contrat=contrat(2024), date__year=2026).count() == 2
    assert recents.filter(etat__in=ETATS_OUVERTS).exists()
    assert recents.filter(etat__in=ETATS_OUVERTS, echeance__lt=today).exists()
    assert recents.filter(etat=E.HORS_COMPETENCE).exists()
    habitants = recents.filter(source=SourceSignalement.HABITANT)
    assert habitants.count() >= 2
    assert all(s.etat == E.NOUVEAU and s.email_signalant and s.auteur is None for s in habitants)
    intervenant = User.objects.get(email=demo_email(RoleCode.INTERVENANT_GUP))
    resolus_par_le_bailleur = recents.filter(
        etat=E.RESOLU,
        organisation_responsable=bailleur("Habitat Audois"),
        evenements__code="resoudre",
        evenements__auteur=intervenant,
    )
    assert resolus_par_le_bailleur.exists()


def test_problems_lie_inside_their_quartier(demo):
    placed = Signalement.objects.exclude(latitude=None).select_related("quartier")
    assert placed.count() == Signalement.objects.count()
    for signalement in placed:
        ring = signalement.quartier.perimetre["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lats) <= signalement.latitude <= max(lats)
        assert min(lons) <= signalement.longitude <= max(lons)
        assert "Carcassonne" in signalement.adresse


def test_the_tfpb_abatements_are_those_of_the_final_evaluation(demo):
    rows = AbattementTFPB.objects.filter(convention__contrat=contrat(2015))
    assert ConventionTFPB.objects.filter(contrat=contrat(2015)).count() == 3

    def total(qs):
        return qs.aggregate(total=Sum("montant"))["total"]

    assert set(rows.values_list("annee", flat=True)) == set(range(2016, 2022))
    assert total(rows) == Decimal("4291000")
    deux = rows.filter(convention__bailleur__nom__in=["Habitat Audois", "Alogea"])
    assert total(deux.filter(annee=2016)) > 656_000
    assert total(deux.filter(annee=2021)) > 700_000
    assert total(deux.filter(annee__lte=2020)) == Decimal("3379433")
    # Valued actions of every landlord, by axis, planned and realised.
    actions = ActionTFPB.objects.filter(convention__contrat=contrat(2015))
    assert actions.values("convention__bailleur").distinct().count() == 3
    assert actions.values("axe").distinct().count() >= 6
    assert not actions.filter(montant_realise=None).exists()
    assert total(rows) * Decimal("0.95") < actions.aggregate(s=Sum("montant_prevu"))["s"]


def test_the_chantiers_tremplin_are_those_of_the_report(demo):
    chantiers = ChantierTremplin.objects.select_related("quartier", "operateur")
    par_annee = Counter(chantiers.values_list("annee", flat=True))
    assert sorted(par_annee) == list(range(2016, 2023))
    assert all(3 <= n <= 4 for n in par_annee.values())
    for chantier in chantiers:
        assert chantier.operateur.kind == OrganisationKind.REGIE
        assert 76 <= (chantier.date_fin - chantier.date_debut).days <= 92
        assert chantier.residents_qpv <= chantier.participants
    # The report's balance, read over 2018–2020: (sites, QPV residents) per quartier.
    bilan = {}
    for chantier in chantiers.filter(annee__range=(2018, 2020)):
        sites, residents = bilan.get(chantier.quartier.nom, (0, 0))
        bilan[chantier.quartier.nom] = (sites + 1, residents + chantier.residents_qpv)
    assert bilan == {
        "Grazailles": (2, 17),
        "La Conte – Ozanam": (6, 49),
        "Fleming – La Reille": (2, 17),
    }
    ozanam = chantiers.filter(annee__range=(2018, 2020), intitule__endswith="Ozanam")
    assert (ozanam.count(), sum(c.residents_qpv for c in ozanam)) == (3, 25)


def test_the_landlords_intervenant_sees_only_its_problems(demo):
    intervenant = User.objects.get(email=demo_email(RoleCode.INTERVENANT_GUP))
    habitat_audois = bailleur("Habitat Audois")
    assert intervenant.organisation == habitat_audois
    visibles = Signalement.objects.for_user(intervenant)
    assert (
        visibles.count()
        == Signalement.objects.filter(organisation_responsable=habitat_audois).count()
    )
    assert visibles.exists()
    assert set(visibles.values_list("organisation_responsable", flat=True)) == {habitat_audois.pk}


def test_a_second_run_changes_nothing(demo, monkeypatch):
    def snapshot():
        counts = {
            model._meta.label: model._default_manager.count()
            for model in apps.get_app_config("gup").get_models(include_auto_created=True)
        }
        etats = sorted(Signalement.objects.values_list("client_uuid", "etat", "resolu_le"))
        dates = sorted(EvenementSignalement.objects.values_list("signalement__client_uuid", "date"))
        montants = sorted(AbattementTFPB.objects.values_list("quartier__nom", "annee", "montant"))
        return counts, etats, dates, montants

    first = snapshot()
    load_demo(monkeypatch)
    assert snapshot() == first
    assert first[0]["gup.Signalement"] > 100
    assert datetime.date(2016, 1, 1) <= Diagnostic.objects.earliest("date").date


def test_the_statistics_give_each_bodys_processing_times(demo, client):
    """The figures by responsible body of the 2015 contract, recomputed here from the demo's
    rows by the nearest-rank method (rank ⌈N/2⌉ and ⌈9N/10⌉ of the sorted durations)."""
    from gup.selectors import statistiques

    superuser = User.objects.get(email="admin@demo.cdv.local")
    ancien = contrat(2015)
    durees = {}
    for nom, signale, resolu in Signalement.objects.filter(
        quartier__contrat=ancien, resolu_le__isnull=False
    ).values_list("organisation_responsable__nom", "signale_le", "resolu_le"):
        jours = Decimal(str((resolu - signale).total_seconds())) / 86400
        durees.setdefault(nom, []).append(jours)

    stats = statistiques(contrat=ancien, user=superuser)

    par_nom = {ligne.nom: ligne for ligne in stats.organisations}
    assert len(durees) >= 3  # the Ville, the agglo and the landlords solve problems
    for nom, valeurs in durees.items():
        valeurs.sort()
        n = len(valeurs)
        ligne = par_nom[nom]
        assert ligne.resolus == n
        # Shown in days to one decimal, half up.
        assert ligne.mediane == valeurs[(n + 1) // 2 - 1].quantize(DIXIEME, ROUND_HALF_UP)
        assert ligne.p90 == valeurs[(9 * n + 9) // 10 - 1].quantize(DIXIEME, ROUND_HALF_UP)
    client.force_login(superuser)
    session = client.session
    session["contrat_id"] = ancien.pk
    session.save()
    html = client.get("/gup/statistiques/").content.decode()
    assert "Habitat Audois" in html and par_nom["Habitat Audois"].mediane_texte in html
