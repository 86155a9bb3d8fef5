"""The GUP's figures (gup/selectors.py) on dates set by hand: processing times, nearest-rank
median and 90th percentile, overdue items on a fixed today, missing figures, scoping and a
constant number of queries."""

import datetime
from decimal import Decimal

import pytest

from gup import selectors
from gup.enums import EtatSignalement
from tests import factories
from tests.gup.factories import CategorieFactory, DiagnosticFactory, SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
UTC = datetime.UTC
AUJOURD_HUI = datetime.date(2026, 5, 11)


def le(jour, heure=10, minute=0):
    """A moment in UTC (Paris is UTC+1 before 29/03/2026, UTC+2 after)."""
    return datetime.datetime(*jour, heure, minute, tzinfo=UTC)


@pytest.fixture
def jeu(contrat, bailleur, intervenant_ville):
    """Two quartiers, two categories, two responsible bodies.

    The landlord (Habitat Audois) resolved 4 problems reported on 01/03/2026 at 10:00 UTC
    in 2, 5, 9 and 30 days (due 15 days after the report, 16/03/2026): three within target.
    It has 2 open problems: one due 01/05/2026 (overdue on 11/05/2026, by 10 days), one
    due 11/05/2026 (not overdue on that very day). It also has one problem reported in
    2025, resolved in 3 days. The town has 1 open problem and none resolved.
    """
    ville = intervenant_ville.organisation
    conte = QuartierFactory(contrat=contrat, nom="La Conte")
    ozanam = QuartierFactory(contrat=contrat, nom="Ozanam")
    communes = CategorieFactory(
        contrat=contrat, code="parties_communes", libelle="Parties communes", ordre=1
    )
    eclairage = CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public", ordre=2
    )
    diagnostic = DiagnosticFactory(quartier=conte, date=datetime.date(2026, 3, 1))
    resolus = []
    for n, jours in enumerate([30, 2, 9, 5]):
        signale = le((2026, 3, 1))
        resolus.append(
            SignalementFactory(
                quartier=conte if n % 2 else ozanam,
                diagnostic=diagnostic if n % 2 else None,
                categorie=communes,
                organisation_responsable=bailleur,
                etat=E.RESOLU,
                signale_le=signale,
                echeance=datetime.date(2026, 3, 16),
                resolu_le=signale + datetime.timedelta(days=jours),
                description=f"Résolu en {jours} jours",
            )
        )
    retard = SignalementFactory(
        quartier=conte,
        diagnostic=diagnostic,
        categorie=communes,
        organisation_responsable=bailleur,
        etat=E.TRANSMIS,
        signale_le=le((2026, 4, 16)),
        echeance=datetime.date(2026, 5, 1),
        adresse="3 rue Buffon",
        description="Porte du hall cassée",
    )
    a_l_heure = SignalementFactory(
        quartier=conte,
        categorie=communes,
        organisation_responsable=bailleur,
        etat=E.EN_COURS,
        signale_le=le((2026, 4, 26)),
        echeance=AUJOURD_HUI,
        description="Ascenseur en panne",
    )
    ancien = SignalementFactory(
        quartier=conte,
        categorie=communes,
        organisation_responsable=bailleur,
        etat=E.RESOLU,
        signale_le=le((2025, 6, 1)),
        echeance=datetime.date(2025, 6, 16),
        resolu_le=le((2025, 6, 4)),
    )
    lampadaire = SignalementFactory(
        quartier=ozanam,
        categorie=eclairage,
        organisation_responsable=ville,
        etat=E.PRIS_EN_CHARGE,
        signale_le=le((2026, 5, 1)),
        echeance=datetime.date(2026, 5, 16),
        adresse="Place Ozanam",
        description="Lampadaire éteint",
    )
    return {
        "conte": conte,
        "ozanam": ozanam,
        "diagnostic": diagnostic,
        "resolus": resolus,
        "retard": retard,
        "a_l_heure": a_l_heure,
        "ancien": ancien,
        "lampadaire": lampadaire,
        "ville": ville,
    }


def stats_2026(contrat, user, **options):
    return selectors.statistiques(
        contrat=contrat, user=user, annees=[2026], today=AUJOURD_HUI, **options
    )


def test_it_computes_median_and_90th_percentile_by_nearest_rank(jeu, contrat, coordinateur_gup):
    stats = stats_2026(contrat, coordinateur_gup)
    habitat = next(o for o in stats.organisations if o.nom == "Habitat Audois")

    # Sorted processing times: 2, 5, 9, 30 days (N = 4).
    # Median: rank ⌈0.5 × 4⌉ = 2 → 5 days. 90th percentile: rank ⌈0.9 × 4⌉ = ⌈3.6⌉ = 4 → 30.
    assert habitat.mediane == Decimal("5.0") and habitat.mediane_texte == "5,0"
    assert habitat.p90 == Decimal("30.0") and habitat.p90_texte == "30,0"
    assert (habitat.recus, habitat.resolus, habitat.ouverts, habitat.en_retard) == (6, 4, 2, 1)
    # Due 16/03: resolved on 03, 06, 10/03 within target; on 31/03 not → 3 / 4.
    assert habitat.part_dans_delai == Decimal("0.75")
    assert habitat.part_dans_delai_texte == "75\u00a0%"


