"""The clear TA-TMA vignette read back from a FHIR R4 Bundle gives the same answer.

The vignette (test_harmonized_vignettes.py, clinical-reference.md A1) is written as FHIR with
thrombo's writer, read with `load_source` like any user's file, and screened again.
"""

from __future__ import annotations

from pathlib import Path

from thrombo.io.fhir_write import write_fhir_bundle
from thrombo.normalize.concepts import fhir_vocabulary
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen
from thrombo.store.sources import load_source

from .tables import day, screened, timeline
from .test_harmonized_vignettes import CLEAR_TA_TMA

SET = criteria_set("harmonized-2023")


def test_clear_ta_tma_from_a_fhir_bundle(tmp_path: Path) -> None:
    original = timeline(CLEAR_TA_TMA)
    bundle = tmp_path / "patient.json"
    write_fhir_bundle(bundle, [original.patient], original.observations,
                      events=original.events, vocabulary=fhir_vocabulary())
    loaded = load_source(str(bundle))
    [result] = screen(loaded.timelines, SET, day(50)).patients
    expected = screened(original, SET, as_of=50)
    assert (result.status, result.first_met) == ("ta-tma", day(42))
    assert result.criteria_met == expected.criteria_met
    assert result.high_risk_features == expected.high_risk_features
    assert [e.value for e in result.evidence] == [e.value for e in expected.evidence]
