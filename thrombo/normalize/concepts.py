"""Value sets for the procedures, conditions and drugs thrombo reasons about, as data.

Every code carries its verification status. "seen" means the code and its display were found in
public code lists or FHIR implementation guides (named per entry); the rest are "from memory,
unverified": they still match, but a match that rests on one says so (`ConceptMatch.unverified`),
so outputs can carry the warning the house rules require. Codes are looked up first; free text
(coding displays, `CodeableConcept.text`) is matched by whole words, with the exclusions noted
beside each concept.

A biopsy is TMA evidence only when it is coded as such (thrombo's own `tma-biopsy` code) or its
text says thrombotic microangiopathy: a kidney or gut biopsy code alone says nothing of its result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from thrombo.domain.codes import ICD10, ICD10_CM, RXNORM, SNOMED_CT, Code
from thrombo.io.fhir_elements import THROMBO_CONDITION, THROMBO_DRUG, THROMBO_PROCEDURE
from thrombo.io.fhir_write import FhirVocabulary
from thrombo.normalize.analytes import CATALOGUE

CPT = "http://www.ama-assn.org/go/cpt"
UNVERIFIED = "from memory, unverified"
SEEN_IG = "seen in public FHIR implementation guides and code lists [S-2nd]"
SEEN_CIBMTR = "seen in the CIBMTR reporting IG RxNorm value sets (nmdp-ig) [S-2nd]"
SEEN_CODELISTS = "seen in public SNOMED CT code lists (thrombocytopenia phenotypes) [S-2nd]"
THROMBO_OWN = "thrombo's own code system [Design]"


@dataclass(frozen=True, slots=True)
class ConceptCode:
    system: str
    code: str
    concept: str
    """`hsct`, `splenectomy`, `tma_biopsy`, `itp`, or a drug's generic name."""
    detail: str | None
    display: str
    status: str


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    concept: str
    detail: str | None
    """For `hsct`: `allogeneic`, `autologous` or None when the source does not say."""
    status: str
    matched: str
    """The code key or text that matched, for evidence."""

    @property
    def unverified(self) -> bool:
        return UNVERIFIED in self.status


PROCEDURE_CODES: tuple[ConceptCode, ...] = (
    ConceptCode(SNOMED_CT, "234336002", "hsct", None, "Hemopoietic stem cell transplant", SEEN_IG),
    ConceptCode(SNOMED_CT, "58776007", "hsct", None, "Bone marrow transplant", SEEN_IG),
    ConceptCode(SNOMED_CT, "23719005", "hsct", None, "Transplantation of bone marrow", SEEN_IG),
    ConceptCode(SNOMED_CT, "444360002", "hsct", "allogeneic",
                "Allogeneic hematopoietic stem cell transplantation", UNVERIFIED),
    ConceptCode(CPT, "38240", "hsct", "allogeneic", "Allogeneic HPC transplantation", UNVERIFIED),
    ConceptCode(CPT, "38241", "hsct", "autologous", "Autologous HPC transplantation", UNVERIFIED),
    ConceptCode(SNOMED_CT, "234319005", "splenectomy", None, "Splenectomy", SEEN_IG),
    ConceptCode(SNOMED_CT, "173422009", "splenectomy", None, "Splenectomy", SEEN_IG),
    ConceptCode(CPT, "38100", "splenectomy", None, "Splenectomy; total", UNVERIFIED),
    ConceptCode(CPT, "38120", "splenectomy", None, "Laparoscopic splenectomy", UNVERIFIED),
    ConceptCode(THROMBO_PROCEDURE, "hsct", "hsct", None, "HSCT", THROMBO_OWN),
    ConceptCode(THROMBO_PROCEDURE, "hsct-allogeneic", "hsct", "allogeneic", "Allogeneic HSCT",
                THROMBO_OWN),
    ConceptCode(THROMBO_PROCEDURE, "hsct-autologous", "hsct", "autologous", "Autologous HSCT",
                THROMBO_OWN),
    ConceptCode(THROMBO_PROCEDURE, "splenectomy", "splenectomy", None, "Splenectomy",
                THROMBO_OWN),
    ConceptCode(THROMBO_PROCEDURE, "tma-biopsy", "tma_biopsy", None,
                "Biopsy showing thrombotic microangiopathy", THROMBO_OWN),
)

