"""Checking every row of an import and turning the file into a plan of actions to write.

Every problem is collected (line, column, French message); the plan is only written when
there is none.
"""

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from stdnum.fr import siret as stdnum_siret

from cdv.formats import montant as format_montant
from cdv.models import Organisation
from programmation.enums import ETATS_VERSEMENT, EtatAction, NatureFinancement
from programmation.imports.layout import (
    BOOLEENS,
    COLONNES_ACTION,
    ETATS,
    NATURES,
    TITRES,
    normalize,
)
from programmation.imports.reading import ErreurImport
from programmation.models import Action, Convention, Versement

CENT = Decimal("0.01")
CENT_POUR_CENT = Decimal("100")
MONTANT_MAX = Decimal("10") ** 10
# A paid amount is normal for a funded action, and for one not carried out (to recover).
ETATS_AVEC_VERSEMENT = set(ETATS_VERSEMENT) | {EtatAction.NON_REALISEE}


class _Invalide(Exception):
    def __init__(self, *messages):
        self.messages = messages


@dataclass
class LigneFinancement:
    ligne: int
    financeur: Organisation
    nature: str
    demande: Decimal
    accorde: Decimal | None
    verse: Decimal


@dataclass
class ActionPrevue:
    """One action of the file: what its rows say, and the action already in the database."""

    ligne: int
    annee: int
    siret: str
    porteur: Organisation | None  # None: a porteur to create from its SIRET and name
    porteur_nom: str
    intitule: str
    pilier: object
    quartiers: tuple  # ((Quartier, part), …)
    reconduction: bool
    etat: str
    financements: list = field(default_factory=list)
    existante: Action | None = None

    @property
    def cle(self):
        return (self.annee, self.siret, self.intitule)


@dataclass
class Plan:
    actions: list
    # (année, porteur id, intitulé) → action in the database, years of the file and the
    # years before them (for the renewals' links).
    existantes: dict


# Parsing of one cell ------------------------------------------------------------------------


MESSAGE_RECONDUCTION = "« {valeur} » : écrivez « oui » ou « non »."
MESSAGE_ETAT = (
    f"État « {{valeur}} » inconnu : choisissez un état de la liste, par exemple "
    f"« {EtatAction.SOLDEE.label} »."
)
MESSAGE_NATURE = (
    f"Nature « {{valeur}} » inconnue : « {NatureFinancement.SPECIFIQUE.label} » ou "
    f"« {NatureFinancement.DROIT_COMMUN.label} »."
)


