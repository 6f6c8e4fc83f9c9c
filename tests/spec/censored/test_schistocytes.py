"""Censored schistocyte counts ("<1 %", ">2 %", "<2/HPF"): decided by interval logic.

A smear reported "<1 %" means the true fraction lies below 1 %: it may be 0 (absent) or 0.5 %
(present). interface.md 1.1 (issue 17 finding 22): a criterion on a censored result is met when
every value it allows passes, not met when none does, and indeterminate otherwise; before, the
resolution rule read "<2/HPF" as exactly 2/HPF (not cleared).

Thresholds and sources (clinical-reference.md):
- A1 harmonized 2023 [S-2nd]: schistocytes "present" (no count): any count above 0.
- A3 BMT CTN 2005 [S-2nd]: >= 2 schistocytes per high-power field.
- A4 IWG 2007: > 4 % (unverified) or > 8/HPF [S-2nd].
- A8 resolution [Design] (I9, unverified): cleared = absent, or < 2/HPF; a % clears only at 0.
Patient for diagnosis: girl born 2016-06-01, transplant 2026-01-01 (day 0), smear on day +40.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.unit.itp.timeline_tables import day as itp_day
from tests.unit.itp.timeline_tables import timeline as itp_timeline
from thrombo.domain.quantities import Quantity, parse_censored
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.response.tma import TmaOptions, assess_tma
from thrombo.rules.evaluate import PatientEvaluator
from thrombo.rules.registry import criteria_set

HSCT = date(2026, 1, 1)
SMEAR_DAY = 40


def smear(result: str, unit: str) -> PatientTimeline:
    """One schistocyte count on day +40 at 08:00, reported as `result` (e.g. '<1') in `unit`."""
    comparator, number = parse_censored(result)
    when = datetime.combine(HSCT + timedelta(days=SMEAR_DAY), time(8), tzinfo=UTC)
    obs = Observation("o1", "P01", "schistocytes", when,
                      quantity=Quantity(float(number), unit, comparator))
    child = Patient("P01", date(2016, 6, 1), "F", hsct_date=HSCT,
                    neutrophil_engraftment_date=HSCT + timedelta(days=20),
                    platelet_engraftment_date=HSCT + timedelta(days=25))
    return PatientTimeline.build(child, [obs])


DIAGNOSIS = [
    # criteria set, result, unit, expected outcome of the schistocyte criterion
    ("harmonized-2023", "<1", "%", "indeterminate"),   # may be 0 (absent) or 0.5 % (present)
    ("harmonized-2023", ">2", "%", "met"),             # every value above 2 % is above 0
    ("harmonized-2023", "<=0", "%", "not_met"),        # nothing above 0: absent
    ("bmtctn-2005", "<2", "/[HPF]", "not_met"),        # every value below 2: never >= 2
    ("bmtctn-2005", "<=2", "/[HPF]", "indeterminate"),  # may be exactly 2 (met) or 1 (not)
    ("bmtctn-2005", ">=2", "/[HPF]", "met"),           # every value >= 2
    ("bmtctn-2005", ">1", "/[HPF]", "indeterminate"),  # 1.5 or 3
    ("iwg-2007", ">4", "%", "met"),                    # every value above 4 %
    ("iwg-2007", ">=4", "%", "indeterminate"),         # exactly 4 % is not > 4 %
    ("iwg-2007", "<=4", "%", "not_met"),               # never above 4 %
    ("iwg-2007", "<5", "%", "indeterminate"),          # 4.5 % or 3 %
]


@pytest.mark.parametrize(("criteria", "result", "unit", "expected"), DIAGNOSIS,
                         ids=[f"{c} {r}{u}" for c, r, u, _ in DIAGNOSIS])
def test_schistocyte_criterion_on_a_censored_count(criteria: str, result: str, unit: str,
                                                   expected: str) -> None:
    chosen = criteria_set(criteria)
    named = chosen.criterion("schistocytes")
    evaluator = PatientEvaluator.of(smear(result, unit), chosen)
    day40 = HSCT + timedelta(days=SMEAR_DAY)
    assert evaluator.named(named, day40).outcome.value == expected


# Resolution: the child of tests/spec/response/test_tma_resolution.py (defibrotide from day 0,
# schistocytes present before), with one smear on day 10, judged on day 40.
RESOLUTION = [
    # result, unit, option, state of the schistocyte component on day 10, shown in the note
    ("<2", "/[HPF]", "absent-or-below-2-per-hpf", True, "<2/HPF < 2/HPF"),
    ("<=2", "/[HPF]", "absent-or-below-2-per-hpf", None, "<=2/HPF may or may not be < 2/HPF"),
    (">=2", "/[HPF]", "absent-or-below-2-per-hpf", False, ">=2/HPF >= 2/HPF"),
    ("<2", "/[HPF]", "absent", None, "<2 /[HPF]: censored, may or may not be absent"),
    ("<1", "%", "absent-or-below-2-per-hpf", None, "<1 %: censored, may or may not be absent"),
    (">2", "%", "absent-or-below-2-per-hpf", False, ">2 %; cleared means absent"),
    ("<=0", "%", "absent", True, "<=0 %: absent"),
]


@pytest.mark.parametrize(("result", "unit", "option", "state", "note"), RESOLUTION,
                         ids=[f"{r}{u} {o}" for r, u, o, _, _ in RESOLUTION])
def test_schistocytes_cleared_by_interval_logic(result: str, unit: str, option: str,
                                                state: bool | None, note: str) -> None:
    tl = itp_timeline(f"0 schistocytes present\n10 schistocytes {result} unit={unit}",
                      "0 defibrotide end=20", hsct=-30)
    response = assess_tma(tl, itp_day(40), TmaOptions(schistocytes=option))  # type: ignore[arg-type]
    assert response is not None
    (shown,) = [e for e in response.evidence if e.rule == "tma-resolution-000: schistocytes"]
    assert shown.note.startswith(note)
    cleared_on = response.to_json()["components"]["schistocytes"]
    assert cleared_on == (itp_day(10).isoformat() if state else None)
