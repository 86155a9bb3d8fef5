"""Open data of the granted subsidies in the SCDL « subventions » format: each field of the
file from a hand-made programming, its validity against the official Table Schema (with the
schema's two custom checks), publication by staff, public download, and the API."""

import datetime
from decimal import Decimal

import attrs
import pytest
from frictionless import Check, Resource, Schema, errors, validate
from stdnum.fr import siret as stdnum_siret

from programmation import scdl, selectors
from programmation.enums import EtatAction, KindVersement, NatureFinancement
from programmation.models import Financement, PublicationSCDL
from programmation.services.conventions import convention_create
from tests import factories
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    ConventionFactory,
    FinancementFactory,
    VersementFactory,
    mettre_a_l_etat,
)

pytestmark = pytest.mark.django_db

D = Decimal


# The schema's custom checks (Validata's), which frictionless does not know ----------------


@attrs.define(kw_only=True, repr=False)
class FrenchSiretValue(Check):
    """custom check "french-siret-value": a filled SIRET has a valid Luhn key."""

    type = "french-siret-value"
    Errors = [errors.CellError]
    column: str

    def validate_row(self, row):
        value = row[self.column]
        if value and not stdnum_siret.is_valid(str(value)):
            yield errors.CellError.from_row(row, note="SIRET invalide", field_name=self.column)


@attrs.define(kw_only=True, repr=False)
class OneOfRequired(Check):
    """custom check "one-of-required": at least one of the two columns is filled."""

    type = "one-of-required"
    Errors = [errors.RowError]
    column1: str
    column2: str

    def validate_row(self, row):
        if not (row[self.column1] or row[self.column2]):
            yield errors.RowError.from_row(
                row, note=f"{self.column1} ou {self.column2} est obligatoire"
            )


CUSTOM_CHECKS = {"french-siret-value": FrenchSiretValue, "one-of-required": OneOfRequired}


def validate_scdl(contenu, tmp_path, nom="subventions.csv"):
    """Validate a produced CSV against the official schema and its custom checks."""
    descriptor = scdl.schema()
    checks = [CUSTOM_CHECKS[c["name"]](**c["params"]) for c in descriptor["custom_checks"]]
    fichier = tmp_path / nom
    fichier.write_bytes(contenu)
    report = validate(
        Resource(path=nom, basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor)),
        checks=checks,
    )
    erreurs = report.flatten(["rowNumber", "fieldName", "type", "note"])
    print(erreurs)
    return report, erreurs


def lire(contenu):
    import csv
    import io

    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))


# A hand-made programming -----------------------------------------------------------------


