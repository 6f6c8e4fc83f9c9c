"""Properties of the study on random treated cohorts (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.study.hand_cohort import treated
from thrombo.analytics.cohort import StudyPatient
from thrombo.analytics.study import StudyOptions, build_study

OPTIONS = StudyOptions("harmonized-2023")


@st.composite
def course(draw: st.DrawFn, index: int) -> StudyPatient:
    follow_up = draw(st.integers(1, 400))
    died = draw(st.booleans())
    resolved = draw(st.none() | st.integers(0, follow_up))
    return treated(f"P{index:03d}", resolved, follow_up if died else None,
                   None if died else follow_up)


cohorts = st.integers(1, 25).flatmap(
    lambda n: st.tuples(*(course(i) for i in range(n))).map(list))


@settings(max_examples=40, deadline=None)
@given(cohorts)
def test_endpoints_are_consistent(patients: list[StudyPatient]) -> None:
    """Flow never grows; the exact CI holds the rate; the day-28 cumulative incidence is at least
    the intention-to-treat rate (censoring before day 28 only moves mass towards resolution) or
    is reported not estimable; the input hash does not depend on the order of the patients."""
    results = build_study(patients, OPTIONS)
    counts = [s.n for s in results.flow]
    assert counts == sorted(counts, reverse=True)
    rate = results.resolution_by_day_28
    assert rate is not None and rate.n == len(patients)
    assert rate.ci_low <= rate.rate <= rate.ci_high
    cif = results.cif_resolution
    assert cif is not None
    if cif.landmark is None:
        # Nobody followed to day 28: not estimable, and said so.
        assert max(cif.estimate.times) < 28
        assert any("nobody was followed to day 28" in w for w in results.warnings)
    else:
        assert cif.landmark.estimate >= rate.rate - 1e-12
    os = results.overall_survival
    assert os is not None and all(0 <= s <= 1 for s in os.curve.survival)
    shuffled = build_study(list(reversed(patients)), OPTIONS)
    assert shuffled.input_sha256 == results.input_sha256
