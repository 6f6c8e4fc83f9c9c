"""Molar units convert by one rule: the analyte's molar mass (issue 19 item 2).

Hand checks: serum creatinine 0.0884 mmol/L = 88.4 umol/L = 1 mg/dL (clinical-reference.md E3:
mg/dL x 88.4 = umol/L); haemoglobin 6.206 mmol/L = 10 g/dL (section H, monomer basis); UPCR
113.12 mg/mmol = 1 mg/mg (section H, creatinine 113.12 g/mol); bilirubin 17.1 umol/L ~ 1 mg/dL
(molar mass 584.66 g/mol, not in the clinical reference: from memory, unverified, and the import
says so). The property: for every catalogue analyte with a molar mass, every molar
concentration UCUM spells (mol to pmol per L, dL or mL) converts, and gives what the same amount
written as a mass (moles x molar mass, same prefixes) gives; an analyte without one refuses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrombo.normalize.analytes import BY_KEY, CATALOGUE
from thrombo.normalize.units import MOLAR_MASS, UnitError, to_canonical
from thrombo.store.sources import load_source

PREFIXES = ("", "m", "u", "n", "p")
VOLUMES = ("L", "dL", "mL")


@pytest.mark.parametrize(("analyte", "value", "unit", "expected"), [
    ("creatinine", 0.0884, "mmol/L", 1.0),
    ("creatinine", 88.4, "umol/L", 1.0),
    ("creatinine", 88400, "nmol/L", 1.0),
    ("urine_creatinine", 8.84, "mmol/L", 100.0),
    ("hemoglobin", 6.206, "mmol/L", 10.0),
    ("upcr", 113.12, "mg/mmol", 1.0),
    ("bilirubin", 17.1, "umol/L", 0.99977),
])
def test_hand_checked_molar_values(analyte: str, value: float, unit: str, expected: float) -> None:
    converted, canonical = to_canonical(BY_KEY[analyte], value, unit)
    assert canonical == BY_KEY[analyte].unit
    assert converted == pytest.approx(expected, rel=1e-4)


MOLAR_ANALYTES = sorted(a for a in MOLAR_MASS if not BY_KEY[a].unit.startswith("mg/mg"))


@given(analyte=st.sampled_from(MOLAR_ANALYTES), prefix=st.sampled_from(PREFIXES),
       volume=st.sampled_from(VOLUMES),
       amount=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False))
def test_every_molar_unit_converts_as_the_same_amount_as_a_mass(
    analyte: str, prefix: str, volume: str, amount: float
) -> None:
    entry = BY_KEY[analyte]
    molar, _ = to_canonical(entry, amount, f"{prefix}mol/{volume}")
    grams = amount * MOLAR_MASS[analyte].grams_per_mole
    mass, _ = to_canonical(entry, grams, f"{prefix}g/{volume}")
    assert molar == pytest.approx(mass, rel=1e-9)


@pytest.mark.parametrize("analyte", [a.key for a in CATALOGUE
                                     if a.units and a.key not in MOLAR_MASS])
def test_an_analyte_without_a_molar_mass_refuses_a_molar_unit(analyte: str) -> None:
    with pytest.raises(UnitError):
        to_canonical(BY_KEY[analyte], 1.0, "umol/L")


def test_the_unverified_bilirubin_molar_mass_is_a_warning_on_import(tmp_path: Path) -> None:
    (tmp_path / "patients.csv").write_text("patient_id,birth_date\nP1,2016-06-01\n")
    (tmp_path / "observations.csv").write_text(
        "patient_id,time,code,value,unit\nP1,2026-02-10,bilirubin,17.1,umol/L\n"
        "P1,2026-02-10,creatinine,0.0884,mmol/L\n")
    loaded = load_source(str(tmp_path))
    (timeline,) = loaded.timelines
    assert [round(o.value or 0, 4) for o in timeline.observations] == [0.9998, 1.0]
    warnings: list[str] = loaded.input_json()["warnings"]  # type: ignore[assignment]
    assert any("bilirubin umol/L -> mg/dL (molar mass 584.66 g/mol)" in w for w in warnings)
    assert not any("creatinine" in w for w in warnings)