def _texte(raw):
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _siret_texte(raw):
    """A SIRET cell as text: a number cell gets back its leading zeros."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return f"{raw:014d}"
    return _texte(raw).replace(" ", "").replace("\u00a0", "")


def parse_annee(raw, contrat):
    if raw == "":
        raise _Invalide("L'année est obligatoire.")
    try:
        annee = int(raw) if not isinstance(raw, float) or raw.is_integer() else None
    except (TypeError, ValueError):
        annee = None
    if annee is None or isinstance(raw, bool):
        raise _Invalide(f"« {raw} » n'est pas une année.")
    if not contrat.annee_debut <= annee <= contrat.annee_fin:
        raise _Invalide(
            f"L'année {annee} n'appartient pas à la période du contrat "
            f"({contrat.annee_debut}–{contrat.annee_fin})."
        )
    return annee


@functools.lru_cache(maxsize=4096)
def _siret_valide(value):
    return stdnum_siret.is_valid(value)


def parse_siret(raw, quoi):
    value = _siret_texte(raw)
    if not value:
        raise _Invalide(f"Le SIRET {quoi} est obligatoire.")
    if not _siret_valide(value):
        raise _Invalide(
            f"Le SIRET « {value} » n'est pas valide : il faut 14 chiffres avec une clé de "
            "contrôle correcte."
        )
    return value


def parse_montant(raw):
    """A non-negative amount in euros with at most two decimals; None when empty."""
    if raw == "" or raw is None:
        return None
    if isinstance(raw, bool):
        raise _Invalide(f"« {raw} » n'est pas un montant.")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Invalide(f"« {raw} » n'est pas un montant.")
        # A computed cell may carry binary noise (0.1 + 0.2): round it to the cent.
        value = Decimal(repr(raw))
        if abs(value - value.quantize(CENT)) < Decimal("0.000001"):
            value = value.quantize(CENT)
    elif isinstance(raw, int | Decimal):
        value = Decimal(raw)
    else:
        text = str(raw)
        for char in ("€", " ", "\u00a0", "\u202f"):
            text = text.replace(char, "")
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise _Invalide(
                f"« {raw} » n'est pas un montant : écrivez un nombre en euros, par exemple 1234,56."
            ) from None
        if not value.is_finite():
            raise _Invalide(f"« {raw} » n'est pas un montant.")
    if value < 0:
        raise _Invalide("Un montant ne peut pas être négatif.")
    if value != value.quantize(CENT):
        raise _Invalide(f"« {raw} » : un montant a au plus deux décimales.")
    if value >= MONTANT_MAX:
        raise _Invalide(f"« {raw} » : montant trop élevé.")
    return value.quantize(CENT)


def parse_choix(raw, choix, message):
    """One of `choix` (compared by normalize()); else `message`, formatted with the value."""
    value = choix.get(normalize(_texte(raw)))
    if value is None:
        raise _Invalide(message.format(valeur=raw))
    return value


def parse_part(raw):
    try:
        part = Decimal(raw.strip().replace(",", ".").replace("%", ""))
    except InvalidOperation:
        raise _Invalide(f"« {raw} » n'est pas une part en %.") from None
    if not part.is_finite() or part <= 0 or part > CENT_POUR_CENT:
        raise _Invalide(f"La part « {raw} » doit être comprise entre 0 et 100 %.")
    if part != part.quantize(CENT):
        raise _Invalide(f"La part « {raw} » a au plus deux décimales.")
    return part.quantize(CENT)


# The contract's references -------------------------------------------------------------------


class Referentiel:
    """The contract's pillars and quartiers, and the organisations the file names."""

    def __init__(self, contrat, lignes):
        self.contrat = contrat
        self.piliers = {normalize(p.nom): p for p in contrat.piliers.all()}
        self.quartiers = defaultdict(list)
        for quartier in contrat.quartiers.all():
            self.quartiers[normalize(quartier.code or quartier.nom)].append(quartier)
            if quartier.code and normalize(quartier.nom) != normalize(quartier.code):
                self.quartiers[normalize(quartier.nom)].append(quartier)
        sirets = set()
        for _, values in lignes:
            for key in ("porteur_siret", "financeur_siret"):
                sirets.add(_siret_texte(values.get(key, "")))
        self.par_siret = {o.siret: o for o in Organisation.objects.filter(siret__in=sirets - {""})}
        self._par_nom = {}

    def pilier(self, raw):
        nom = _texte(raw)
        if not nom:
            return None
        pilier = self.piliers.get(normalize(nom))
        if pilier is None:
            noms = " ; ".join(p.nom for p in self.piliers.values())
            raise _Invalide(f"Pilier « {nom} » inconnu dans ce contrat (piliers : {noms}).")
        return pilier

    def quartier(self, designation):
        trouves = self.quartiers.get(normalize(designation), [])
        if not trouves:
            raise _Invalide(f"Quartier « {designation} » inconnu dans ce contrat.")
        if len(trouves) > 1:
            raise _Invalide(f"« {designation} » désigne plusieurs quartiers du contrat.")
        return trouves[0]

    def parse_quartiers(self, raw):
        text = _texte(raw)
        if not text:
            return ()
        parts, messages = {}, []
        for item in (chunk.strip() for chunk in text.split(";")):
            if not item:
                continue
            if ":" not in item:
                messages.append(f"« {item} » : écrivez CODE:part, par exemple QP011002:60.")
                continue
            designation, part_text = (s.strip() for s in item.rsplit(":", 1))
            try:
                quartier = self.quartier(designation)
                part = parse_part(part_text)
            except _Invalide as exc:
                messages.extend(exc.messages)
                continue
            if quartier in parts:
                messages.append(f"Le quartier « {designation} » figure deux fois.")
                continue
            parts[quartier] = part
        if not messages and parts:
            total = sum(parts.values())
            if total != CENT_POUR_CENT:
                messages.append(
                    f"Les parts des quartiers font {total.normalize():f} % au lieu de 100 %."
                )
        if messages:
            raise _Invalide(*messages)
        return tuple(sorted(parts.items(), key=lambda item: item[0].pk))

    def financeur(self, raw_siret, raw_nom):
        if _texte(raw_siret):
            value = parse_siret(raw_siret, "du financeur")
            organisation = self.par_siret.get(value)
            if organisation is None:
                raise _Invalide(
                    f"Aucune organisation de la plateforme n'a le SIRET {value} : ajoutez le "
                    "financeur à l'annuaire avant l'import."
                )
            return organisation
        nom = _texte(raw_nom)
        if nom not in self._par_nom:
            self._par_nom[nom] = list(Organisation.objects.filter(nom__iexact=nom)[:2])
        trouves = self._par_nom[nom]
        if not trouves:
            raise _Invalide(f"Financeur « {nom} » inconnu : indiquez son SIRET.")
        if len(trouves) > 1:
            raise _Invalide(f"Plusieurs organisations s'appellent « {nom} » : indiquez le SIRET.")
        return trouves[0]


