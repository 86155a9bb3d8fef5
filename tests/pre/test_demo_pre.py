"""The PRE of the Carcassonne demo (cdv/demo/pre.py): the 2015–2022 figures of the final
evaluation recomputed from the rows, the current file of the 2024 contract, and privacy."""

import datetime
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cdv.demo.loader import SUPERUSER_EMAIL, demo_email
from cdv.enums import RoleCode
from cdv.models import Contrat, User
from pre.enums import DecisionEPS, EtatParcours, KindReperant, MotifSortie
from pre.models import (
    ACCES_EPS_JOURS,
    ActionParcours,
    BudgetPRE,
    CommissionEPS,
    ConfigurationPRE,
    Enfant,
    EquipeEPS,
    Etablissement,
    Parcours,
    Reperage,
    SituationCommission,
    TrancheTarifaire,
)

pytestmark = pytest.mark.django_db


def load_demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(monkeypatch):
    return load_demo(monkeypatch)


def contrat(annee):
    return Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=annee)


def user(role):
    return User.objects.get(email=demo_email(role))


def file_active(annee):
    """The rule of the brief, applied in Python to the 2015 contract's pathways."""
    return [
        p
        for p in Parcours.objects.filter(enfant__contrat=contrat(2015)).select_related("enfant")
        if p.etat in (EtatParcours.ACTIF, EtatParcours.CLOS)
        and p.date_entree.year <= annee
        and (p.date_sortie is None or p.date_sortie.year >= annee)
    ]


def tranche(age):
    return "2-5" if age <= 5 else "6-11" if age <= 11 else "12-16"


def test_the_active_file_follows_the_report(demo):
    tailles = {annee: len(file_active(annee)) for annee in range(2016, 2023)}
    assert tailles == {2016: 17, 2017: 19, 2018: 21, 2019: 22, 2020: 25, 2021: 33, 2022: 29}
    moyenne = sum(tailles[a] for a in range(2016, 2022)) / 6
    assert 22 <= moyenne <= 24
    assert Parcours.objects.filter(enfant__contrat=contrat(2015)).count() == 63
    # The old contract's file is closed: nobody is still in a 2015 pathway today.
    assert not Parcours.objects.filter(enfant__contrat=contrat(2015)).exclude(etat="clos")


def test_boys_and_ages_shift_as_in_the_report(demo):
    garcons, ados, enfants = {}, {}, {}
    for annee in range(2016, 2023):
        file = file_active(annee)
        garcons[annee] = sum(p.enfant.sexe == "M" for p in file) / len(file)
        ages = Counter(tranche(annee - p.enfant.annee_naissance) for p in file)
        # The report's "12–15 years": nobody in the file is 16 in 2016–2017.
        ados[annee] = sum(12 <= annee - p.enfant.annee_naissance <= 15 for p in file) / len(file)
        enfants[annee] = ages["6-11"] / len(file)
    assert garcons[2016] == pytest.approx(13 / 17)
    assert garcons[2021] == pytest.approx(18 / 33)
    assert garcons[2016] > garcons[2018] > garcons[2020] > garcons[2021]
    assert ados[2016] > 0.6 and ados[2017] > 0.6
    assert all(enfants[annee] > 0.5 for annee in range(2019, 2023))
    # Children 2–16 only.
    for annee in range(2016, 2023):
        assert all(2 <= annee - p.enfant.annee_naissance <= 16 for p in file_active(annee))


def test_referrals_come_mostly_from_schools_and_from_parents_only_in_2016(demo):
    par_annee = {}
    for reperage in Reperage.objects.filter(enfant__contrat=contrat(2015)):
        par_annee.setdefault(reperage.date.year, []).append(reperage.reperant)
    assert sorted(par_annee) == list(range(2016, 2023))
    for annee, reperants in par_annee.items():
        part = reperants.count(KindReperant.EDUCATION_NATIONALE) / len(reperants)
        assert 0.67 <= part <= 0.90, annee
    parents = Reperage.objects.filter(reperant=KindReperant.PARENTS)
    assert parents.exists()
    assert {r.date.year for r in parents} == {2016}
    # Every referral was examined by a commission; a few were sent elsewhere.
    assert not Reperage.objects.filter(situations__isnull=True).exists()
    orientes = Reperage.objects.filter(
        enfant__contrat=contrat(2015), situations__decision=DecisionEPS.ORIENTATION
    )
    assert orientes.count() == 10
    assert not Parcours.objects.filter(reperage__in=orientes).exists()


