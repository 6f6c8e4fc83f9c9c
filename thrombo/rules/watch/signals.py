"""The watch list's signals: named rules in the declarative criteria model (model.py).

Each signal is a `Named` criterion, and the signals together form a `CriteriaSet` named
`tma-watch` (rule: any one signal; window: the signal window; one time point), so the reference
evaluator and the SQL engines run them exactly as they run the diagnostic criteria. The levels
(none, watch, alert) are counted from the signals' daily outcomes in `thrombo.rules.watch.watch`.

Early markers: elevated LDH, proteinuria on routine urinalysis and hypertension come first
(Jodele 2014, clinical-reference.md A2 [S]); thresholds from A1 (harmonized 2023) and A2;
everything that makes a marker early is [Design] (see `options.py`).
"""

from __future__ import annotations

from thrombo.rules.model import (
    AllTests,
    AnyOf,
    Baseline,
    BaselineThreshold,
    BloodPressure,
    CriteriaSet,
    EventOccurred,
    FallFromBaseline,
    Fixed,
    KOfN,
    Lab,
    LabULN,
    Named,
    RiseFromBaseline,
    Threshold,
)
from thrombo.rules.registry import DEFAULT, criteria_set
from thrombo.rules.tma import common
from thrombo.rules.tma.options import ScreeningOptions
from thrombo.rules.watch import medications
from thrombo.rules.watch.options import DESIGN_WARNING, WatchOptions

NAME = "tma-watch"
VERSION = "1"
SIGNALS = ("ldh_rising", "new_proteinuria", "new_hypertension", "platelet_fall", "sc5b9_rising")


def ldh_rising(options: WatchOptions) -> Lab:
    """One LDH result both above the ULN (A1/A2) and risen over the recent median [Design]."""
    baseline = Baseline("median", lookback_days=options.ldh_baseline_days)
    return Lab("ldh", (AllTests((
        Threshold(">", LabULN(fallback="ldh")),
        RiseFromBaseline(baseline, options.ldh_rise_factor),
    )),))


def _newly_at_least(analyte: str, limit: Fixed, days: int) -> Lab:
    """A result at or above the limit whose earlier results in `days` were all below it."""
    earlier = Baseline("max", lookback_days=days)
    return Lab(analyte, (AllTests((
        Threshold(">=", limit), BaselineThreshold(earlier, "<", limit),
    )),))


def new_proteinuria(options: WatchOptions) -> AnyOf:
    """UPCR >= 1 mg/mg (A1 [S-2nd]) or urine protein >= 30 mg/dL (A2 [S-2nd]), newly.

    A dipstick reported only as a category (1+) carries no number to compare the earlier ones
    with: it is not decided (indeterminate), never silently new or old."""
    days = options.proteinuria_new_days
    return AnyOf((
        _newly_at_least("upcr", Fixed(common.UPCR_MG_MG, "mg/mg"), days),
        _newly_at_least("urine_protein", Fixed(common.URINE_PROTEIN_MG_DL, "mg/dL"), days),
    ))


def default_hypertension(screening: ScreeningOptions) -> BloodPressure:
    """The default criteria set's own hypertension rule (harmonized 2023: > 99th percentile
    under 18 y, >= 140/90 mm Hg from 18 y; A1 [S-2nd]), so the two never drift apart."""
    rule = criteria_set(DEFAULT, screening).criterion("hypertension").criterion
    assert isinstance(rule, BloodPressure)
    return rule


def new_hypertension(screening: ScreeningOptions) -> AnyOf:
    return AnyOf((
        default_hypertension(screening),
        EventOccurred(medications.EVENT, absent=screening.absent),
    ))


def platelet_fall(options: WatchOptions, screening: ScreeningOptions) -> AnyOf:
    """A fall from the highest count after platelet engraftment ([Design] fraction), or a
    platelet transfusion after engraftment / recorded refractoriness (A1 2(b)/(c))."""
    fall = FallFromBaseline(common.PLATELET_BASELINE, fraction=options.platelet_fall_fraction)
    return AnyOf((Lab("platelets", (fall,)), common.platelet_transfusion_need(screening)))


def sc5b9_rising(options: WatchOptions) -> Lab:
    """sC5b-9 at or above the assay ULN (A1), or risen over the previous result [Design]."""
    previous = Baseline("last", lookback_days=options.sc5b9_baseline_days)
    return Lab("sc5b9", (
        Threshold(">=", LabULN()), RiseFromBaseline(previous, options.sc5b9_rise_factor),
    ))


def signals(options: WatchOptions, screening: ScreeningOptions) -> tuple[Named, ...]:
    o = options
    return (
        Named("ldh_rising", ldh_rising(o),
              f"LDH > ULN (A1/A2) and >= {o.ldh_rise_factor:g} x the median of the "
              f"{o.ldh_baseline_days} days before ([Design])"),
        Named("new_proteinuria", new_proteinuria(o),
              "UPCR >= 1 mg/mg (A1) or urine protein >= 30 mg/dL (A2), every earlier result in "
              f"the {o.proteinuria_new_days} days before below it ([Design])"),
        Named("new_hypertension", new_hypertension(screening),
              "BP above the default set's limit (> 99th percentile, or >= 140/90 mm Hg from "
              "18 y; A1) or a second antihypertensive started ([Design], CTCAE > 1 drug)"),
        Named("platelet_fall", platelet_fall(o, screening),
              f"platelets fallen >= {o.platelet_fall_fraction:.0%} from the highest count after "
              "platelet engraftment ([Design]), or platelet transfusion after engraftment (A1)"),
        Named("sc5b9_rising", sc5b9_rising(o),
              f"sC5b-9 >= ULN (A1) or >= {o.sc5b9_rise_factor:g} x the previous result in the "
              f"{o.sc5b9_baseline_days} days before ([Design])"),
    )


def definition(
    options: WatchOptions | None = None, screening: ScreeningOptions | None = None
) -> CriteriaSet:
    """The signals as a criteria set: any engine's per-day outcomes of its criteria are the
    signals' outcomes (the rule, any one signal, is the `watch` level)."""
    opts, screen = options or WatchOptions(), screening or ScreeningOptions()
    return CriteriaSet(
        name=NAME,
        version=VERSION,
        citation="early markers: Jodele S et al. Blood 2014;124(4):645-653 (A2); limits A1/A2",
        criteria=signals(opts, screen),
        rule=KOfN(1, SIGNALS),
        window_days=opts.window_days,
        consecutive=1,
        diagnosis_date="first-time-point",
        engraftment=screen.engraftment_rule(),
        options={**opts.as_dict(), "default_criteria": DEFAULT,
                 **screen.pick("bp_missing_height", "height_lookback_days", "absent_events",
                               "engraftment_derivation")},
        warnings=(DESIGN_WARNING, *screen.engraftment_warnings),
    )