# Rows → actions ----------------------------------------------------------------------------


def _parse_ligne(number, values, ref, erreurs):
    """The row's values by column key, or None for the columns in error (errors appended)."""
    parsed = {}

    def cell(key, parse):
        try:
            parsed[key] = parse(values.get(key, ""))
        except _Invalide as exc:
            parsed[key] = None
            erreurs.extend(ErreurImport(number, TITRES[key], m) for m in exc.messages)

    cell("annee", lambda raw: parse_annee(raw, ref.contrat))
    cell("porteur_siret", lambda raw: parse_siret(raw, "du porteur"))
    parsed["porteur_nom"] = _texte(values.get("porteur_nom", ""))
    intitule = " ".join(_texte(values.get("intitule", "")).split())
    if not intitule:
        erreurs.append(ErreurImport(number, TITRES["intitule"], "L'intitulé est obligatoire."))
    elif len(intitule) > 255:
        erreurs.append(
            ErreurImport(number, TITRES["intitule"], "L'intitulé dépasse 255 caractères.")
        )
    parsed["intitule"] = intitule if 0 < len(intitule) <= 255 else None
    cell("pilier", ref.pilier)
    cell("quartiers", ref.parse_quartiers)
    cell("reconduction", lambda raw: parse_choix(raw, BOOLEENS, MESSAGE_RECONDUCTION))
    if values.get("etat", "") == "":
        erreurs.append(ErreurImport(number, TITRES["etat"], "L'état de l'action est obligatoire."))
        parsed["etat"] = None
    else:
        cell("etat", lambda raw: parse_choix(raw, ETATS, MESSAGE_ETAT))
    for key in ("montant_demande", "montant_accorde", "montant_verse"):
        cell(key, parse_montant)
    _parse_financement(number, values, parsed, ref, erreurs)
    return parsed


