"""SQL expressions deciding one observation row: the SQL twin of `thrombo.rules.decide`.

An answer is a small integer so that SQL can rank them: YES 3, UNKNOWN 2, NO 1, SKIP 0, and NULL
for a test that does not apply. `decide_all`'s precedence (yes, then unknown, then no, then skip;
unknown when nothing applies) is then GREATEST over the applicable answers. Limits derived by
arithmetic are rounded to `LIMIT_DECIMALS` exactly where the reference rounds them.
"""

from __future__ import annotations

from itertools import pairwise

from thrombo.engines import reftables
from thrombo.engines.input_tables import EPOCH_DAY
from thrombo.rules.decide import LIMIT_DECIMALS
from thrombo.rules.model import (
    AllTests,
    Anchor,
    Baseline,
    BaselineThreshold,
    BloodPressure,
    EventOccurred,
    FallFromBaseline,
    Fixed,
    LabLLN,
    LabULN,
    Limit,
    ObservationTest,
    Op,
    Presence,
    RiseFromBaseline,
    Threshold,
)

YES, UNKNOWN, NO, SKIP = 3, 2, 1, 0
MET, INDETERMINATE, NOT_MET = 2, 1, 0

ANCHOR_COLUMN: dict[Anchor, str] = {
    "hsct": "hsct_day",
    "neutrophil_engraftment": "neut_day",
    "platelet_engraftment": "plt_day",
    "conditioning_start": "cond_day",
}


