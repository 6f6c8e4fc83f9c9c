"""The latest result behind each criterion not met or undecided, and the limit it was compared
with, agree on every engine (issue 17: the limit must travel with not-met and indeterminate
results; tests/spec/results/test_latest_results.py states the cases for a clinician).

Asked on day +12 after a transplant on 2026-01-01, harmonized-2023 and jodele-2014:
- P1, girl of 9: LDH 300 U/L with the laboratory's ULN 320 (limit 320), sC5b-9 190 ng/mL with
  no range (no limit: indeterminate), rUPCR 0.2 mg/mg (the set's 1 mg/mg).
- P2, boy born 2016-01-13, LDH 300 U/L without a range on day +11 (2026-01-12, the eve of his
  10th birthday; 3652 days): published ULN 321 for 1-9 years (E5), not above it.
- P3, girl born 2021-01-13, 5 years old on day +12 (her birthday), Hb 11.6 g/dL that day:
  jodele-2014 anaemia compares it with the WHO cut-off for 5-11 years, 11.5 g/dL (E5), from
  the birthday itself: not below it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.spec.screening.tables import day, patient, timeline
from thrombo.engines.latest_sql import LatestResults
from thrombo.engines.on_tables import OnTables
from thrombo.engines.reference import ReferenceEngine
from thrombo.rules.registry import criteria_set

COHORT = [
    timeline("""
    day | analyte | value | unit   | ref_high
    10  | ldh     | 300   | U/L    | 320
    10  | sc5b9   | 190   | ng/mL  |
    11  | upcr    | 0.2   | mg/mg  |
    """, who=patient("P1", birth_date=date(2016, 6, 1), sex="F")),
    timeline("""
    day | analyte | value | unit
    11  | ldh     | 300   | U/L
    """, who=patient("P2", birth_date=date(2016, 1, 13), sex="M")),
    timeline("""
    day | analyte    | value | unit
    12  | hemoglobin | 11.6  | g/dL
    """, who=patient("P3", birth_date=date(2021, 1, 13), sex="F")),
]
ASKED = [(t.patient_id, day(12)) for t in COHORT]
AS_OF = date(2200, 1, 1)

EXPECTED: dict[str, dict[tuple[str, str], tuple[str, float | None]]] = {
    "harmonized-2023": {
        ("P1", "ldh"): ("P1-o0", 320.0),
        ("P1", "sc5b9"): ("P1-o1", None),
        ("P1", "proteinuria"): ("P1-o2", 1.0),
        ("P2", "ldh"): ("P2-o0", 321.0),
    },
    "jodele-2014": {("P3", "anemia"): ("P3-o0", 11.5)},
}


def _answers(engine: Any, name: str) -> dict[tuple[str, str], tuple[str, float | None]]:
    found: LatestResults = engine.latest(COHORT, ASKED, criteria_set(name), AS_OF)
    return {(pid, criterion): v for (pid, _), row in found.items() for criterion, v in row.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_shows_the_hand_checked_limits(name: str) -> None:
    got = _answers(ReferenceEngine(), name)
    assert {k: got[k] for k in EXPECTED[name]} == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_duckdb_agrees_with_the_reference(duckdb_engine: Any, name: str) -> None:
    assert _answers(OnTables(duckdb_engine), name) == _answers(ReferenceEngine(), name)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spark_agrees_with_the_reference(spark_engine: Any, name: str) -> None:
    assert _answers(OnTables(spark_engine), name) == _answers(ReferenceEngine(), name)
