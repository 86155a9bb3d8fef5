"""CitésLab's records keep their rules: a SIRET with its check digit, a project moving only
along the stages table with every change dated, events with at least as many participants
as registered beneficiaries, meetings and people tied to the contract's quartiers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from citeslab import services
from citeslab.enums import Etape, KindRencontre
from citeslab.models import Creation, EtapeProjet, ProjetCreation
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    EvenementFactory,
    ProjetFactory,
    RencontreFactory,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _messages(error):
    return [m for messages in error.value.message_dict.values() for m in messages]


# SIRET -----------------------------------------------------------------------------------

# 7 3 2 8 2 9 3 2 0 0 0 0 7 4: from the right, every second digit doubled (7→14→5, 0, 0,
# 3→6, 2→4, 2→4, 7→14→5: 24) plus the others (4+0+0+2+9+8+3: 26) makes 50, a multiple of 10.
SIRET_VALIDE = "73282932000074"


def test_it_accepts_a_siret_whose_checksum_is_right(charge_citeslab, contrat):
    creation = CreationFactory(
        projet__beneficiaire__contrat=contrat, siret=SIRET_VALIDE, date=D(2021, 9, 1)
    )
    creation.full_clean()
    assert Creation.objects.get(pk=creation.pk).siret == SIRET_VALIDE


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",  # the same digits with the last one changed: 51, not a multiple of 10
        "7328293200007",  # 13 digits
        "7328293200007A",  # a letter
    ],
)
def test_it_refuses_a_siret_with_a_clear_message(siret, contrat):
    creation = CreationFactory.build(
        projet=ProjetFactory(beneficiaire__contrat=contrat, cree=True), siret=siret
    )
    with pytest.raises(ValidationError) as error:
        creation.full_clean()
    assert error.value.message_dict["siret"] == [
        f"Le numéro SIRET « {siret} » n'est pas valide : il faut 14 chiffres avec une clé de "
        "contrôle correcte."
    ]


# Stages ----------------------------------------------------------------------------------


@pytest.fixture
def projet(charge_citeslab, contrat):
    return services.projet_creer(
        beneficiaire=BeneficiaireFactory(contrat=contrat),
        idee="Food truck de cuisine du monde",
        secteur="restauration",
        date=D(2021, 3, 9),
        auteur=charge_citeslab,
    )


def _historique(projet):
    return list(
        EtapeProjet.objects.filter(projet=projet).values_list("etape_precedente", "etape", "date")
    )


def test_a_project_goes_from_awareness_to_creation_every_step_dated(projet, charge_citeslab):
    for etape, date in [
        (Etape.AMORCAGE, D(2021, 3, 30)),
        (Etape.ACCOMPAGNE, D(2021, 4, 20)),
        (Etape.ORIENTE, D(2021, 5, 3)),
        (Etape.CREE, D(2021, 9, 1)),
    ]:
        services.projet_changer_etape(projet=projet, etape=etape, date=date, auteur=charge_citeslab)

    projet.refresh_from_db()
    assert (projet.etape, projet.date_etape) == (Etape.CREE, D(2021, 9, 1))
    assert _historique(projet) == [
        ("", "sensibilise", D(2021, 3, 9)),
        ("sensibilise", "amorcage", D(2021, 3, 30)),
        ("amorcage", "accompagne", D(2021, 4, 20)),
        ("accompagne", "oriente", D(2021, 5, 3)),
        ("oriente", "cree", D(2021, 9, 1)),
    ]
    assert set(EtapeProjet.objects.values_list("auteur", flat=True)) == {charge_citeslab.pk}


def test_an_accompanied_project_may_be_created_without_a_referral(projet, charge_citeslab):
    for etape in (Etape.AMORCAGE, Etape.ACCOMPAGNE, Etape.CREE):
        services.projet_changer_etape(
            projet=projet, etape=etape, date=D(2021, 6, 1), auteur=charge_citeslab
        )
    assert ProjetCreation.objects.get(pk=projet.pk).etape == Etape.CREE


def test_a_project_may_step_back_once_and_the_history_keeps_both(projet, charge_citeslab):
    services.projet_changer_etape(
        projet=projet, etape=Etape.AMORCAGE, date=D(2021, 4, 1), auteur=charge_citeslab
    )
    services.projet_changer_etape(
        projet=projet, etape=Etape.SENSIBILISE, date=D(2021, 4, 2), auteur=charge_citeslab
    )
    assert _historique(projet)[1:] == [
        ("sensibilise", "amorcage", D(2021, 4, 1)),
        ("amorcage", "sensibilise", D(2021, 4, 2)),
    ]


def test_any_open_project_may_be_abandoned_and_then_stays_so(projet, charge_citeslab):
    services.projet_changer_etape(
        projet=projet, etape=Etape.ABANDONNE, date=D(2021, 4, 1), auteur=charge_citeslab
    )
    with pytest.raises(ValidationError) as error:
        services.projet_changer_etape(
            projet=projet, etape=Etape.AMORCAGE, date=D(2021, 5, 1), auteur=charge_citeslab
        )
    assert _messages(error) == [
        "Un projet à l'étape « Abandonné » ne peut passer à « En amorçage »."
    ]


@pytest.mark.parametrize(
    ("depart", "arrivee"),
    [
        (Etape.SENSIBILISE, Etape.CREE),  # skipping the support
        (Etape.SENSIBILISE, Etape.ACCOMPAGNE),  # two steps at once
        (Etape.ACCOMPAGNE, Etape.SENSIBILISE),  # two steps back
        (Etape.CREE, Etape.ABANDONNE),  # a created business is final
        (Etape.CREE, Etape.ORIENTE),
    ],
)
def test_a_stage_change_outside_the_table_is_refused_and_nothing_written(
    depart, arrivee, charge_citeslab, contrat
):
    projet = ProjetFactory(beneficiaire__contrat=contrat, etape=depart, date_etape=D(2021, 3, 9))
    with pytest.raises(ValidationError) as error:
        services.projet_changer_etape(
            projet=projet, etape=arrivee, date=D(2021, 4, 1), auteur=charge_citeslab
        )
    assert _messages(error) == [
        f"Un projet à l'étape « {depart.label} » ne peut passer à « {arrivee.label} »."
    ]
    projet.refresh_from_db()
    assert (projet.etape, projet.date_etape) == (depart, D(2021, 3, 9))
    assert not EtapeProjet.objects.exists()


def test_a_stage_change_cannot_predate_the_current_stage_nor_be_in_the_future(
    projet, charge_citeslab
):
    with pytest.raises(ValidationError) as error:
        services.projet_changer_etape(
            projet=projet, etape=Etape.AMORCAGE, date=D(2021, 3, 8), auteur=charge_citeslab
        )
    assert _messages(error) == ["La date ne peut précéder celle de l'étape actuelle (09/03/2021)."]
    demain = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.projet_changer_etape(
            projet=projet, etape=Etape.AMORCAGE, date=demain, auteur=charge_citeslab
        )
    assert _messages(error) == ["La date ne peut être dans le futur."]
    assert len(_historique(projet)) == 1


@pytest.mark.parametrize("persona", ["agent_agglo", "superuser", "charge_autre_contrat"])
def test_only_the_contracts_citeslab_staff_moves_a_project(projet, persona, request):
    with pytest.raises(PermissionDenied):
        services.projet_changer_etape(
            projet=projet,
            etape=Etape.AMORCAGE,
            date=D(2021, 4, 1),
            auteur=request.getfixturevalue(persona),
        )
    assert ProjetCreation.objects.get(pk=projet.pk).etape == Etape.SENSIBILISE


def test_the_history_of_a_project_is_append_only(projet):
    ligne = EtapeProjet.objects.get(projet=projet)
    with pytest.raises(ValidationError):
        ligne.save()
    with pytest.raises(ValidationError):
        ligne.delete()


# Creations -------------------------------------------------------------------------------


def test_a_business_is_recorded_only_for_a_created_project(contrat):
    creation = CreationFactory.build(
        projet=ProjetFactory(beneficiaire__contrat=contrat, oriente=True)
    )
    with pytest.raises(ValidationError) as error:
        creation.full_clean()
    assert error.value.message_dict["projet"] == ["Passez d'abord le projet à l'étape « Créé »."]


def test_survival_is_recorded_only_once_the_anniversary_has_passed(contrat):
    creee = timezone.localdate() - datetime.timedelta(days=400)
    creation = CreationFactory(projet__beneficiaire__contrat=contrat, date=creee)
    creation.active_1_an = True
    creation.full_clean()  # 400 days: one year has passed
    creation.active_3_ans = True
    with pytest.raises(ValidationError) as error:
        creation.full_clean()
    assert error.value.message_dict["active_3_ans"] == [
        f"L'entreprise n'aura 3 ans que le {creee.replace(year=creee.year + 3):%d/%m/%Y}."
    ]


def test_a_business_closed_at_one_year_is_not_active_at_three(contrat):
    creation = CreationFactory(
        projet__beneficiaire__contrat=contrat,
        date=D(2019, 9, 1),
        active_1_an=False,
        active_3_ans=True,
    )
    with pytest.raises(ValidationError) as error:
        creation.full_clean()
    assert error.value.message_dict["active_3_ans"] == [
        "Une entreprise fermée à 1 an ne peut être active à 3 ans."
    ]


# Events, meetings, people ------------------------------------------------------------------


def test_an_event_counts_at_least_its_registered_beneficiaries(contrat):
    inscrits = BeneficiaireFactory.create_batch(3, contrat=contrat)
    evenement = EvenementFactory(contrat=contrat, participants=3, inscrits=inscrits)
    evenement.full_clean()

    evenement.participants = 2
    with pytest.raises(ValidationError) as error:
        evenement.full_clean()
    assert error.value.message_dict["participants"] == [
        "Le nombre de participants (2) ne peut être inférieur au nombre de bénéficiaires "
        "inscrits (3)."
    ]
    with pytest.raises(ValidationError):
        evenement.valider_inscrits(inscrits)
    evenement.valider_inscrits(inscrits[:2])


def test_an_individual_interview_has_exactly_one_beneficiary(contrat):
    samira, karim = BeneficiaireFactory(contrat=contrat), BeneficiaireFactory(contrat=contrat)
    entretien = RencontreFactory.build(contrat=contrat, kind=KindRencontre.ENTRETIEN_INDIVIDUEL)
    entretien.valider_beneficiaires([samira])
    for beneficiaires in ([samira, karim], []):
        with pytest.raises(ValidationError) as error:
            entretien.valider_beneficiaires(beneficiaires)
        assert _messages(error) == ["Un entretien individuel concerne un seul bénéficiaire."]
    RencontreFactory.build(contrat=contrat, information_collective=True).valider_beneficiaires(
        [samira, karim]
    )


def test_a_permanence_says_where_it_was_held(contrat):
    permanence = RencontreFactory.build(contrat=contrat, kind=KindRencontre.PERMANENCE, lieu="")
    with pytest.raises(ValidationError) as error:
        permanence.full_clean()
    assert error.value.message_dict["lieu"] == ["Indiquez le lieu de la permanence."]


def test_a_beneficiary_lives_in_a_quartier_of_the_contract(contrat, autre_contrat):
    beneficiaire = BeneficiaireFactory.build(
        contrat=contrat, quartier=QuartierFactory(contrat=autre_contrat)
    )
    with pytest.raises(ValidationError) as error:
        beneficiaire.full_clean()
    assert error.value.message_dict["quartier"] == [
        "Choisissez un quartier de ce contrat de ville."
    ]
    beneficiaire.quartier = QuartierFactory(contrat=contrat)
    beneficiaire.full_clean()


def test_a_beneficiary_gives_a_dated_consent_and_a_plausible_birth_year(contrat):
    annee = timezone.localdate().year
    beneficiaire = BeneficiaireFactory.build(
        contrat=contrat, date_consentement=None, annee_naissance=annee - 10
    )
    with pytest.raises(ValidationError) as error:
        beneficiaire.full_clean()
    assert error.value.message_dict == {
        "annee_naissance": [
            f"L'année de naissance doit être comprise entre {annee - 100} et {annee - 15}."
        ],
        "date_consentement": ["Indiquez la date du consentement."],
    }