def test_the_nearest_rank_of_an_odd_group(contrat, coordinateur_gup, bailleur):
    # 5 resolved in 1, 2, 3, 4, 10 days: median rank ⌈2.5⌉ = 3 → 3; p90 rank ⌈4.5⌉ = 5 → 10.
    quartier = QuartierFactory(contrat=contrat)
    for jours in (4, 10, 1, 3, 2):
        SignalementFactory(
            quartier=quartier,
            organisation_responsable=bailleur,
            etat=E.RESOLU,
            signale_le=le((2026, 2, 1)),
            resolu_le=le((2026, 2, 1)) + datetime.timedelta(days=jours),
        )
    stats = stats_2026(contrat, coordinateur_gup)
    assert (stats.total.mediane, stats.total.p90) == (Decimal("3.0"), Decimal("10.0"))


def test_processing_times_keep_one_decimal(contrat, coordinateur_gup, bailleur):
    # 1 day and 12 hours → 1.5 days.
    SignalementFactory(
        quartier=QuartierFactory(contrat=contrat),
        organisation_responsable=bailleur,
        etat=E.RESOLU,
        signale_le=le((2026, 2, 1), 8),
        resolu_le=le((2026, 2, 2), 20),
    )
    stats = stats_2026(contrat, coordinateur_gup)
    assert stats.total.mediane == Decimal("1.5") and stats.total.mediane_texte == "1,5"


def test_no_resolved_problem_gives_a_dash_not_zero(jeu, contrat, coordinateur_gup):
    stats = stats_2026(contrat, coordinateur_gup)
    ville = next(o for o in stats.organisations if o.organisation_id == jeu["ville"].pk)

    assert (ville.recus, ville.resolus, ville.ouverts, ville.en_retard) == (1, 0, 1, 0)
    assert ville.mediane is None and ville.mediane_texte == "—"
    assert ville.p90_texte == "—"
    assert ville.part_dans_delai is None and ville.part_dans_delai_texte == "—"


def test_within_target_reads_the_local_date(contrat, coordinateur_gup, bailleur):
    quartier = QuartierFactory(contrat=contrat)
    # Due 16/03; resolved 16/03 at 23:30 UTC = 17/03 at 00:30 in Paris: late.
    SignalementFactory(
        quartier=quartier,
        organisation_responsable=bailleur,
        etat=E.RESOLU,
        signale_le=le((2026, 3, 10)),
        echeance=datetime.date(2026, 3, 16),
        resolu_le=le((2026, 3, 16), 23, 30),
    )
    # Due 16/03; resolved 16/03 at 22:30 UTC = 23:30 in Paris: within target.
    SignalementFactory(
        quartier=quartier,
        organisation_responsable=bailleur,
        etat=E.RESOLU,
        signale_le=le((2026, 3, 10)),
        echeance=datetime.date(2026, 3, 16),
        resolu_le=le((2026, 3, 16), 22, 30),
    )
    total = stats_2026(contrat, coordinateur_gup).total
    assert (total.resolus, total.dans_delai) == (2, 1)


def test_totals_and_evolution_by_year_of_report(jeu, contrat, coordinateur_gup):
    stats = selectors.statistiques(contrat=contrat, user=coordinateur_gup, today=AUJOURD_HUI)

    assert [(a.annee, a.recus, a.resolus, a.mediane) for a in stats.evolution] == [
        (2025, 1, 1, Decimal("3.0")),
        (2026, 7, 4, Decimal("5.0")),
    ]
    # Every problem: 3, 2, 5, 9, 30 days → median rank 3 → 5; p90 rank ⌈4.5⌉ = 5 → 30.
    total = stats.total
    assert (total.recus, total.resolus, total.ouverts, total.en_retard) == (8, 5, 3, 1)
    assert (total.mediane, total.p90) == (Decimal("5.0"), Decimal("30.0"))


