"""The study on the hand-built cohort of tests/unit/study/hand_cohort.py, checked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import orjson
import pytest

from tests.unit.study.hand_cohort import day, hand_cohort, ten_treated, treated
from thrombo.analytics.cohort import StudyPatient
from thrombo.analytics.study import HistoricalControl, StudyOptions, build_study
from thrombo.errors import ImplausibleValueError

OPTIONS = StudyOptions("harmonized-2023")


def test_resolution_by_day_28_is_six_of_ten_with_the_exact_interval() -> None:
    """Resolved on or before day 28: T01 (10), T02 (14), T03 (14), T04 (21), T05 (28), T06 (20)
    = 6; T07 resolves on day 35, T08 and T10 die unresolved, T09 is alive unresolved: 6/10.

    Clopper-Pearson 95% for 6/10: lower = Beta^-1(0.025; 6, 5) = 0.2624, upper =
    Beta^-1(0.975; 7, 4) = 0.8784 (the tabulated exact limits for 6/10, e.g. Geigy Scientific
    Tables / Documenta Geigy binomial confidence table: 26.2%-87.8%).
    """
    result = build_study(hand_cohort(), OPTIONS).to_json()["resolution_by_day_28"]
    assert isinstance(result, dict)
    assert (result["k"], result["n"], result["rate"]) == (6, 10, 0.6)
    assert result["ci_low"] == pytest.approx(0.2624, abs=1e-4)
    assert result["ci_high"] == pytest.approx(0.8784, abs=1e-4)
    assert result["method"] == "clopper-pearson"


def test_six_month_survival_by_hand() -> None:
    """Kaplan-Meier from defibrotide start. Deaths: T08 day 15, T10 day 100, T03 day 150;
    censored: T09 day 60, T05 day 90, the rest beyond 183.

    Day 15: 10 at risk, 1 death -> S = 9/10. Day 100: 7 at risk (T08 dead, T09 and T05
    censored) -> S = 0.9 * 6/7. Day 150: 6 at risk -> S = 0.9 * 6/7 * 5/6 = 9/14 = 0.642857,
    which holds at day 183.

    Log-log CI (Greenwood): sum d/(n(n-d)) = 1/90 + 1/42 + 1/30 = 0.0682540;
    log S = -0.441833; se of log(-log S) = sqrt(0.068254)/0.441833 = 0.591298;
    limits exp(-exp(log(-log S) -/+ 1.959964 * 0.591298)) = 0.24466 and 0.87053.
    """
    result = build_study(hand_cohort(), OPTIONS).to_json()["overall_survival_6_months"]
    assert isinstance(result, dict)
    assert result["time"] == 183
    assert result["estimate"] == pytest.approx(9 / 14, abs=1e-12)
    assert result["ci_low"] == pytest.approx(0.24466, abs=2e-5)
    assert result["ci_high"] == pytest.approx(0.87053, abs=2e-5)
    assert result["method"] == "kaplan-meier, log-log CI"


def test_cumulative_incidence_at_day_28_equals_the_rate_without_early_censoring() -> None:
    """Aalen-Johansen, death as competing event. Day 10: 1/10 -> F = 0.1, S = 0.9; day 14: 2 of
    9 -> F = 0.3, S = 0.7; day 15 death: S = 0.6; day 20: F = 0.3 + 0.6/6 = 0.4, S = 0.5;
    day 21: F = 0.5, S = 0.4; day 28: F = 0.5 + 0.4/4 = 0.6. Nobody is censored before day 28,
    so F(28) equals the binary rate 6/10.
    """
    cif = build_study(hand_cohort(), OPTIONS).to_json()["cif_resolution"]
    assert isinstance(cif, dict) and isinstance(cif["day_28"], dict)
    assert cif["day_28"]["estimate"] == pytest.approx(0.6, abs=1e-12)
    assert cif["events"] == {"1": "resolution", "2": "death"}


def test_flow_counts_and_reasons() -> None:
    flow = build_study(hand_cohort(), OPTIONS).to_json()["flow"]
    assert isinstance(flow, list)
    assert [(s["step"], s["n"]) for s in flow] == [  # type: ignore[index,call-overload]
        ("screened", 15), ("eligible", 13), ("diagnosed", 11), ("treated", 10),
        ("evaluable", 10)]
    reasons = {e["reason"]: e["n"] for s in flow for e in s["excluded"]}  # type: ignore[index]
    assert reasons == {
        "no allogeneic HSCT recorded": 1, "age outside 0 to under 18 years": 1,
        "no TA-TMA by harmonized-2023": 1,
        "TA-TMA undecided by harmonized-2023 (insufficient data)": 1,
        "defibrotide not started": 1}


def test_organ_recovery_bleeding_and_adverse_events() -> None:
    """Either organ recovered: T01, T02, T04, T07 = 4/10; renal 3 of 5 involved; neurological 2
    of 3. Major bleeding: T04's grade 3 GI hemorrhage = 1/10. T01's hypotension counts once at
    its worst grade (2); T05's grade 3 hypotension was before defibrotide and is not counted.
    """
    doc = build_study(hand_cohort(), OPTIONS).to_json()
    organ, bleeding = doc["organ_recovery"], doc["major_bleeding"]
    assert isinstance(organ, dict) and isinstance(bleeding, dict)
    assert (organ["k"], organ["n"]) == (4, 10)
    assert (organ["renal"]["k"], organ["renal"]["n"]) == (3, 5)  # type: ignore[index,call-overload]
    assert (organ["neurological"]["k"], organ["neurological"]["n"]) == (2, 3)  # type: ignore[index,call-overload]
    assert (bleeding["k"], bleeding["n"]) == (1, 10)
    assert doc["adverse_events"] == [
        {"event": "diarrhea", "grade": 1, "patients": 1},
        {"event": "gastrointestinal hemorrhage", "grade": 3, "patients": 1},
        {"event": "hypotension", "grade": 1, "patients": 1},
        {"event": "hypotension", "grade": 2, "patients": 1}]
    assert any("from memory, unverified" in w for w in doc["warnings"])  # type: ignore[union-attr]


def test_interface_keys_and_json_round_trip() -> None:
    doc = build_study(hand_cohort(), OPTIONS).to_json()
    for key in ("rules", "n_treated", "time_origin", "flow", "resolution_by_day_28",
                "overall_survival_6_months", "organ_recovery", "major_bleeding",
                "adverse_events", "cif_resolution", "overall_survival", "comparisons",
                "warnings", "input_sha256"):
        assert key in doc
    assert doc["n_treated"] == 10 and doc["time_origin"] == "treatment-start"
    assert doc["rules"]["name"] == "harmonized-2023"  # type: ignore[index,call-overload]
    assert orjson.loads(orjson.dumps(doc)) == doc


def test_input_hash_ignores_order_and_sees_changes() -> None:
    patients = hand_cohort()
    first = build_study(patients, OPTIONS).input_sha256
    assert build_study(list(reversed(patients)), OPTIONS).input_sha256 == first
    changed = [replace(patients[0], death_date=day(300)), *patients[1:]]
    assert build_study(changed, OPTIONS).input_sha256 != first


def test_historical_control_comparisons() -> None:
    """Exact binomial test, 6/10 against p0 = 0.3, one-sided: P(X >= 6 | 10, 0.3) = 0.047349.
    One-sample log-rank against S(183) = 0.5 (constant hazard log 2/183 per day): E = sum of
    follow-up * log 2 / 183 = (200+200+150+250+90+200+300+15+60+100) * 0.0037877 = 5.9277.
    """
    control = HistoricalControl("hand check", resolution_rate=0.3, survival_6_months=0.5)
    doc = build_study(hand_cohort(), replace(OPTIONS, control=control)).to_json()
    comparisons = doc["comparisons"]
    assert isinstance(comparisons, dict)
    binomial, logrank = comparisons["resolution_vs_control"], comparisons["survival_vs_control"]
    assert isinstance(binomial, dict) and isinstance(logrank, dict)
    assert binomial["p_value"] == pytest.approx(0.047349, abs=1e-6)
    assert logrank["observed"] == 3
    assert logrank["expected"] == pytest.approx(5.9277, abs=1e-4)
    design = doc["design"]
    assert isinstance(design, dict) and design["p0"] == 0.3 and design["p1"] == 0.6


def test_diagnosis_as_time_origin_shifts_follow_up_by_two_days() -> None:
    """Diagnosis is two days before defibrotide start: T05's resolution (day 28 of treatment)
    is day 30 from diagnosis, so 5/10 resolve within 28 days of diagnosis."""
    doc = build_study(hand_cohort(), replace(OPTIONS, time_origin="diagnosis")).to_json()
    assert doc["time_origin"] == "diagnosis"
    assert doc["resolution_by_day_28"]["k"] == 5  # type: ignore[index,call-overload]


def test_small_counts_suppressed_on_request() -> None:
    doc = build_study(hand_cohort(), replace(OPTIONS, suppress_below=3)).to_json()
    assert doc["suppress_below"] == 3
    bleeding = doc["major_bleeding"]
    assert isinstance(bleeding, dict)
    assert bleeding["k"] is None and bleeding["rate"] is None and bleeding["suppressed"] is True
    assert all(r["patients"] is None for r in doc["adverse_events"])  # type: ignore[index,union-attr]
    flow = doc["flow"]
    # Every exclusion (1 or 2 patients) is hidden; so are "treated" and "evaluable" (10), since
    # diagnosed 11 minus treated would give the hidden "defibrotide not started" back
    # (complementary suppression); the counts no subtraction reaches stay shown.
    assert all(e["n"] is None for s in flow for e in s["excluded"])  # type: ignore[index,union-attr]
    assert [(s["step"], s["n"]) for s in flow] == [  # type: ignore[index,call-overload]
        ("screened", 15), ("eligible", 13), ("diagnosed", 11), ("treated", None),
        ("evaluable", None)]
    survival = doc["overall_survival"]
    assert isinstance(survival, dict) and survival["suppressed"] is True
    # No curve, at-risk table or median day (each a patient's time); the 6-month estimate stays.
    assert survival["curve"] is None and survival["at_risk"] is None
    assert survival["median"] is None
    shown = build_study(hand_cohort(), OPTIONS).to_json()["overall_survival"]
    assert survival["landmark"] == shown["landmark"]  # type: ignore[index,call-overload]


def test_everyone_dead_before_six_months_gives_zero_survival() -> None:
    patients = [treated(f"D{i}", None, 20 + i, None) for i in range(3)]
    doc = build_study(patients, OPTIONS).to_json()
    assert doc["overall_survival_6_months"]["estimate"] == 0.0  # type: ignore[index,call-overload]


def test_short_follow_up_is_reported_not_hidden() -> None:
    patients = [*ten_treated()[:8], treated("X1", None, None, 10)]
    doc = build_study(patients, OPTIONS).to_json()
    assert any("follow-up shorter than 28 days" in w for w in doc["warnings"])  # type: ignore[union-attr]


def test_no_treated_patient_gives_empty_endpoints() -> None:
    doc = build_study([StudyPatient("S1", age_years=3.0, hsct_date=date(2025, 1, 1))],
                      OPTIONS).to_json()
    assert doc["n_treated"] == 0 and doc["resolution_by_day_28"] is None
    assert doc["overall_survival_6_months"] is None


@pytest.mark.parametrize("change", [
    {"resolution_date": date(2024, 12, 1)},          # resolution before treatment start
    {"death_date": day(5), "resolution_date": day(10)},  # resolution after death
    {"age_years": -1.0},
    {"last_contact_date": day(40), "death_date": day(30)},
])
def test_implausible_patients_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ImplausibleValueError):
        replace(treated("R1", None, None, 100), **change)  # type: ignore[arg-type]


def test_duplicate_patients_are_refused() -> None:
    with pytest.raises(ImplausibleValueError, match="twice"):
        build_study([*ten_treated(), ten_treated()[0]], OPTIONS)


def test_resolved_by_day_28_property_counts_day_28() -> None:
    assert treated("E1", 28, None, 100).resolved_by_day_28
    assert not treated("E2", 29, None, 100).resolved_by_day_28
