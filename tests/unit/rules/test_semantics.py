"""The evaluation semantics of model.py's glossary, piece by piece."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.compare import disagreements
from thrombo.rules.decide import Answer, baseline_value, compare, decide_all
from thrombo.rules.model import (
    Baseline,
    FallFromBaseline,
    Fixed,
    KOfN,
    Presence,
    Threshold,
)
from thrombo.rules.screening_results import Outcome, ScreeningResult, SetResult, count_outcome

M, N, U = Outcome.MET, Outcome.NOT_MET, Outcome.INDETERMINATE
DAY0 = date(2026, 1, 1)


@pytest.mark.parametrize(("k", "outcomes", "expected"), [
    (2, [M, M, N], M), (2, [M, N, N], N), (2, [M, U, N], U), (1, [], N), (0, [], M),
    (4, [M, M, M, U, U, N, N], U), (4, [M, M, M, U, N, N, N], U), (4, [M, M, N, U, N, N, N], N),
])
def test_k_of_n_is_three_valued(k: int, outcomes: list[Outcome], expected: Outcome) -> None:
    assert count_outcome(k, outcomes) is expected


@pytest.mark.parametrize(("op", "low", "high", "expected"), [
    (">", 121, 127, Answer.UNKNOWN), (">", 110, 120, Answer.YES), (">", 130, 140, Answer.NO),
    (">=", 124, 124, Answer.YES), (">", 124, 124, Answer.NO),
])
def test_bounded_limits(op: str, low: float, high: float, expected: Answer) -> None:
    assert compare(124.0, op, low, high) is expected  # type: ignore[arg-type]


def _timeline(values: list[tuple[int, float]], **dates: date) -> PatientTimeline:
    who = Patient("P", date(2016, 1, 1), "F", hsct_date=DAY0, **dates)  # type: ignore[arg-type]
    obs = [
        Observation(f"o{i}", "P", "platelets",
                    datetime.combine(DAY0 + timedelta(days=d), time(8), tzinfo=UTC),
                    quantity=Quantity(v, "10*9/L"))
        for i, (d, v) in enumerate(values)
    ]
    return PatientTimeline.build(who, obs)


def test_baseline_statistics_use_only_earlier_values_on_the_anchor_side() -> None:
    tl = _timeline([(10, 300.0), (22, 100.0), (26, 180.0), (30, 120.0), (40, 50.0)],
                   platelet_engraftment_date=DAY0 + timedelta(days=20))
    last = tl.of("platelets")[-1]
    after = "platelet_engraftment"
    assert baseline_value(tl, last, Baseline("max", anchor=after)) == 180.0
    assert baseline_value(tl, last, Baseline("first", anchor=after)) == 100.0
    assert baseline_value(tl, last, Baseline("last")) == 120.0
    assert baseline_value(tl, last, Baseline("median", lookback_days=15)) == 150.0
    assert baseline_value(tl, last, Baseline("last", anchor=after, side="before")) == 300.0
    first = tl.of("platelets")[0]
    assert baseline_value(tl, first, Baseline("max")) is None


def test_missing_anchor_date_leaves_the_baseline_unknown() -> None:
    tl = _timeline([(22, 100.0), (40, 50.0)])
    assert baseline_value(tl, tl.of("platelets")[-1],
                          Baseline("max", anchor="platelet_engraftment")) is None


def test_an_observation_without_baseline_is_skipped_not_negative() -> None:
    tl = _timeline([(22, 100.0)])
    test = FallFromBaseline(Baseline("max"), fraction=0.5)
    assert decide_all(tl, tl.of("platelets")[0], (test,)).answer is Answer.SKIP


def test_tests_on_the_wrong_kind_of_result_do_not_apply() -> None:
    tl = _timeline([(22, 100.0)])
    obs = tl.of("platelets")[0]
    assert decide_all(tl, obs, (Presence(),)).answer is Answer.UNKNOWN
    both = (Presence(), Threshold("<", Fixed(150.0, "10*9/L")))
    assert decide_all(tl, obs, both).answer is Answer.YES
    other_unit = (Threshold("<", Fixed(150.0, "%"), unit="%"),)
    assert decide_all(tl, obs, other_unit).answer is Answer.UNKNOWN


def test_k_of_n_lists_its_criteria_names() -> None:
    rule = KOfN(2, ("a", KOfN(1, ("b", "c")), "d"))
    assert rule.names() == ("a", "b", "c", "d")


def _result(pid: str, status: str, first: date | None) -> ScreeningResult:
    return ScreeningResult(pid, status, first, False, (), (), None, (), (), first)  # type: ignore[arg-type]


def test_disagreements_list_patients_whose_status_or_date_differs() -> None:
    a = SetResult({"name": "a"}, DAY0, (_result("P1", "ta-tma", DAY0),
                                        _result("P2", "no-ta-tma", None)), ())
    b = SetResult({"name": "b"}, DAY0, (_result("P1", "insufficient-data", None),
                                        _result("P2", "no-ta-tma", None)), ())
    assert disagreements([a, b]) == [{"patient_id": "P1",
                                      "status": {"a": "ta-tma", "b": "insufficient-data"},
                                      "first_met": {"a": "2026-01-01", "b": None}}]


def test_patient_json_has_the_interface_fields() -> None:
    doc = _result("P1", "ta-tma", DAY0).to_json()
    assert set(doc) >= {"patient_id", "status", "first_met", "active", "criteria_met",
                        "criteria_indeterminate", "high_risk", "high_risk_features", "evidence"}
    assert doc["first_met"] == "2026-01-01"
