"""CitésLab's people stay in its room: identities encrypted at rest, never shown by a
record's name, reached only by the CitésLab staff of the contract; others get statistics."""

import pytest
from django.db import connection

from citeslab import perms
from citeslab.models import (
    Beneficiaire,
    ConfigurationCitesLab,
    Creation,
    EtapeProjet,
    Evenement,
    Orientation,
    ProjetCreation,
    Rencontre,
)
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    EvenementFactory,
    OrientationFactory,
    RencontreFactory,
)

pytestmark = pytest.mark.django_db

PERSONAL_MODELS = [
    Beneficiaire,
    Rencontre,
    ProjetCreation,
    EtapeProjet,
    Orientation,
    Creation,
    Evenement,
]
OTHER_PERSONAS = [
    "agent_agglo",
    "partenaire_etat",
    "lecteur",
    "porteur",
    "outsider",
    "coordinateur_gup",
    "referent_pre",
    "superuser",
    "agent_autre_contrat",
    "charge_autre_contrat",
]


@pytest.fixture
def dossier(contrat, charge_citeslab):
    """One beneficiary met once, referred, who created a business; one event she registered to."""
    samira = BeneficiaireFactory(
        contrat=contrat, nom="Benali", prenom="Samira", telephone="0612345678",
        email="samira.benali@exemple.fr",
    )  # fmt: skip
    rencontre = RencontreFactory(
        contrat=contrat, beneficiaires=[samira], notes="Projet d'épicerie, garde d'enfants"
    )
    orientation = OrientationFactory(projet__beneficiaire=samira)
    projet = orientation.projet
    EtapeProjet.objects.create(
        projet=projet, etape="sensibilise", date=projet.date_etape, auteur=charge_citeslab
    )
    projet.etape = "cree"
    projet.save()
    creation = CreationFactory(
        projet=projet, denomination="Épicerie Benali", siret="73282932000074"
    )
    evenement = EvenementFactory(contrat=contrat, inscrits=[samira])
    return {"samira": samira, "rencontre": rencontre, "creation": creation, "evenement": evenement}


def _colonnes(table, colonnes, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(colonnes)} FROM {table} WHERE id = %s", [pk])
        return " ".join(str(v) for v in cursor.fetchone())


def test_identities_and_notes_are_encrypted_in_the_database(dossier):
    stored = _colonnes(
        "citeslab_beneficiaire", ["nom", "prenom", "telephone", "email"], dossier["samira"].pk
    )
    for clair in ("Benali", "Samira", "0612345678", "samira.benali"):
        assert clair not in stored
    assert "épicerie" not in _colonnes("citeslab_rencontre", ["notes"], dossier["rencontre"].pk)
    stored = _colonnes("citeslab_creation", ["denomination", "siret"], dossier["creation"].pk)
    assert "Benali" not in stored and "73282932000074" not in stored

    samira = Beneficiaire.objects.get(pk=dossier["samira"].pk)
    assert samira.nom_complet == "Samira Benali"
    assert Creation.objects.get(pk=dossier["creation"].pk).siret == "73282932000074"


def test_a_record_never_names_its_beneficiary(dossier):
    samira = dossier["samira"]
    assert str(samira) == f"Bénéficiaire n° {samira.pk}"
    assert "Benali" not in repr(samira)
    for record in (dossier["creation"], dossier["creation"].projet, dossier["rencontre"]):
        assert "Benali" not in str(record)


def test_the_chargé_reaches_every_record_of_the_contract(dossier, charge_citeslab):
    for model in PERSONAL_MODELS:
        assert model.objects.for_user(charge_citeslab).count() == 1, model.__name__


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_no_one_else_reaches_a_citeslab_record(dossier, persona, request):
    user = request.getfixturevalue(persona)
    for model in PERSONAL_MODELS:
        assert not model.objects.for_user(user).exists(), model.__name__


def test_the_chargé_of_another_contract_reaches_only_its_own(dossier, charge_autre_contrat):
    ailleurs = BeneficiaireFactory(contrat=charge_autre_contrat.contrats.get())
    assert list(Beneficiaire.objects.for_user(charge_autre_contrat)) == [ailleurs]


def test_the_settings_carry_no_identity_and_are_read_by_the_contracts_users(
    contrat, agent_agglo, agent_autre_contrat
):
    configuration = ConfigurationCitesLab.objects.create(contrat=contrat)
    assert configuration.seuil_masquage == 3
    assert list(ConfigurationCitesLab.objects.for_user(agent_agglo)) == [configuration]
    assert not ConfigurationCitesLab.objects.for_user(agent_autre_contrat).exists()


@pytest.mark.parametrize(
    ("persona", "staff", "stats"),
    [
        ("charge_citeslab", True, True),
        ("agent_agglo", False, True),
        ("lecteur", False, True),
        ("partenaire_etat", False, True),
        ("superuser", False, True),
        ("porteur", False, False),
        ("coordinateur_gup", False, False),
        ("referent_pre", False, False),
        ("agent_autre_contrat", False, False),
        ("charge_autre_contrat", False, False),
    ],
)
def test_only_staff_see_names_and_partners_see_masked_statistics(
    persona, staff, stats, contrat, request
):
    user = request.getfixturevalue(persona)
    assert perms.is_citeslab_staff(user, contrat) is staff
    assert perms.can_manage_citeslab(user, contrat) is staff
    assert perms.can_view_citeslab_stats(user, contrat) is stats
    assert perms.must_mask_small_counts(user, contrat) is not staff


def test_staff_of_some_contract(charge_citeslab, charge_autre_contrat, agent_agglo):
    assert perms.is_citeslab_staff(charge_citeslab)
    assert perms.is_citeslab_staff(charge_autre_contrat)
    assert not perms.is_citeslab_staff(agent_agglo)


def test_a_superuser_sees_no_beneficiary_in_the_back_office(dossier, superuser, client):
    client.force_login(superuser)
    response = client.get("/admin/citeslab/beneficiaire/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert "Benali" not in response.content.decode()