def _parse_financement(number, values, parsed, ref, erreurs):
    keys = ("financeur_siret", "financeur_nom", "nature")
    montants = ("montant_demande", "montant_accorde", "montant_verse")
    parsed["financeur"] = parsed["nature"] = None
    if all(values.get(k, "") == "" for k in keys + montants):
        parsed["sans_financement"] = True
        return
    parsed["sans_financement"] = False
    if values.get("financeur_siret", "") == "" and values.get("financeur_nom", "") == "":
        erreurs.append(
            ErreurImport(
                number, TITRES["financeur_siret"], "Indiquez le SIRET ou le nom du financeur."
            )
        )
    else:
        try:
            parsed["financeur"] = ref.financeur(values["financeur_siret"], values["financeur_nom"])
        except _Invalide as exc:
            colonne = "financeur_siret" if _texte(values["financeur_siret"]) else "financeur_nom"
            erreurs.extend(ErreurImport(number, TITRES[colonne], m) for m in exc.messages)
    if values.get("nature", "") == "":
        erreurs.append(ErreurImport(number, TITRES["nature"], "Indiquez la nature du financement."))
    else:
        try:
            parsed["nature"] = parse_choix(values["nature"], NATURES, MESSAGE_NATURE)
        except _Invalide as exc:
            erreurs.extend(ErreurImport(number, TITRES["nature"], m) for m in exc.messages)
    demande, accorde, verse = (parsed[k] for k in montants)
    if values.get("montant_demande", "") == "":
        erreurs.append(
            ErreurImport(number, TITRES["montant_demande"], "Le montant demandé est obligatoire.")
        )
    if demande is not None and accorde is not None and accorde > demande:
        erreurs.append(
            ErreurImport(
                number,
                TITRES["montant_accorde"],
                f"Le montant accordé ({format_montant(accorde)}) dépasse le montant demandé "
                f"({format_montant(demande)}).",
            )
        )
    if verse and (accorde is None or verse > accorde):
        # An unreadable granted amount is reported on its own column.
        if accorde is not None or values.get("montant_accorde", "") == "":
            erreurs.append(
                ErreurImport(
                    number,
                    TITRES["montant_verse"],
                    f"Le montant versé ({format_montant(verse)}) dépasse le montant accordé "
                    f"({format_montant(accorde or 0)}).",
                )
            )


def _cle(parsed):
    if None in (parsed["annee"], parsed["porteur_siret"], parsed["intitule"]):
        return None
    return (parsed["annee"], parsed["porteur_siret"], parsed["intitule"])


def _comparable(parsed, key):
    value = parsed[key]
    return normalize(value) if key == "porteur_nom" else value


def build_plan(contrat, lignes):
    """Check every row; returns (plan, errors). The plan is None when there are errors."""
    ref = Referentiel(contrat, lignes)
    erreurs, actions, premieres = [], {}, {}
    for number, values in lignes:
        parsed = _parse_ligne(number, values, ref, erreurs)
        cle = _cle(parsed)
        if cle is None:
            continue
        action = actions.get(cle)
        if action is None:
            premieres[cle] = (number, parsed)
            action = actions[cle] = ActionPrevue(
                ligne=number,
                annee=cle[0],
                siret=cle[1],
                porteur=ref.par_siret.get(cle[1]),
                porteur_nom=parsed["porteur_nom"],
                intitule=cle[2],
                pilier=parsed["pilier"],
                quartiers=parsed["quartiers"] or (),
                reconduction=bool(parsed["reconduction"]),
                etat=parsed["etat"],
            )
        else:
            first_number, first = premieres[cle]
            for key in COLONNES_ACTION:
                if first[key] is None or parsed[key] is None:
                    continue  # already reported on its own line
                if _comparable(first, key) != _comparable(parsed, key):
                    erreurs.append(
                        ErreurImport(
                            number,
                            TITRES[key],
                            f"Diffère de la ligne {first_number} pour la même action (même "
                            "année, même porteur, même intitulé).",
                        )
                    )
        _add_financement(action, number, parsed, erreurs)
    _check_porteurs(actions.values(), erreurs)
    _check_versements(actions.values(), erreurs)
    existantes = _existantes(contrat, actions.values(), erreurs)
    if erreurs:
        return None, sorted(erreurs, key=_ordre)
    return Plan(actions=list(actions.values()), existantes=existantes), []


