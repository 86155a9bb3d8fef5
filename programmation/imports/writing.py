"""Writing a checked import plan: calls, porteurs, actions, quartiers, funding, payments.

Rows are found by their natural keys and only written when they differ from the file, so
a second import of the same file writes nothing. New rows pass full_clean() before a bulk
insert; the foreign keys they hold were read from the database or created just before, so
full_clean() skips re-reading them (one query per key and row otherwise), and the
uniqueness the plan already guarantees (one line per funder and nature, one share per
quartier, one convention per funder).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cdv.enums import OrganisationKind
from cdv.models import Organisation
from programmation.enums import EtatAppel, KindVersement
from programmation.imports.layout import (
    CONVENTION_JOUR,
    TITRE_APPEL,
    VERSEMENT_JOUR,
    reference_versement,
    verses_par_nature,
)
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Convention,
    Financement,
    Versement,
)

ZERO = Decimal("0.00")


def _label(model):
    return str(model._meta.verbose_name_plural)


@dataclass
class ResultatImport:
    """What an import found and did. Nothing is written when `erreurs` is not empty."""

    erreurs: list = field(default_factory=list)
    crees: Counter = field(default_factory=Counter)
    modifies: Counter = field(default_factory=Counter)
    supprimes: Counter = field(default_factory=Counter)
    inchanges: Counter = field(default_factory=Counter)
    organisations_creees: list = field(default_factory=list)
    nb_lignes: int = 0

    @property
    def valide(self):
        return not self.erreurs

    def lignes_resume(self):
        """[(label, created, updated, deleted, unchanged)] per kind of record."""
        labels = sorted(set(self.crees) | set(self.modifies) | set(self.supprimes))
        labels += sorted(set(self.inchanges) - set(labels))
        return [
            (
                label,
                self.crees[label],
                self.modifies[label],
                self.supprimes[label],
                self.inchanges[label],
            )
            for label in labels
        ]


def _same(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


class _Ecriture:
    def __init__(self, *, contrat, user, resultat):
        self.contrat = contrat
        self.user = user
        self.resultat = resultat
        self.a_creer = defaultdict(list)
        self._appels = {}

    # Counting ----------------------------------------------------------------------------

    def _count(self, model, how, n=1):
        getattr(self.resultat, how)[_label(model)] += n

    def _new(self, obj, *exclude):
        obj.full_clean(exclude=set(exclude), validate_unique=False, validate_constraints=False)
        self.a_creer[type(obj)].append(obj)

    def _update(self, obj, values):
        """Set `values` on `obj` and save them if one differs; True when something changed."""
        changed = [name for name, value in values.items() if not _same(obj, name, value)]
        if not changed:
            self._count(type(obj), "inchanges")
            return False
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        if hasattr(obj, "version"):
            # An application open in someone's form must see that the import changed it.
            obj.version += 1
            changed.append("version")
        obj.save(update_fields=changed)
        self._count(type(obj), "modifies")
        return True

    def flush(self, *models):
        """Insert the new rows of `models`, in this order (parents before children)."""
        for model in models:
            objs = self.a_creer.pop(model, [])
            if objs:
                model.objects.bulk_create(objs, batch_size=500)
                self._count(model, "crees", len(objs))

    # Calls and porteurs --------------------------------------------------------------------

    def appel(self, annee):
        """The call holding the year's new actions: created, archived, when first needed."""
        if annee in self._appels:
            return self._appels[annee]
        titre = TITRE_APPEL.format(annee=annee)
        appel = AppelAProjets.objects.filter(contrat=self.contrat, annee=annee, titre=titre).first()
        if appel is None:
            appel = AppelAProjets(
                contrat=self.contrat,
                annee=annee,
                titre=titre,
                etat=EtatAppel.ARCHIVE,
                note_de_cadrage="Appel créé par l'import de la programmation des années "
                "passées : il regroupe les actions de l'historique.",
            )
            appel.full_clean()
            appel.save()
            self._count(AppelAProjets, "crees")
        self._appels[annee] = appel
        return appel

    def porteurs(self, actions):
        """Create the porteurs the platform does not know yet, as associations."""
        crees = {}
        for prevue in actions:
            if prevue.porteur is not None:
                continue
            if prevue.siret not in crees:
                organisation = Organisation(
                    nom=prevue.porteur_nom,
                    siret=prevue.siret,
                    kind=OrganisationKind.ASSOCIATION,
                )
                organisation.full_clean()
                organisation.save()
                self._count(Organisation, "crees")
                self.resultat.organisations_creees.append(organisation)
                crees[prevue.siret] = organisation
            prevue.porteur = crees[prevue.siret]

    # Actions ---------------------------------------------------------------------------------

    def action(self, prevue, precedente):
        """The action of `prevue`: updated in place if found, else checked and left for
        the year's bulk insert (see write_plan)."""
        values = {
            "pilier": prevue.pilier,
            "etat": prevue.etat,
            "est_reconduction": prevue.reconduction,
            "reconduction_de": precedente,
        }
        action = prevue.existante
        if action is not None:
            self._update(action, values)
            return action
        action = Action(
            appel=self.appel(prevue.annee),
            porteur=prevue.porteur,
            intitule=prevue.intitule,
            **values,
        )
        action.full_clean(exclude={"appel", "porteur", "pilier", "reconduction_de"})
        self.a_creer[Action].append(action)
        return action

    def enfants(self, action, prevue):
        """The action's quartier shares, funding lines, conventions and payments."""
        nouvelle = prevue.existante is None
        self.quartiers(action, prevue, nouvelle=nouvelle)
        self.financements(action, prevue, nouvelle=nouvelle)
        self.conventions(action, prevue, nouvelle=nouvelle)

    def quartiers(self, action, prevue, *, nouvelle):
        actuels = {} if nouvelle else {q.quartier_id: q for q in action.quartiers.all()}
        for quartier, part in prevue.quartiers:
            existant = actuels.pop(quartier.pk, None)
            if existant is None:
                self._new(
                    ActionQuartier(action=action, quartier=quartier, part=part),
                    "action",
                    "quartier",
                )
            else:
                self._update(existant, {"part": part})
        for reste in actuels.values():
            reste.delete()
            self._count(ActionQuartier, "supprimes")

    def financements(self, action, prevue, *, nouvelle):
        actuels = (
            {} if nouvelle else {(f.financeur_id, f.nature): f for f in action.financements.all()}
        )
        for ligne in prevue.financements:
            existant = actuels.pop((ligne.financeur.pk, ligne.nature), None)
            if existant is None:
                self._new(
                    Financement(
                        action=action,
                        financeur=ligne.financeur,
                        nature=ligne.nature,
                        montant_demande=ligne.demande,
                        montant_accorde=ligne.accorde,
                    ),
                    "action",
                    "financeur",
                )
            else:
                self._update(
                    existant, {"montant_demande": ligne.demande, "montant_accorde": ligne.accorde}
                )
        for reste in actuels.values():
            reste.delete()
            self._count(Financement, "supprimes")

    def conventions(self, action, prevue, *, nouvelle):
        """One convention per funder with something paid; its payments replaced by one
        "solde" per funding line when they do not give the file's paid amounts."""
        conventions = {} if nouvelle else {c.financeur_id: c for c in action.conventions.all()}
        par_financeur = defaultdict(list)
        for ligne in prevue.financements:
            par_financeur[ligne.financeur].append(ligne)
        annee = prevue.annee
        for financeur, lignes in par_financeur.items():
            voulus = {ligne.nature: ligne.verse for ligne in lignes}
            accorde = sum((ligne.accorde or ZERO for ligne in lignes), ZERO)
            convention = conventions.get(financeur.pk)
            if convention is None:
                if not any(voulus.values()):
                    continue
                convention = Convention(
                    action=action,
                    financeur=financeur,
                    date_signature=datetime.date(annee, *CONVENTION_JOUR),
                    montant=accorde,
                    auteur=self.user,
                )
                self._new(convention, "action", "financeur", "auteur")
                versements = []
            else:
                self._update(convention, {"montant": accorde})
                versements = list(convention.versements.all())
                if verses_par_nature(versements, voulus) == voulus:
                    self._count(Versement, "inchanges", len(versements))
                    continue
                for versement in versements:
                    versement.delete()
                self._count(Versement, "supprimes", len(versements))
            for nature, verse in voulus.items():
                if verse:
                    self._new(
                        Versement(
                            convention=convention,
                            kind=KindVersement.SOLDE,
                            montant=verse,
                            date=datetime.date(annee, *VERSEMENT_JOUR),
                            reference=reference_versement(nature),
                            auteur=self.user,
                        ),
                        "convention",
                        "auteur",
                    )


def write_plan(*, plan, contrat, user, resultat):
    """Write `plan` (validation.build_plan) for `contrat`; call inside a transaction."""
    ecriture = _Ecriture(contrat=contrat, user=user, resultat=resultat)
    ecriture.porteurs(plan.actions)
    index = dict(plan.existantes)
    # Year after year, so that a renewal finds last year's action, imported or not.
    for annee in sorted({prevue.annee for prevue in plan.actions}):
        prevues = sorted((p for p in plan.actions if p.annee == annee), key=lambda p: p.ligne)
        actions = []
        for prevue in prevues:
            precedente = None
            if prevue.reconduction:
                precedente = index.get((annee - 1, prevue.siret, prevue.intitule))
            action = ecriture.action(prevue, precedente)
            index[prevue.cle] = action
            actions.append(action)
        ecriture.flush(Action)
        for prevue, action in zip(prevues, actions, strict=True):
            ecriture.enfants(action, prevue)
    ecriture.flush(ActionQuartier, Financement, Convention, Versement)