CONDITION_CODES: tuple[ConceptCode, ...] = (
    ConceptCode(ICD10, "D69.3", "itp", None, "Idiopathic thrombocytopenic purpura",
                "seen in public ICD-10 code lists [S-2nd]"),
    ConceptCode(ICD10_CM, "D69.3", "itp", None, "Immune thrombocytopenic purpura",
                "seen in public ICD-10 code lists [S-2nd]"),
    ConceptCode(SNOMED_CT, "2897005", "itp", None, "Immune thrombocytopenia", SEEN_CODELISTS),
    ConceptCode(SNOMED_CT, "32273002", "itp", None, "Idiopathic thrombocytopenic purpura",
                SEEN_CODELISTS),
    ConceptCode(THROMBO_CONDITION, "itp", "itp", None, "Immune thrombocytopenia", THROMBO_OWN),
)

# RxNorm ingredient (and a few brand) concepts. Codes not seen in a public source are
# from memory, unverified.
DRUG_CODES: tuple[ConceptCode, ...] = (
    ConceptCode(RXNORM, "1311089", "defibrotide", None, "defibrotide", SEEN_CIBMTR),
    ConceptCode(RXNORM, "1746523", "defibrotide", None, "defibrotide sodium", SEEN_CIBMTR),
    ConceptCode(RXNORM, "1746528", "defibrotide", None, "Defitelio", SEEN_CIBMTR),
    ConceptCode(RXNORM, "121191", "rituximab", None, "rituximab", SEEN_CIBMTR),
    ConceptCode(RXNORM, "226754", "rituximab", None, "Rituxan", SEEN_CIBMTR),
    ConceptCode(RXNORM, "3002", "cyclophosphamide", None, "cyclophosphamide", SEEN_CIBMTR),
    ConceptCode(RXNORM, "591781", "eculizumab", None, "eculizumab", UNVERIFIED),
    ConceptCode(RXNORM, "3264", "dexamethasone", None, "dexamethasone", UNVERIFIED),
    ConceptCode(RXNORM, "8640", "prednisone", None, "prednisone", UNVERIFIED),
    ConceptCode(RXNORM, "6902", "methylprednisolone", None, "methylprednisolone", UNVERIFIED),
    ConceptCode(RXNORM, "711942", "eltrombopag", None, "eltrombopag", UNVERIFIED),
    ConceptCode(RXNORM, "11202", "vincristine", None, "vincristine", UNVERIFIED),
    ConceptCode(RXNORM, "5224", "heparin", None, "heparin", UNVERIFIED),
    ConceptCode(RXNORM, "67108", "enoxaparin", None, "enoxaparin", UNVERIFIED),
    ConceptCode(RXNORM, "8410", "alteplase", None, "alteplase", UNVERIFIED),
    # The other anticoagulants and fibrinolytics that hold defibrotide (RxNorm ingredients).
    ConceptCode(RXNORM, "67109", "dalteparin", None, "dalteparin", UNVERIFIED),
    ConceptCode(RXNORM, "69528", "tinzaparin", None, "tinzaparin", UNVERIFIED),
    ConceptCode(RXNORM, "321208", "fondaparinux", None, "fondaparinux", UNVERIFIED),
    ConceptCode(RXNORM, "15202", "argatroban", None, "argatroban", UNVERIFIED),
    ConceptCode(RXNORM, "60819", "bivalirudin", None, "bivalirudin", UNVERIFIED),
    ConceptCode(RXNORM, "11289", "warfarin", None, "warfarin", UNVERIFIED),
    ConceptCode(RXNORM, "1364430", "apixaban", None, "apixaban", UNVERIFIED),
    ConceptCode(RXNORM, "1114195", "rivaroxaban", None, "rivaroxaban", UNVERIFIED),
    ConceptCode(RXNORM, "1546356", "dabigatran", None, "dabigatran", UNVERIFIED),
    ConceptCode(RXNORM, "1037042", "dabigatran", None, "dabigatran etexilate", UNVERIFIED),
    ConceptCode(RXNORM, "1599538", "edoxaban", None, "edoxaban", UNVERIFIED),
    ConceptCode(RXNORM, "259280", "tenecteplase", None, "tenecteplase", UNVERIFIED),
    ConceptCode(RXNORM, "76895", "reteplase", None, "reteplase", UNVERIFIED),
    ConceptCode(RXNORM, "11055", "urokinase", None, "urokinase", UNVERIFIED),
)

