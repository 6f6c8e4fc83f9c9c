"""Property-based checks of the dosing and physiology layers (hypothesis)."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from thrombo.dosing.corticosteroids import (
    DEXAMETHASONE_MAX_MG_PER_DAY,
    PREDNISONE_MAX_MG_PER_DAY,
    dexamethasone,
    prednisone,
)
from thrombo.dosing.cytotoxics import VINCRISTINE_MAX_MG, vincristine
from thrombo.dosing.defibrotide import defibrotide
from thrombo.dosing.eculizumab import eculizumab
from thrombo.dosing.eltrombopag import MAX_MG_PER_DAY, eltrombopag, eltrombopag_titration
from thrombo.dosing.immunoglobulins import ivig
from thrombo.dosing.inputs import Ancestry, DoseInputs
from thrombo.dosing.recommendation import DoseRefusedError
from thrombo.dosing.registry import recommend
from thrombo.dosing.romiplostim import MAX_MCG_PER_KG, romiplostim_dose, romiplostim_titration
from thrombo.dosing.weight_checks import WeightNotConfirmedError, check_weight
from thrombo.errors import ImplausibleValueError
from thrombo.physiology._tables import read_table
from thrombo.physiology.blood_pressure import bp_threshold
from thrombo.physiology.body import BsaFormula, body_surface_area
from thrombo.physiology.growth import (
    height_percentile,
    lms_value_at_z,
    weight_lms_at,
    weight_table_months,
)
from thrombo.physiology.renal import bedside_schwartz, ckid_u25_creatinine

weights = st.floats(min_value=0.5, max_value=250.0, allow_nan=False)
heights = st.floats(min_value=45.0, max_value=220.0, allow_nan=False)
weight_pairs = st.tuples(weights, weights).map(sorted)


@given(weights, heights)
def test_doses_never_exceed_caps(weight: float, height: float) -> None:
    assert dexamethasone(DoseInputs(weight_kg=weight)).dose.value <= DEXAMETHASONE_MAX_MG_PER_DAY
    pred = prednisone(DoseInputs(weight_kg=weight))
    assert pred.dose.value <= PREDNISONE_MAX_MG_PER_DAY
    assert pred.range is not None
    assert pred.range.high <= PREDNISONE_MAX_MG_PER_DAY
    for regimen in ("standard", "combination"):
        plan = vincristine(DoseInputs(weight_kg=weight, height_cm=height, regimen=regimen))
        assert plan.dose.value <= VINCRISTINE_MAX_MG


@given(st.floats(min_value=1, max_value=5.99), weights, st.sampled_from(list(Ancestry)))
def test_eltrombopag_petit2_never_exceeds_75(age: float, weight: float, ancestry: Ancestry) -> None:
    plan = eltrombopag(DoseInputs(age_years=age, weight_kg=weight, ancestry=ancestry,
                                  regimen="petit2"))  # fmt: skip
    assert plan.dose.value <= MAX_MG_PER_DAY
    assert plan.practical.get("tablet_dose_mg", 0) <= MAX_MG_PER_DAY
    # Tablets only within 10% of the dose; otherwise the suspension measures the dose itself.
    if "tablet_dose_mg" in plan.practical:
        assert abs(plan.practical["tablet_dose_mg"] / plan.dose.value - 1) <= 0.10
    suspension = plan.practical["suspension"]
    assert abs(suspension["dose_ml"] * suspension["concentration_mg_per_ml"]
               - plan.dose.value) <= 0.05 * suspension["concentration_mg_per_ml"] + 1e-9


@given(st.sampled_from([12.5 * k for k in range(1, 7)]), st.floats(0, 2000), st.floats(0, 20))
def test_eltrombopag_titration_stays_within_tablets_and_cap(
    dose: float, platelets: float, weeks: float
) -> None:
    advice = eltrombopag_titration(dose, platelets, weeks)
    if advice.next_dose is not None:
        assert 12.5 <= advice.next_dose <= MAX_MG_PER_DAY
        assert advice.next_dose % 12.5 == 0


@given(st.integers(1, 10), st.floats(0, 2000), st.integers(0, 5), st.floats(0, 10))
def test_romiplostim_titration_never_exceeds_10(
    current: int, platelets: float, weeks_above: int, weeks: float
) -> None:
    advice = romiplostim_titration(current, platelets, weeks_above, weeks)
    if advice.next_dose is not None:
        assert 0 < advice.next_dose <= MAX_MCG_PER_KG


@given(weights, st.floats(min_value=0.1, max_value=10))
def test_romiplostim_volume_never_delivers_above_10_mcg_kg(weight: float, per_kg: float) -> None:
    try:
        prep = romiplostim_dose(weight, per_kg)
    except DoseRefusedError:
        # Refused only when no 0.01 mL volume at 125 ug/mL can be drawn (I6 [Design]).
        assert round(per_kg * weight / 125, 2) == 0 or per_kg * weight < 1.25
        return
    assert prep.volume_ml * prep.concentration_mcg_per_ml <= MAX_MCG_PER_KG * weight + 1e-9


@given(weight_pairs)
def test_weight_based_doses_non_decreasing(pair: list[float]) -> None:
    lighter, heavier = (DoseInputs(weight_kg=w) for w in pair)
    assert defibrotide(lighter).dose.value <= defibrotide(heavier).dose.value
    assert dexamethasone(lighter).dose.value <= dexamethasone(heavier).dose.value
    assert prednisone(lighter).dose.value <= prednisone(heavier).dose.value
    assert ivig(lighter).dose.value <= ivig(heavier).dose.value
    if pair[0] >= 5:
        assert eculizumab(lighter).dose.value <= eculizumab(heavier).dose.value


@given(weight_pairs, heights, st.sampled_from(list(BsaFormula)))
def test_bsa_rises_with_weight(pair: list[float], height: float, formula: BsaFormula) -> None:
    low, high = (body_surface_area(w, height, formula).value_m2 for w in pair)
    assert low <= high


@given(weights, st.tuples(heights, heights).map(sorted))
def test_bsa_rises_with_height(weight: float, pair: list[float]) -> None:
    low, high = (body_surface_area(weight, h).value_m2 for h in pair)
    assert low <= high


@given(heights, st.tuples(st.floats(0.1, 15), st.floats(0.1, 15)).map(sorted))
def test_egfr_falls_as_creatinine_rises(height: float, scr: list[float]) -> None:
    assert bedside_schwartz(height, scr[0]).value >= bedside_schwartz(height, scr[1]).value


@given(
    st.sampled_from(["M", "F"]), heights, st.tuples(st.floats(1, 25), st.floats(1, 25)).map(sorted)
)
def test_ckid_u25_rises_with_age_at_fixed_height_and_creatinine(
    sex: str, height: float, ages: list[float]
) -> None:
    """K rises with age in both sexes (Pierce 2021: 35.7 -> 50.8 male, 33.1 -> 41.4 female)."""
    young, old = (ckid_u25_creatinine(a, sex, height, 0.6).value for a in ages)
    assert young <= old + 1e-9


@given(st.sampled_from(["M", "F"]), st.floats(1, 17.99), st.floats(1, 99),
       st.sampled_from(["fourth-report-2004", "aap-2017"]))  # fmt: skip
def test_bp_threshold_monotone_in_bp_percentile(
    sex: str, age: float, height_pct: float, source: str
) -> None:
    from thrombo.physiology.blood_pressure import BpSource

    src = BpSource(source)
    percentiles = (50, 90, 95, 99) if src is BpSource.FOURTH_REPORT_2004 else (50, 90, 95)
    values = [bp_threshold(sex, age, height_pct, p, src) for p in percentiles]
    sbp = [v.sbp_mmhg for v in values if v is not None]
    dbp = [v.dbp_mmhg for v in values if v is not None]
    assert sbp == sorted(sbp)
    assert dbp == sorted(dbp)


@settings(max_examples=50)
@given(st.sampled_from(read_table("cdc2000_stature_for_age.csv")))
def test_tabulated_p50_height_is_the_50th_percentile(row: dict[str, str]) -> None:
    sex = "M" if row["Sex"] == "1" else "F"
    assert abs(height_percentile(float(row["P50"]), float(row["Agemos"]), sex) - 50.0) < 1e-6


ages = st.floats(min_value=0.0, max_value=30.0, allow_nan=False)
sexes = st.sampled_from(["M", "F"])


def _chart_weight(age_years: float, sex: str, z: float) -> float:
    """The CDC 2000 weight-for-age at z (the 20-year row beyond 20 years, as the check does)."""
    first, last = weight_table_months(sex)
    months = min(max(age_years * 12, first), last)
    return lms_value_at_z(z, weight_lms_at(months, sex))


@given(ages, sexes, st.floats(min_value=-3.0, max_value=3.0))
def test_weights_within_3_sd_for_age_are_never_questioned(age: float, sex: str, z: float) -> None:
    """Issue 17 finding 6: a weight inside +-3 SD of the CDC 2000 chart is dosed without a query."""
    weight = _chart_weight(age, sex, z)
    if not 0.3 <= weight <= 250:
        return
    check = check_weight(weight, age_years=age, sex=sex)
    assert check.questions == ()
    plan = recommend("defibrotide", DoseInputs(weight_kg=weight, age_years=age, sex=sex))
    assert plan.inputs["weight_check"]["questioned"] is False


@given(st.floats(min_value=1 / 12, max_value=30.0), sexes, st.sampled_from([10.0, 0.1]))
def test_tenfold_slips_of_a_typical_weight_never_dose_unconfirmed(
    age: float, sex: str, slip: float
) -> None:
    """Issue 17 finding 6: the median weight for age typed x10 or /10 (from 1 month of age) is
    refused as implausible or questioned; confirmed, the dose carries the warning first."""
    weight = _chart_weight(age, sex, 0.0) * slip
    inputs = DoseInputs(weight_kg=weight, age_years=age, sex=sex)
    try:
        recommend("defibrotide", inputs)
    except WeightNotConfirmedError:
        confirmed = recommend("defibrotide", replace(inputs, confirm_weight=True))
        assert confirmed.warnings[0].startswith("WEIGHT CONFIRMED")
        assert confirmed.inputs["weight_check"]["confirmed"] is True
    except ImplausibleValueError:
        assert not 0.3 <= weight <= 250
    else:
        raise AssertionError(f"{weight:g} kg at {age:g} y ({sex}) was dosed without a query")