def literal(value: float) -> str:
    return repr(float(value))


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def in_list(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(text(v) for v in values) + ")"


def rounded(expr: str) -> str:
    return f"ROUND({expr}, {LIMIT_DECIMALS})"


def compare(value: str, op: Op, low: str, high: str | None = None) -> str:
    """`decide.compare`: yes at both bounds, no at neither, unknown in between."""
    at_low = f"({value} {op} {low})"
    if high is None or high == low:
        return f"(CASE WHEN {at_low} THEN {YES} ELSE {NO} END)"
    at_high = f"({value} {op} {high})"
    return (
        f"(CASE WHEN {at_low} AND {at_high} THEN {YES} "
        f"WHEN NOT {at_low} AND NOT {at_high} THEN {NO} ELSE {UNKNOWN} END)"
    )


# A censored row ('<10'): `value` is NULL, `cmp` its comparator and `bound` its number.
NUMERIC = "(value IS NOT NULL OR bound IS NOT NULL)"
NEGATION: dict[Op, Op] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _always(op: Op, limit: str) -> str:
    """Every value the censored row allows satisfies `x op limit` (`quantities._always`): the
    bound of '<' and '>' is not itself a possible value."""
    if op in ("<", "<="):
        return f"((cmp = '<' AND bound <= {limit}) OR (cmp = '<=' AND bound {op} {limit}))"
    return f"((cmp = '>' AND bound >= {limit}) OR (cmp = '>=' AND bound {op} {limit}))"


def _censored_at(op: Op, limit: str) -> str:
    """`quantities.satisfies` for the censored row: yes, no, or unknown."""
    return (f"(CASE WHEN {_always(op, limit)} THEN {YES} "
            f"WHEN {_always(NEGATION[op], limit)} THEN {NO} ELSE {UNKNOWN} END)")


def _censored(op: Op, low: str, high: str | None) -> str:
    at_low = _censored_at(op, low)
    if high is None or high == low:
        return at_low
    at_high = _censored_at(op, high)
    return (f"(CASE WHEN {at_low} = {YES} AND {at_high} = {YES} THEN {YES} "
            f"WHEN {at_low} = {NO} AND {at_high} = {NO} THEN {NO} ELSE {UNKNOWN} END)")


def compare_row(op: Op, low: str, high: str | None = None) -> str:
    """`decide.compare` on the row's result: its `value`, or a censored row's `bound` by
    interval logic (yes when every value it allows passes, no when none does)."""
    return (f"(CASE WHEN cmp IS NULL THEN {compare('value', op, low, high)} "
            f"ELSE {_censored(op, low, high)} END)")


def _age_months() -> str:
    """The row's completed months, the age the tables band by: the observation rows' column
    `age_months` (compile.observations_cte), computed once per row where a group reads it;
    inlined into every arm of the tables' CASE it cost 15% of a 10 M-row screen."""
    return "age_months"


def _limit(limit: Limit) -> str | None:
    """The limit's SQL value (NULL when unknown); None for a fixed limit (a literal)."""
    match limit:
        case LabULN(multiple=multiple, fallback=fallback):
            table = (reftables.FALLBACK_UPPER[fallback]("age_days", _age_months())
                     if fallback else "NULL")
            return f"({literal(multiple)} * COALESCE(ref_high, {table}))"
        case LabLLN(fallback=fallback):
            table = reftables.FALLBACK_LOWER[fallback](_age_months(), "sex") if fallback else "NULL"
            return f"COALESCE(ref_low, {table})"
    return None


def limit_value(test: Threshold) -> str:
    """The limit a threshold compares a row with, as SQL (NULL where it is unknown), unrounded
    as the reference's evidence shows it (latest_sql.py)."""
    if isinstance(test.limit, Fixed):
        return literal(test.limit.value)
    return _limit(test.limit) or "CAST(NULL AS DOUBLE)"


def threshold(test: Threshold) -> str:
    applies = NUMERIC if test.unit is None else f"{NUMERIC} AND unit = {text(test.unit)}"
    if isinstance(test.limit, Fixed):
        decided = compare_row(test.op, literal(round(test.limit.value, LIMIT_DECIMALS)))
    elif isinstance(test.limit, LabULN | LabLLN):
        limit = _limit(test.limit)
        decided = (
            f"(CASE WHEN {limit} IS NULL THEN {UNKNOWN} "
            f"ELSE {compare_row(test.op, rounded(str(limit)))} END)"
        )
    else:
        raise TypeError(f"a Lab threshold cannot use {test.limit!r}")
    return f"(CASE WHEN {applies} THEN {decided} END)"


def presence(test: Presence) -> str:
    arms = []
    if test.yes:
        arms.append(f"WHEN category IN {in_list(test.yes)} THEN {YES}")
    if test.no:
        arms.append(f"WHEN category IN {in_list(test.no)} THEN {NO}")
    return f"(CASE WHEN category IS NULL THEN NULL {' '.join(arms)} ELSE {UNKNOWN} END)"


def fall(test: FallFromBaseline, base: str) -> str:
    limits = []
    if test.fraction is not None:
        limits.append(f"{base} * {literal(1 - test.fraction)}")
    if test.amount is not None:
        limits.append(f"{base} - {literal(test.amount)}")
    limit = limits[0] if len(limits) == 1 else f"GREATEST({', '.join(limits)})"
    return (
        f"(CASE WHEN NOT {NUMERIC} THEN NULL WHEN {base} IS NULL THEN {SKIP} "
        f"ELSE {compare_row('<=', rounded(limit))} END)"
    )


def rise(test: RiseFromBaseline, base: str) -> str:
    limit = f"{base} * {literal(test.factor)}"
    return (
        f"(CASE WHEN NOT {NUMERIC} THEN NULL WHEN {base} IS NULL THEN {SKIP} "
        f"ELSE {compare_row('>=', rounded(limit))} END)"
    )


def baseline_threshold(test: BaselineThreshold, base: str) -> str:
    """`decide._baseline_threshold`: the baseline itself against a fixed limit."""
    limit = literal(round(test.limit.value, LIMIT_DECIMALS))
    return (
        f"(CASE WHEN NOT {NUMERIC} THEN NULL WHEN {base} IS NULL THEN {SKIP} "
        f"ELSE {compare(base, test.op, limit)} END)"
    )


def all_tests(test: AllTests, baseline_column: dict[Baseline, str]) -> str:
    """`decide._all_tests`: not applicable if any part is; else no, skip, unknown, yes."""
    parts = [decide(t, baseline_column) for t in test.tests]

    def any_is(answer: str) -> str:
        return " OR ".join(f"{p} {answer}" for p in parts)

    return (
        f"(CASE WHEN {any_is('IS NULL')} THEN NULL WHEN {any_is(f'= {NO}')} THEN {NO} "
        f"WHEN {any_is(f'= {SKIP}')} THEN {SKIP} WHEN {any_is(f'= {UNKNOWN}')} THEN {UNKNOWN} "
        f"ELSE {YES} END)"
    )


def decide(test: ObservationTest, baseline_column: dict[Baseline, str]) -> str:
    match test:
        case BaselineThreshold():
            return baseline_threshold(test, baseline_column[test.baseline])
        case AllTests():
            return all_tests(test, baseline_column)
        case Threshold():
            return threshold(test)
        case Presence():
            return presence(test)
        case FallFromBaseline():
            return fall(test, baseline_column[test.baseline])
        case RiseFromBaseline():
            return rise(test, baseline_column[test.baseline])
    raise TypeError(f"not an observation test: {test!r}")


def decide_all(tests: tuple[ObservationTest, ...], baseline_column: dict[Baseline, str]) -> str:
    if len(tests) == 1:
        # The general form below, for one test: its answer, or unknown when it does not apply.
        return f"COALESCE({decide(tests[0], baseline_column)}, {UNKNOWN})"
    answers = [f"COALESCE({decide(t, baseline_column)}, -1)" for t in tests]
    return f"COALESCE(NULLIF(GREATEST({', '.join(answers)}), -1), {UNKNOWN})"


def event_answer(leaf: EventOccurred) -> str:
    """`PatientEvaluator._event_answer` for one event row of the leaf's name."""
    arms = []
    if leaf.min_grade is not None:
        arms.append(f"WHEN grade IS NULL THEN {UNKNOWN} WHEN grade < {leaf.min_grade} THEN {NO}")
    if leaf.after is not None:
        anchor = ANCHOR_COLUMN[leaf.after]
        arms.append(f"WHEN {anchor} IS NULL THEN {UNKNOWN} WHEN day < {anchor} THEN {NO}")
    return (
        f"(CASE WHEN event = {text(leaf.event)} THEN (CASE {' '.join(arms)} ELSE {YES} END) END)"
        if arms
        else f"(CASE WHEN event = {text(leaf.event)} THEN {YES} END)"
    )


def bp_exact(alias: str, p: str) -> str:
    """`blood_pressure._interpolate` at a (clamped) height percentile column `p`, in the joined
    table row `alias` (one sex, the row's component)."""
    heights = reftables.HEIGHT_COLUMNS
    numbers = [float(h[1:]) for h in heights]
    arms = []
    for (h0, c0), (h1, c1) in pairwise(zip(numbers, heights, strict=True)):
        f = f"(({p} - {literal(h0)}) / {literal(h1 - h0)})"
        s0, s1 = f"{alias}.{c0}", f"{alias}.{c1}"
        arms.append(f"WHEN {p} <= {literal(h1)} THEN {s0} + {f} * ({s1} - {s0})")
    return f"(CASE {' '.join(arms)} END)"


def per_sex(male: str, female: str, pick: str) -> str:
    """One sex's value; with sex unknown the `pick` (LEAST/GREATEST) of both, if both exist.
    `male` and `female` are columns: each appears twice."""
    return (
        f"(CASE WHEN sex = 'M' THEN {male} WHEN sex = 'F' THEN {female} "
        f"WHEN {male} IS NULL OR {female} IS NULL THEN NULL ELSE {pick}({male}, {female}) END)"
    )


def _ymd(d: str) -> tuple[str, str, str]:
    """YEAR, MONTH and DAY of day number `d` (days from input_tables.EPOCH_DAY)."""
    when = f"(DATE '{EPOCH_DAY.isoformat()}' + {d})"
    return f"YEAR({when})", f"MONTH({when})", f"DAY({when})"


def completed_years(day: str, age_days: str) -> str:
    """`age.completed_years` at day number `day` of a patient `age_days` old: the birthday
    arithmetic on yyyymmdd numbers (a 29 February birthday counts from 1 March), as the BP
    tables are indexed. Days / 365.25 reads the wrong year on and around many birthdays."""
    def ymd(d: str) -> str:
        y, m, dd = _ymd(d)
        return f"({y} * 10000 + {m} * 100 + {dd})"
    return f"CAST(FLOOR(({ymd(day)} - {ymd(f'({day} - {age_days})')}) / 10000.0) AS INTEGER)"


def completed_months(day: str, age_days: str) -> str:
    """`age.completed_months` at day number `day` of a patient `age_days` old: a month is
    complete on the day of the month the child was born (born on the 31st: on the 1st), as
    the age-banded laboratory tables read it (reftables.ldh_uln_sql, hb_lln_sql)."""
    y1, m1, d1 = _ymd(day)
    y0, m0, d0 = _ymd(f"({day} - {age_days})")
    return (f"(({y1} - {y0}) * 12 + {m1} - {m0} - "
            f"(CASE WHEN {d1} < {d0} THEN 1 ELSE 0 END))")


def bp_percentile(leaf: BloodPressure) -> str:
    """The height percentile the limit is read at: measured (recent height), else the default;
    NULL means "bound over every height". Clamp it (`clamp`) to `reftables.HEIGHT_SPAN`."""
    default = (
        "NULL"
        if leaf.default_height_percentile is None
        else literal(leaf.default_height_percentile)
    )
    return (
        f"(CASE WHEN h_day >= day - {leaf.height_lookback_days} AND h_pct IS NOT NULL "
        f"THEN h_pct ELSE {default} END)"
    )


def clamp(column: str, low: float, high: float) -> str:
    """NULL-preserving clamp of a column (GREATEST and LEAST skip NULLs in DuckDB and Spark)."""
    return (
        f"(CASE WHEN {column} IS NULL THEN NULL "
        f"ELSE LEAST(GREATEST({column}, {literal(low)}), {literal(high)}) END)"
    )


def bp_bound(pct: str, exact: tuple[str, str], span: tuple[str, str], pick: str) -> str:
    """The low (`LEAST`) or high (`GREATEST`) limit for the row's sex: at the percentile when
    there is one, else the bound over every height. Arguments are (male, female) columns."""
    return (
        f"(CASE WHEN {pct} IS NOT NULL THEN {per_sex(*exact, pick)} "
        f"ELSE {per_sex(*span, pick)} END)"
    )


def blood_pressure(leaf: BloodPressure, low: str, high: str) -> str:
    """`decide_bp.decide_blood_pressure` given the row's child limit columns `low`/`high`."""
    adult = (
        f"(CASE WHEN analyte = 'systolic_bp' THEN "
        f"{compare_row(leaf.adult_op, literal(leaf.adult_systolic.value))} ELSE "
        f"{compare_row(leaf.adult_op, literal(leaf.adult_diastolic.value))} END)"
    )
    return (
        f"(CASE WHEN NOT {NUMERIC} OR analyte NOT IN ('systolic_bp', 'diastolic_bp') "
        "THEN NULL "
        f"WHEN day >= ann_{leaf.adult_from_years} THEN {adult} "
        f"WHEN day < ann_{leaf.tables_from_years} THEN {UNKNOWN} "
        f"WHEN {low} IS NULL THEN {UNKNOWN} "
        f"ELSE {compare_row(leaf.child_op, rounded(low), rounded(high))} END)"
    )