# Generic name -> names (generic, brand, common abbreviations) matched as whole words in text.
DRUG_NAMES: dict[str, tuple[str, ...]] = {
    "defibrotide": ("defibrotide", "defitelio"),
    "eculizumab": ("eculizumab", "soliris", "bkemv", "epysqli"),
    "dexamethasone": ("dexamethasone", "decadron"),
    "prednisone": ("prednisone", "deltasone"),
    "methylprednisolone": ("methylprednisolone", "solu-medrol", "medrol"),
    "anti_d": ("anti-d", "rho\\(d\\) immune globulin", "rho \\(d\\) immune globulin",
               "winrho", "rhophylac"),
    "ivig": ("ivig", "igiv", "intravenous immun[eo]globulin", "immune globulin intravenous",
             "privigen", "gamunex", "gamunex-c", "octagam", "gammagard", "flebogamma", "kiovig",
             "intratect", "panzyga", "gammaplex", "bivigam"),
    "rituximab": ("rituximab", "rituxan", "mabthera", "truxima", "ruxience", "riabni"),
    "eltrombopag": ("eltrombopag", "promacta", "revolade", "alvaiz"),
    "romiplostim": ("romiplostim", "nplate"),
    "vincristine": ("vincristine", "oncovin"),
    "cyclophosphamide": ("cyclophosphamide", "cytoxan", "endoxan", "endoxana"),
    "heparin": ("heparin", "unfractionated heparin"),
    "enoxaparin": ("enoxaparin", "lovenox", "clexane"),
    "alteplase": ("alteplase", "activase", "actilyse"),
    # Other anticoagulants and fibrinolytics keep their own generic names (hold rules list them).
    "dalteparin": ("dalteparin", "fragmin"),
    "tinzaparin": ("tinzaparin", "innohep"),
    "nadroparin": ("nadroparin", "fraxiparine"),
    "fondaparinux": ("fondaparinux", "arixtra"),
    "argatroban": ("argatroban",),
    "bivalirudin": ("bivalirudin", "angiomax"),
    "warfarin": ("warfarin", "coumadin"),
    "apixaban": ("apixaban", "eliquis"),
    "rivaroxaban": ("rivaroxaban", "xarelto"),
    "dabigatran": ("dabigatran", "pradaxa"),
    "edoxaban": ("edoxaban", "savaysa", "lixiana"),
    "tenecteplase": ("tenecteplase",),
    "reteplase": ("reteplase",),
    "urokinase": ("urokinase",),
    "vasopressor": ("norepinephrine", "noradrenaline", "levophed", "epinephrine infusion",
                    "adrenaline infusion", "vasopressin", "phenylephrine", "dopamine"),
}
# Prednisolone is counted as prednisone: the two are taken as equipotent mg for mg
# (from memory, unverified), and paediatric ITP courses outside the US use prednisolone.
PREDNISOLONE_AS_PREDNISONE = ("prednisolone", "prednisone", UNVERIFIED)
PREDNISOLONE_STATUS = f"prednisolone as prednisone ({UNVERIFIED})"

# Text that names one of our drugs but is not that drug given systemically.
DRUG_TEXT_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "heparin": ("flush", "lock"),  # line flushes are not anticoagulation
    "ivig": ("subcutaneous", "hepatitis", "anti-thymocyte", "thymocyte", "varicella",
             "cytomegalovirus", "rabies", "tetanus", "rho"),
    "alteplase": ("cathflo", "catheter"),  # catheter clearance, not systemic fibrinolysis
}