def test_exit_reasons_are_recorded_since_2019(demo):
    sorties = Parcours.objects.filter(enfant__contrat=contrat(2015))
    avant = {p.motif_sortie for p in sorties if p.date_sortie.year < 2019}
    depuis = Counter(p.motif_sortie for p in sorties if p.date_sortie.year >= 2019)
    assert avant == {MotifSortie.NON_RENSEIGNE}
    assert MotifSortie.NON_RENSEIGNE not in depuis
    assert len(depuis) >= 4
    assert depuis.most_common(1)[0][0] == MotifSortie.OBJECTIFS_ATTEINTS


def test_the_budget_trends(demo):
    montants = {
        (b.financeur.sigle or b.financeur.nom, b.annee): b.montant
        for b in BudgetPRE.objects.filter(contrat=contrat(2015)).select_related("financeur")
    }
    assert len(montants) == 4 * 7
    anct = [montants[("ANCT", a)] for a in range(2016, 2023)]
    ville = [montants[("Ville de Carcassonne", a)] for a in range(2016, 2023)]
    assert anct[4] > Decimal("1.3") * anct[3]  # 2020
    assert all(ville[i + 1] < ville[i] for i in range(len(ville) - 1))
    assert BudgetPRE.objects.filter(contrat=contrat(2024), annee=2026).count() == 4


def test_configuration_schools_teams_and_commissions(demo):
    referent = user(RoleCode.REFERENT_PRE)
    membre = user(RoleCode.MEMBRE_EPS)
    for annee in (2015, 2024):
        config = ConfigurationPRE.objects.get(contrat=contrat(annee))
        assert config.structure.sigle == "CIAS"
        assert config.coordinateur == referent
        assert (config.plafond_file_active, config.seuil_masquage) == (35, 3)
        assert config.conservation_annees == 2
        assert TrancheTarifaire.objects.filter(contrat=contrat(annee)).count() in (3, 4)
        equipes = EquipeEPS.objects.filter(contrat=contrat(annee))
        assert sorted(e.nom for e in equipes) == ["Est", "Ouest"]
        assert all(membre in e.membres.all() for e in equipes)
    for equipe in EquipeEPS.objects.filter(contrat=contrat(2015)):
        dates = sorted(CommissionEPS.objects.filter(equipe=equipe).values_list("date", flat=True))
        for avant, apres in zip(dates, dates[1:], strict=False):
            if avant.month not in (6, 7):  # the summer break
                assert 28 <= (apres - avant).days <= 62, (equipe, avant)
    ecoles = Etablissement.objects.all()
    assert ecoles.count() >= 10
    assert all(re.fullmatch(r"0110\d{3}[A-Z]", e.uai) for e in ecoles)
    assert all(e.quartier is not None and e.commune == "Carcassonne" for e in ecoles)