def test_counts_by_category_quartier_and_state(jeu, contrat, coordinateur_gup):
    stats = stats_2026(contrat, coordinateur_gup)
    lignes = {(c.categorie, c.quartier): c.par_etat for c in stats.categories_quartiers}

    assert list(lignes) == [
        ("Parties communes", "La Conte"),
        ("Parties communes", "Ozanam"),
        ("Éclairage public", "Ozanam"),
    ]
    conte = lignes[("Parties communes", "La Conte")]
    assert (conte[E.RESOLU], conte[E.TRANSMIS], conte[E.EN_COURS], conte[E.NOUVEAU]) == (
        2, 1, 1, 0,
    )  # fmt: skip
    assert lignes[("Parties communes", "Ozanam")][E.RESOLU] == 2
    assert lignes[("Éclairage public", "Ozanam")][E.PRIS_EN_CHARGE] == 1


def test_the_quartier_filter(jeu, contrat, coordinateur_gup):
    stats = stats_2026(contrat, coordinateur_gup, quartier=jeu["ozanam"])
    # Ozanam: resolved in 30 and 9 days (N = 2: median rank 1 → 9, p90 rank 2 → 30).
    assert (stats.total.recus, stats.total.mediane, stats.total.p90) == (
        3, Decimal("9.0"), Decimal("30.0"),
    )  # fmt: skip


def test_an_intervenant_counts_its_organisation_only(jeu, contrat, intervenant_ville):
    stats = stats_2026(contrat, intervenant_ville)

    assert [o.nom for o in stats.organisations] == [jeu["ville"].nom]
    assert stats.total.recus == 1


def test_another_contract_sees_nothing(jeu, contrat, agent_autre_contrat):
    stats = stats_2026(contrat, agent_autre_contrat)
    assert stats.organisations == [] and stats.total.recus == 0
    assert stats.total.mediane_texte == "—"


def test_the_statistics_take_seven_queries_whatever_the_data(
    jeu, contrat, coordinateur_gup, django_assert_num_queries, bailleur
):
    assert coordinateur_gup.role_codes  # read once per request, before the figures

    def count():
        # 1 category × quartier × state, 2 by body, 3 its percentiles, 4 by year,
        # 5 its medians, 6 totals, 7 their percentiles.
        with django_assert_num_queries(7):
            selectors.statistiques(contrat=contrat, user=coordinateur_gup, today=AUJOURD_HUI)

    count()
    autre = factories.OrganisationFactory(nom="Régie")
    for n in range(5):
        SignalementFactory(
            quartier=QuartierFactory(contrat=contrat),
            organisation_responsable=autre if n % 2 else bailleur,
            etat=E.RESOLU,
            resolu_le=le((2026, 5, 1)),
        )
    count()


def test_the_document_de_suivi_on_a_fixed_today(jeu, coordinateur_gup):
    document = selectors.suivi_quartier(
        quartier=jeu["conte"], user=coordinateur_gup, annee=2026, today=AUJOURD_HUI
    )
    lignes = {ligne.signalement.pk: ligne for ligne in document.lignes}

    assert len(lignes) == 4  # the 2025 problem is left out of 2026
    retard = lignes[jeu["retard"].pk]
    # Reported 16/04, due 01/05; on 11/05: 25 days old, 10 days late.
    assert (retard.en_retard, retard.jours_retard, retard.age, retard.delai) == (
        True, 10, 25, None,
    )  # fmt: skip
    a_l_heure = lignes[jeu["a_l_heure"].pk]
    assert not a_l_heure.en_retard and a_l_heure.age == 15  # due today: not late yet
    resolu = lignes[jeu["resolus"][1].pk]
    assert (resolu.delai, resolu.age, resolu.en_retard, resolu.duree_texte) == (
        Decimal("2.0"), None, False, "Traité en 2,0\u00a0j",
    )  # fmt: skip
    assert (document.nb_ouverts, document.nb_resolus, document.nb_en_retard) == (2, 2, 1)


def test_the_document_de_suivi_of_a_diagnostic(jeu, coordinateur_gup, intervenant_ville):
    document = selectors.suivi_diagnostic(
        diagnostic=jeu["diagnostic"], user=coordinateur_gup, today=AUJOURD_HUI
    )
    assert {ligne.signalement.pk for ligne in document.lignes} == {
        jeu["resolus"][1].pk, jeu["resolus"][3].pk, jeu["retard"].pk,
    }  # fmt: skip
    vide = selectors.suivi_diagnostic(
        diagnostic=jeu["diagnostic"], user=intervenant_ville, today=AUJOURD_HUI
    )
    assert vide.lignes == []


def test_the_digest_lists_overdue_items_first(jeu, bailleur):
    digests = selectors.digests(today=AUJOURD_HUI)

    assert set(digests) == {bailleur.pk, jeu["ville"].pk}
    habitat = digests[bailleur.pk]
    assert [ligne.signalement.pk for ligne in habitat.en_retard] == [jeu["retard"].pk]
    assert [ligne.signalement.pk for ligne in habitat.autres] == [jeu["a_l_heure"].pk]
    assert digests[jeu["ville"].pk].en_retard == []