def _words(names: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(" + "|".join(names) + r")(?![\w-])", re.IGNORECASE)


_DRUG_PATTERNS = {drug: _words(names) for drug, names in DRUG_NAMES.items()}
_PREDNISOLONE = _words((PREDNISOLONE_AS_PREDNISONE[0],))

_HSCT_TEXT = _words(("hsct", "bmt", "sct", "stem cell transplant(ation)?",
                     "h(a)?ematopoietic (stem )?cell transplant(ation)?",
                     "bone marrow transplant(ation)?", "cord blood transplant(ation)?"))
_HSCT_NOT = _words(("harvest", "collection", "apheresis", "mobili[sz]ation", "evaluation",
                    "history of"))
_ALLOGENEIC = _words(("allogeneic", "allogenic", "allo", "allo-hsct", "allo-sct", "haploidentical",
                      "matched unrelated", "matched sibling", "cord blood"))
_AUTOLOGOUS = _words(("autologous", "auto", "auto-hsct", "auto-sct"))
_SPLENECTOMY = _words(("splenectomy", "laparoscopic splenectomy"))
_TMA_BIOPSY = re.compile(r"biops.*(thrombotic microangiopath|\bTMA\b)|"
                         r"(thrombotic microangiopath|\bTMA\b).*biops", re.IGNORECASE)
_ITP_TEXT = _words(("(auto)?immune thrombocytopeni(a|c purpura)",
                    "idiopathic thrombocytopeni(a|c purpura)", "ITP"))
_ITP_NOT = _words(("neonatal", "alloimmune", "drug-induced", "heparin-induced", "maternal",
                   "thrombotic"))

_BY_CODE: dict[tuple[str, str], ConceptCode] = {
    (c.system, c.code): c for c in PROCEDURE_CODES + CONDITION_CODES + DRUG_CODES
}


def _code_match(codes: Iterable[Code], pool: tuple[ConceptCode, ...]) -> ConceptMatch | None:
    """The most specific coded match (one with a detail such as allogeneic wins)."""
    found = [c for c in (_BY_CODE.get((code.system, code.code)) for code in codes)
             if c is not None and c in pool]
    if not found:
        return None
    best = next((c for c in found if c.detail is not None), found[0])
    return ConceptMatch(best.concept, best.detail, best.status, f"{best.system}|{best.code}")


def _texts(codes: Iterable[Code], text: str | None) -> list[str]:
    return [t for t in [text, *(c.display for c in codes)] if t]


def procedure_kind(codes: Iterable[Code], text: str | None) -> ConceptMatch | None:
    """`hsct` (allogeneic/autologous where said), `splenectomy` or `tma_biopsy`; None otherwise."""
    codes = tuple(codes)
    coded = _code_match(codes, PROCEDURE_CODES)
    if coded is not None and (coded.concept != "hsct" or coded.detail is not None):
        return coded
    for said in _texts(codes, text):
        if _TMA_BIOPSY.search(said):
            return ConceptMatch("tma_biopsy", None, "text", said)
        if _HSCT_TEXT.search(said) and not _HSCT_NOT.search(said):
            return ConceptMatch("hsct", _transplant_type(said) or (coded.detail if coded else None),
                                coded.status if coded else "text", said)
        if _SPLENECTOMY.search(said):
            return ConceptMatch("splenectomy", None, "text", said)
    return coded


def _transplant_type(said: str) -> str | None:
    if _AUTOLOGOUS.search(said):
        return "autologous"
    if _ALLOGENEIC.search(said):
        return "allogeneic"
    return None


def condition_kind(codes: Iterable[Code], text: str | None) -> ConceptMatch | None:
    """`itp` for immune thrombocytopenia; None for anything else (TTP, HIT, neonatal)."""
    codes = tuple(codes)
    coded = _code_match(codes, CONDITION_CODES)
    if coded is not None:
        return coded
    for said in _texts(codes, text):
        if _ITP_TEXT.search(said) and not _ITP_NOT.search(said):
            return ConceptMatch("itp", None, "text", said)
    return None


def drug_match(codes: Iterable[Code], text: str | None) -> ConceptMatch | None:
    codes = tuple(codes)
    for code in codes:
        if code.system == THROMBO_DRUG and (code.code in DRUG_NAMES):
            return ConceptMatch(code.code, None, THROMBO_OWN, code.key)
    coded = _code_match(codes, DRUG_CODES)
    if coded is not None:
        return coded
    for said in _texts(codes, text):
        for drug, pattern in _DRUG_PATTERNS.items():
            if pattern.search(said) and not _excluded(drug, said):
                return ConceptMatch(drug, None, "text", said)
        if _PREDNISOLONE.search(said):
            return ConceptMatch("prednisone", None, PREDNISOLONE_STATUS, said)
    return None


def _excluded(drug: str, said: str) -> bool:
    lowered = said.lower()
    return any(word in lowered for word in DRUG_TEXT_EXCLUSIONS.get(drug, ()))


def drug_name(codes: Iterable[Code], text: str | None) -> str | None:
    """Our generic drug name for a medication's codings and text, or None when not ours."""
    match = drug_match(codes, text)
    return None if match is None else match.concept


def fhir_vocabulary() -> FhirVocabulary:
    """Standard codes for the FHIR writer: each analyte's first LOINC code, and the procedure,
    condition and drug codes seen in public sources (unverified codes are not written out)."""
    codings: dict[str, tuple[Code, ...]] = {
        "procedure:hsct": (Code(SNOMED_CT, "234336002", "Hemopoietic stem cell transplant"),),
        "procedure:hsct-allogeneic": (Code(SNOMED_CT, "234336002"),),
        "procedure:hsct-autologous": (Code(SNOMED_CT, "234336002"),),
        "procedure:splenectomy": (Code(SNOMED_CT, "234319005", "Splenectomy"),),
        "condition:itp": (Code(ICD10, "D69.3"), Code(SNOMED_CT, "2897005",
                                                     "Immune thrombocytopenia")),
    }
    for entry in DRUG_CODES:
        key = f"drug:{entry.concept}"
        if entry.status != UNVERIFIED and key not in codings:
            codings[key] = (Code(entry.system, entry.code, entry.display),)
    analyte_loinc = {a.key: a.loinc[0][0] for a in CATALOGUE if a.loinc}
    return FhirVocabulary(analyte_loinc=analyte_loinc, codings=codings)