@pytest.fixture
def programmation(contrat, agent_agglo):
    """2026: the État and the Ville fund « Soutien scolaire » of an association with a SIRET
    (the État's convention paid in two parts, the Ville's in one), the État funds « Jardin
    partagé » of an association known only by its RNA (no convention yet: the committee's
    date), the Ville signs a CPO 2026–2028 for « Médiation sociale » (2027 granted, no
    convention of its own). Held back: a funder without SIRET. Left out: a refused action,
    a draft, a line granted nothing, another contract's action."""
    etat = factories.OrganisationFactory(etat=True, nom="Préfecture de l'Aude")
    ville = factories.OrganisationFactory(commune_kind=True, nom="Ville de Carcassonne")
    fondation = factories.OrganisationFactory(nom="Fondation sans SIRET", siret="", rna="")
    conte = factories.OrganisationFactory(nom="Centre social La Conte", rna="W111000001")
    jardins = factories.OrganisationFactory(nom="Jardins du Viguier", siret="", rna="W111000002")
    appel = AppelFactory(contrat=contrat, annee=2026, date_comite=datetime.date(2026, 4, 10))

    def accorder(action, financeur, montant, nature=NatureFinancement.SPECIFIQUE):
        return FinancementFactory(
            action=action,
            financeur=financeur,
            nature=nature,
            montant_demande=D(montant),
            montant_accorde=D(montant),
        )

    soutien = ActionFactory(appel=appel, porteur=conte, intitule="Soutien scolaire")
    accorder(soutien, etat, "8000")
    accorder(soutien, ville, "2000", NatureFinancement.DROIT_COMMUN)
    accorder(soutien, ville, "1000")  # the same funder, two natures: one subsidy of 3 000 €
    accorder(soutien, fondation, "500")
    mettre_a_l_etat(soutien, EtatAction.BILAN_ATTENDU)
    conv_etat = ConventionFactory(
        action=soutien,
        financeur=etat,
        numero="2026-PV-014",
        date_signature=datetime.date(2026, 5, 15),
        montant=D("8000"),
    )
    VersementFactory(convention=conv_etat, montant=D("4000"), date=datetime.date(2026, 6, 1))
    VersementFactory(
        convention=conv_etat,
        kind=KindVersement.SOLDE,
        montant=D("4000"),
        date=datetime.date(2026, 11, 30),
    )
    conv_ville = ConventionFactory(
        action=soutien,
        financeur=ville,
        numero="DEL-2026-77",
        date_signature=datetime.date(2026, 6, 20),
        montant=D("3000"),
    )
    VersementFactory(
        convention=conv_ville,
        kind=KindVersement.SOLDE,
        montant=D("3000"),
        date=datetime.date(2026, 7, 1),
    )

    jardin = ActionFactory(appel=appel, porteur=jardins, intitule="Jardin partagé")
    accorder(jardin, etat, "2500")
    mettre_a_l_etat(jardin, EtatAction.PROGRAMMEE)

    mediation = ActionFactory(appel=appel, porteur=conte, intitule="Médiation sociale")
    accorder(mediation, ville, "10000")
    mettre_a_l_etat(mediation, EtatAction.PROGRAMMEE)
    convention_create(
        action=mediation,
        financeur=ville,
        user=agent_agglo,
        date_signature=datetime.date(2026, 5, 2),
        numero="CPO-2026-03",
        annees={2027: "12000", 2028: "12000"},
    )
    suite = mediation.reconductions.get(appel__annee=2027)
    Financement.objects.filter(action=suite, financeur=ville).update(montant_accorde=D("12000"))
    mettre_a_l_etat(suite, EtatAction.PROGRAMMEE)

    refusee = ActionFactory(appel=appel, porteur=conte, intitule="Action refusée")
    accorder(refusee, etat, "900")
    mettre_a_l_etat(refusee, EtatAction.REFUSEE)
    brouillon = ActionFactory(appel=appel, porteur=conte, intitule="Brouillon")
    accorder(brouillon, etat, "700")
    rien = ActionFactory(appel=appel, porteur=jardins, intitule="Rien d'accordé")
    FinancementFactory(action=rien, financeur=etat, montant_demande=D("600"), montant_accorde=0)
    mettre_a_l_etat(rien, EtatAction.PROGRAMMEE)
    ailleurs = ActionFactory(
        appel=AppelFactory(annee=2026), porteur=conte, intitule="Action d'un autre contrat"
    )
    accorder(ailleurs, etat, "4000")
    mettre_a_l_etat(ailleurs, EtatAction.PROGRAMMEE)
    return {"etat": etat, "ville": ville, "conte": conte, "jardins": jardins}


def url_csv(contrat, annee):
    return f"/programmation/opendata/{contrat.pk}/subventions-{annee}.csv"


# The file --------------------------------------------------------------------------------


def test_it_writes_the_schemas_columns_in_its_order():
    assert list(scdl.CHAMPS) == [f["name"] for f in scdl.schema()["fields"]]
    assert scdl.schema()["version"] == "2.1.1"


