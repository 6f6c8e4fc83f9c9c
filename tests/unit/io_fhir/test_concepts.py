"""Procedure, condition and drug value sets (thrombo.normalize.concepts).

Codes checked here are the ones concepts.py marks as seen in public code lists: SNOMED CT
234336002 "Hemopoietic stem cell transplant", 234319005 "Splenectomy", 2897005 "Immune
thrombocytopenia"; RxNorm 1311089 defibrotide and 1746528 Defitelio (CIBMTR reporting IG).
"""

from __future__ import annotations

import pytest

from thrombo.domain.codes import ICD10_CM, RXNORM, SNOMED_CT, Code
from thrombo.normalize.concepts import (
    CPT,
    condition_kind,
    drug_match,
    drug_name,
    procedure_kind,
)


def test_hsct_code_with_allogeneic_text_gives_the_type() -> None:
    match = procedure_kind([Code(SNOMED_CT, "234336002")], "Allogeneic HSCT, matched unrelated")
    assert match is not None
    assert (match.concept, match.detail) == ("hsct", "allogeneic")


def test_hsct_code_alone_leaves_the_type_open() -> None:
    match = procedure_kind([Code(SNOMED_CT, "234336002")], None)
    assert match is not None and (match.concept, match.detail) == ("hsct", None)
    assert not match.unverified


def test_cpt_autologous_code_is_marked_unverified() -> None:
    match = procedure_kind([Code(CPT, "38241")], None)
    assert match is not None and (match.concept, match.detail) == ("hsct", "autologous")
    assert match.unverified


@pytest.mark.parametrize(("text", "kind", "detail"), [
    ("Autologous stem cell transplantation", "hsct", "autologous"),
    ("Haploidentical bone marrow transplant", "hsct", "allogeneic"),
    ("Stem cell harvest (apheresis)", None, None),
    ("Laparoscopic splenectomy", "splenectomy", None),
    ("Kidney biopsy", None, None),
    ("Renal biopsy: thrombotic microangiopathy", "tma_biopsy", None),
    ("Colonic biopsy consistent with TMA", "tma_biopsy", None),
    ("Appendectomy", None, None),
])
def test_procedure_text(text: str, kind: str | None, detail: str | None) -> None:
    match = procedure_kind([], text)
    assert (None if match is None else (match.concept, match.detail)) == (
        None if kind is None else (kind, detail))


def test_kidney_biopsy_code_is_not_tma_evidence() -> None:
    assert procedure_kind([Code(SNOMED_CT, "2913000", "Biopsy of kidney")], None) is None


@pytest.mark.parametrize(("codes", "text", "itp"), [
    ([Code(ICD10_CM, "D69.3")], None, True),
    ([Code(SNOMED_CT, "2897005")], None, True),
    ([], "Chronic immune thrombocytopenic purpura", True),
    ([], "ITP, newly diagnosed", True),
    ([], "Thrombotic thrombocytopenic purpura", False),
    ([], "Neonatal alloimmune thrombocytopenia", False),
    ([], "Heparin-induced thrombocytopenia", False),
    ([Code(SNOMED_CT, "444814009", "Viral sinusitis")], None, False),
])
def test_condition_kind(codes: list[Code], text: str | None, itp: bool) -> None:
    assert (condition_kind(codes, text) is not None) is itp


@pytest.mark.parametrize(("codes", "text", "drug"), [
    ([Code(RXNORM, "1746528", "Defitelio")], None, "defibrotide"),
    ([Code(RXNORM, "1311089")], None, "defibrotide"),
    ([], "Soliris 300 mg/30 mL", "eculizumab"),
    ([], "Promacta 25 mg tablet", "eltrombopag"),
    ([], "REVOLADE 50mg", "eltrombopag"),
    ([], "Nplate 250 microgram powder", "romiplostim"),
    ([], "MabThera 500 mg", "rituximab"),
    ([], "WinRho SDF", "anti_d"),
    ([], "Rho(D) immune globulin IV", "anti_d"),
    ([], "Privigen 10% IV", "ivig"),
    ([], "Gamunex-C", "ivig"),
    ([], "Anti-thymocyte globulin (rabbit)", None),
    ([], "Heparin sodium infusion", "heparin"),
    ([], "Heparin lock flush 10 units/mL", None),
    ([], "Enoxaparin 20 mg SC", "enoxaparin"),
    ([], "Cathflo Activase (alteplase) 2 mg", None),
    ([], "Norepinephrine infusion", "vasopressor"),
    ([], "Methylprednisolone sodium succinate", "methylprednisolone"),
    ([], "Paracetamol 500 mg", None),
])
def test_drug_name(codes: list[Code], text: str | None, drug: str | None) -> None:
    assert drug_name(codes, text) == drug


def test_prednisolone_counts_as_prednisone_with_a_warning() -> None:
    match = drug_match([], "Prednisolone 5 mg/5 mL oral solution")
    assert match is not None and match.concept == "prednisone" and match.unverified
    methyl = drug_match([], "methylprednisolone")
    assert methyl is not None and methyl.concept == "methylprednisolone"