def _ordre(erreur):
    colonnes = list(TITRES.values())
    position = colonnes.index(erreur.colonne) if erreur.colonne in colonnes else -1
    return (erreur.ligne or 0, position)


def _add_financement(action, number, parsed, erreurs):
    if parsed["sans_financement"] or parsed["financeur"] is None or parsed["nature"] is None:
        return
    if parsed["montant_demande"] is None:
        return
    for ligne in action.financements:
        if ligne.financeur == parsed["financeur"] and ligne.nature == parsed["nature"]:
            erreurs.append(
                ErreurImport(
                    number,
                    TITRES["financeur_siret"],
                    f"Ce financeur figure déjà ligne {ligne.ligne} pour cette action, avec la "
                    "même nature de financement.",
                )
            )
            return
    action.financements.append(
        LigneFinancement(
            ligne=number,
            financeur=parsed["financeur"],
            nature=parsed["nature"],
            demande=parsed["montant_demande"],
            accorde=parsed["montant_accorde"],
            verse=parsed["montant_verse"] or Decimal("0.00"),
        )
    )


def _check_porteurs(actions, erreurs):
    """An unknown porteur is created from its SIRET and name: the name is then required,
    and the same on every action it carries."""
    noms = {}
    for action in actions:
        if action.porteur is not None:
            continue
        if not action.porteur_nom:
            erreurs.append(
                ErreurImport(
                    action.ligne,
                    TITRES["porteur_nom"],
                    f"Aucune organisation n'a le SIRET {action.siret} : indiquez le nom du "
                    "porteur pour la créer.",
                )
            )
            continue
        ligne, nom = noms.setdefault(action.siret, (action.ligne, action.porteur_nom))
        if normalize(nom) != normalize(action.porteur_nom):
            erreurs.append(
                ErreurImport(
                    action.ligne,
                    TITRES["porteur_nom"],
                    f"Le porteur {action.siret} s'appelle « {nom} » ligne {ligne}.",
                )
            )


def _check_versements(actions, erreurs):
    for action in actions:
        if action.etat is None or action.etat in ETATS_AVEC_VERSEMENT:
            continue
        for ligne in action.financements:
            if ligne.verse:
                erreurs.append(
                    ErreurImport(
                        ligne.ligne,
                        TITRES["montant_verse"],
                        "Un versement suppose une action financée (programmée, "
                        "conventionnée, bilan attendu ou déposé, soldée) ou non réalisée.",
                    )
                )


def _existantes(contrat, actions, erreurs):
    """The contract's actions of the file's years and of the years before them, by natural
    key; two actions with the same key are an error to fix before importing."""
    annees = {a.annee for a in actions} | {a.annee - 1 for a in actions}
    queryset = (
        Action.objects.filter(appel__contrat=contrat, appel__annee__in=annees)
        .select_related("appel", "porteur")
        .prefetch_related(
            "quartiers",
            "financements",
            Prefetch(
                "conventions",
                queryset=Convention.objects.prefetch_related(
                    Prefetch("versements", queryset=Versement.objects.order_by("date", "pk"))
                ),
            ),
        )
    )
    index = defaultdict(list)
    for action in queryset:
        index[(action.appel.annee, action.porteur.siret, action.intitule)].append(action)
    for action in actions:
        trouvees = index.get(action.cle, [])
        if len(trouvees) > 1:
            erreurs.append(
                ErreurImport(
                    action.ligne,
                    TITRES["intitule"],
                    f"Le contrat compte déjà {len(trouvees)} actions de ce porteur avec cet "
                    "intitulé cette année : fusionnez-les avant l'import.",
                )
            )
        elif trouvees:
            action.existante = trouvees[0]
    return {cle: trouvees[0] for cle, trouvees in index.items() if len(trouvees) == 1}