def test_it_maps_each_granted_subsidy_to_the_schemas_fields(contrat, programmation):
    o = programmation
    contenu = scdl.csv_subventions(scdl.subventions_publiables(contrat=contrat, annee=2026))
    lignes = lire(contenu.encode())
    assert contenu.splitlines()[0] == ",".join(scdl.CHAMPS)
    # Sorted by funder, then beneficiary, then title; the fondation's grant is held back.
    assert [(row["nomAttribuant"], row["objet"]) for row in lignes] == [
        ("Préfecture de l'Aude", "Soutien scolaire"),
        ("Préfecture de l'Aude", "Jardin partagé"),
        ("Ville de Carcassonne", "Médiation sociale"),
        ("Ville de Carcassonne", "Soutien scolaire"),
    ]
    soutien_etat, jardin, mediation, soutien_ville = lignes
    commun = {
        "nature": "aide en numéraire",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
    assert soutien_etat == {
        "nomAttribuant": "Préfecture de l'Aude",
        "idAttribuant": o["etat"].siret,
        "dateConvention": "2026-05-15",
        "referenceDecision": "2026-PV-014",
        "nomBeneficiaire": "Centre social La Conte",
        "idBeneficiaire": o["conte"].siret,
        "rnaBeneficiaire": "W111000001",
        "objet": "Soutien scolaire",
        "montant": "8000.00",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2026-06-01/2026-11-30",
        **commun,
    }
    # Two funding lines of the Ville (droit commun 2 000 + spécifique 1 000), paid at once.
    assert soutien_ville["idAttribuant"] == o["ville"].siret
    assert soutien_ville["montant"] == "3000.00"
    assert soutien_ville["dateConvention"] == "2026-06-20"
    assert soutien_ville["referenceDecision"] == "DEL-2026-77"
    assert soutien_ville["conditionsVersement"] == "unique"
    assert soutien_ville["datesPeriodeVersement"] == "2026-07-01"
    # Only an RNA: no SIRET, the RNA in its own column; no convention: the committee's date.
    assert jardin == {
        "nomAttribuant": "Préfecture de l'Aude",
        "idAttribuant": o["etat"].siret,
        "dateConvention": "2026-04-10",
        "referenceDecision": "",
        "nomBeneficiaire": "Jardins du Viguier",
        "idBeneficiaire": "",
        "rnaBeneficiaire": "W111000002",
        "objet": "Jardin partagé",
        "montant": "2500.00",
        "conditionsVersement": "autre",
        "datesPeriodeVersement": "2026-01-01/2026-12-31",
        **commun,
    }
    # The CPO's first year: its own convention, nothing paid yet.
    assert mediation["dateConvention"] == "2026-05-02"
    assert mediation["referenceDecision"] == "CPO-2026-03"
    assert mediation["montant"] == "10000.00"
    assert mediation["conditionsVersement"] == "autre"


def test_a_later_year_of_a_cpo_takes_the_cpos_date_and_number(contrat, programmation):
    lignes = lire(
        scdl.csv_subventions(scdl.subventions_publiables(contrat=contrat, annee=2027)).encode()
    )
    assert [
        (r["objet"], r["montant"], r["dateConvention"], r["referenceDecision"]) for r in lignes
    ] == [("Médiation sociale", "12000.00", "2026-05-02", "CPO-2026-03")]


def test_the_total_is_the_bilan_physico_financiers_granted_total(
    contrat, programmation, agent_agglo
):
    """Every granted subsidy, published or held back, is the bilan's total granted."""
    bilan = selectors.bilan_physico_financier(
        contrat=contrat, annee_min=2026, annee_max=2027, user=agent_agglo
    )
    for ligne in bilan.annees:
        subventions = scdl.subventions(contrat=contrat, annees=[ligne.annee])
        assert sum(s.montant for s in subventions) == ligne.total_accorde
    assert [a.total_accorde for a in bilan.annees] == [D("24000.00"), D("12000.00")]


def test_the_file_validates_against_the_official_schema(contrat, programmation, tmp_path):
    contenu = scdl.csv_subventions(scdl.subventions_publiables(contrat=contrat, annee=2026))
    report, erreurs = validate_scdl(contenu.encode("utf-8"), tmp_path)
    assert report.valid, erreurs
    assert report.tasks[0].stats["rows"] == 4


def test_the_custom_checks_catch_what_the_schema_alone_lets_through(tmp_path):
    """Our validation is not vacuous: a bad SIRET key or no identifier at all is refused."""
    entete = ",".join(scdl.CHAMPS)
    ligne = (
        "Ville,{id},2026-05-15,,Asso,{benef},{rna},Objet,100.00,aide en numéraire,unique,"
        "2026-06-01,,non,1.00,"
    )
    bon = factories.valid_siret(7)
    for valeurs in (
        {"id": "21110069000011", "benef": bon, "rna": ""},
        {"id": bon, "benef": "", "rna": ""},
    ):
        contenu = f"{entete}\r\n{ligne.format(**valeurs)}\r\n".encode()
        report, _ = validate_scdl(contenu, tmp_path)
        assert not report.valid


def test_an_organisation_known_only_by_its_rna_is_published_with_a_warning(contrat, programmation):
    (jardin,) = [
        s for s in scdl.subventions(contrat=contrat, annees=[2026]) if s.objet == "Jardin partagé"
    ]
    assert jardin.publiable
    assert "n'est identifiée que par son numéro RNA" in jardin.avertissements[0]


def test_a_funder_without_siret_is_held_back_as_to_complete(contrat, programmation):
    (annee,) = [a for a in scdl.annees_scdl(contrat=contrat) if a.annee == 2026]
    assert (annee.nb_subventions, annee.montant_total, annee.nb_a_completer) == (
        4,
        D("23500.00"),
        1,
    )


# Publication and public download ----------------------------------------------------------


def test_anonymous_gets_404_until_staff_publish_then_the_file(
    client, contrat, programmation, agent_agglo
):
    assert client.get(url_csv(contrat, 2026)).status_code == 404
    client.force_login(agent_agglo)
    apercu = client.get(url_csv(contrat, 2026))
    assert apercu.status_code == 200
    page = client.get("/programmation/opendata/")
    assert "Non publiée" in page.content.decode()
    confirmation = client.get("/programmation/opendata/2026/publier/")
    assert "4 subventions accordées" in confirmation.content.decode()
    assert "23\u202f500,00\u00a0€" in confirmation.content.decode()
    assert client.get(url_csv(contrat, 2026)).status_code == 200
    client.post("/programmation/opendata/2026/publier/")
    publication = PublicationSCDL.objects.get(contrat=contrat, annee=2026)
    assert publication.publie_par == agent_agglo
    client.logout()

    public = client.get(url_csv(contrat, 2026))
    assert public.status_code == 200
    assert public["Content-Type"] == "text/csv; charset=utf-8"
    assert public.content == apercu.content
    assert f"subventions-{contrat.code}-2026.csv" in public["Content-Disposition"]
    # Another year of the same contract stays closed.
    assert client.get(url_csv(contrat, 2027)).status_code == 404

    client.force_login(agent_agglo)
    page = client.get("/programmation/opendata/").content.decode()
    assert f"Publiée le {publication.publie_le:%d/%m/%Y}" in page
    client.post("/programmation/opendata/2026/retirer/")
    client.logout()
    assert client.get(url_csv(contrat, 2026)).status_code == 404


def test_a_year_without_subsidy_cannot_be_published(client, contrat, agent_agglo):
    client.force_login(agent_agglo)
    response = client.post("/programmation/opendata/2025/publier/", follow=True)
    assert "Aucune subvention accordée à publier pour 2025." in response.content.decode()
    assert not PublicationSCDL.objects.exists()


@pytest.mark.parametrize("persona", ["lecteur", "partenaire_etat", "porteur"])
def test_only_the_contracts_staff_publish_and_preview(
    client, contrat, programmation, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/programmation/opendata/").status_code == 403
    assert client.post("/programmation/opendata/2026/publier/").status_code == 403
    assert not PublicationSCDL.objects.exists()
    assert client.get(url_csv(contrat, 2026)).status_code == 404


def test_another_contracts_staff_neither_see_nor_publish_this_one(
    client, contrat, programmation, agent_autre_contrat
):
    client.force_login(agent_autre_contrat)
    page = client.get("/programmation/opendata/").content.decode()
    assert "Grand Narbonne" in page
    assert "Carcassonne" not in page
    client.post("/programmation/opendata/2026/publier/")
    assert not PublicationSCDL.objects.exists()
    assert client.get(url_csv(contrat, 2026)).status_code == 404


# API ---------------------------------------------------------------------------------------


def test_the_api_lists_published_years_and_serves_their_file(
    client, contrat, programmation, agent_agglo
):
    assert client.get("/api/v1/programmation/opendata/").json() == []
    scdl.publication_publish(contrat=contrat, annee=2026, user=agent_agglo)
    (publication,) = client.get("/api/v1/programmation/opendata/").json()
    assert publication["contrat"] == contrat.pk
    assert publication["contrat_code"] == "CN01102I"
    assert publication["annee"] == 2026
    assert publication["url_csv"].endswith(
        f"/api/v1/programmation/opendata/{contrat.pk}/subventions-2026.csv"
    )
    fichier = client.get(publication["url_csv"])
    assert fichier.status_code == 200
    assert fichier.content == client.get(url_csv(contrat, 2026)).content
    assert (
        client.get(f"/api/v1/programmation/opendata/{contrat.pk}/subventions-2027.csv").status_code
        == 404
    )


# The demo ----------------------------------------------------------------------------------


def test_the_demos_2021_file_validates_against_the_official_schema(monkeypatch, tmp_path):
    from cdv.models import Contrat
    from tests.pre.test_demo_pre import load_demo

    load_demo(monkeypatch)
    contrat = Contrat.objects.get(annee_debut=2015)
    lignes = scdl.subventions_publiables(contrat=contrat, annee=2021)
    report, erreurs = validate_scdl(scdl.csv_subventions(lignes).encode("utf-8"), tmp_path)
    assert report.valid, erreurs
    # Every granted subsidy of 2021 is in the file (83 actions, each funded by the État).
    assert len(lignes) == len(scdl.subventions(contrat=contrat, annees=[2021]))
    assert len({s.action_id for s in lignes}) == 83