def test_costs_are_split_by_the_price_grid(demo):
    actions = ActionParcours.objects.select_related("parcours__enfant__contrat")
    assert actions.count() > 150
    for action in actions:
        enfant = action.parcours.enfant
        qf = enfant.responsables.first().quotient_familial
        grille = TrancheTarifaire.objects.filter(contrat=enfant.contrat)
        taux = next(t.part_famille for t in grille if qf >= t.qf_min and qf <= (t.qf_max or qf))
        famille = (action.cout * taux / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert action.part_famille == famille
        assert action.part_famille + action.part_pre == action.cout
        assert action.parcours.date_entree <= action.date


def test_the_current_file_is_not_empty_and_old_children_are_anonymised(demo):
    actuels = Parcours.objects.filter(enfant__contrat=contrat(2024))
    assert actuels.filter(etat=EtatParcours.ACTIF).count() == 20
    # Below the cap of 35, no waiting list; two referrals await the next commissions.
    assert not actuels.filter(etat=EtatParcours.EN_ATTENTE).exists()
    a_venir = SituationCommission.objects.filter(
        commission__equipe__contrat=contrat(2024), commission__date__gt="2026-11-20"
    )
    assert a_venir.count() == 2 and set(a_venir.values_list("decision", flat=True)) == {""}
    assert not Parcours.objects.filter(reperage__situations__in=a_venir).exists()
    assert actuels.filter(etat=EtatParcours.ACTIF, date_entree__gte="2026-01-01").exists()
    for enfant in Enfant.objects.filter(contrat=contrat(2024)):
        assert enfant.nom and enfant.prenom and enfant.date_naissance
        assert enfant.anonymise_le is None
    for enfant in Enfant.objects.filter(contrat=contrat(2015)):
        assert enfant.anonymise_le is not None
        assert enfant.nom is None and enfant.date_naissance is None
        # Two years after the last event of the file (the exit, or the EPS's decision).
        derniere = max(
            [p.date_sortie for p in enfant.parcours.all()]
            + [s.commission.date for r in enfant.reperages.all() for s in r.situations.all()]
        )
        assert enfant.anonymise_le.date() >= derniere + datetime.timedelta(days=730)
        assert enfant.anonymise_le.date() < datetime.date(2026, 1, 1)


def test_only_the_pre_staff_sees_the_children(demo):
    total = Enfant.objects.count()
    assert total > 90
    assert Enfant.objects.for_user(user(RoleCode.REFERENT_PRE)).count() == total
    # The EPS member: the children on its teams' agendas of the last 90 days and to come.
    membre = user(RoleCode.MEMBRE_EPS)
    depuis = timezone.localdate() - datetime.timedelta(days=ACCES_EPS_JOURS)
    recents = {
        s.reperage.enfant_id
        for s in SituationCommission.objects.filter(
            commission__equipe__membres=membre, commission__date__gte=depuis
        ).select_related("reperage")
    }
    assert set(Enfant.objects.for_user(membre).values_list("pk", flat=True)) == recents
    assert 0 < len(recents) < total
    for role in (
        RoleCode.ADMIN_PDV,
        RoleCode.LECTEUR_PARTENAIRE,
        RoleCode.INSTRUCTEUR_FINANCEUR,
        RoleCode.COORDINATEUR_GUP,
        RoleCode.INTERVENANT_GUP,
        RoleCode.PORTEUR,
        RoleCode.CHARGE_CITESLAB,
    ):
        assert not Enfant.objects.for_user(user(role)).exists(), role
    assert not Enfant.objects.for_user(User.objects.get(email=SUPERUSER_EMAIL)).exists()


def test_the_output_names_nobody_and_a_second_run_changes_nothing(demo, monkeypatch):
    noms = {n for e in Enfant.objects.all() for n in (e.nom, e.prenom) if n}
    assert len(noms) > 20
    assert not any(nom in demo for nom in noms)

    def snapshot():
        counts = {
            model._meta.label: model._default_manager.count()
            for model in apps.get_app_config("pre").get_models(include_auto_created=True)
        }
        enfants = sorted(
            (e.cree_le, e.nom, e.prenom, e.date_naissance, e.sexe, e.anonymise_le)
            for e in Enfant.objects.all()
        )
        parcours = sorted(
            Parcours.objects.values_list("enfant__cree_le", "etat", "date_entree", "date_sortie")
        )
        actions = sorted(ActionParcours.objects.values_list("parcours_id", "date", "part_pre"))
        return counts, enfants, parcours, actions

    first = snapshot()
    second_output = load_demo(monkeypatch)
    assert snapshot() == first
    assert not any(nom in second_output for nom in noms)
