"""Compile a criteria set (model.py) into one SQL query over patient, observation and event tables.

Why a small compiler of our own rather than Ibis: the model has seven node types and needs a
handful of window shapes (running aggregates that exclude ties in time, day-ranged frames,
MAX_BY); writing those as SQL text is ~400 lines, keeps every frame visible for review, and
runs unchanged on DuckDB and Spark SQL (the subset used: CTEs, CASE, GREATEST/LEAST, window
aggregates with ROWS/RANGE frames over integers, MEDIAN, MIN_BY/MAX_BY). Ibis would add a
dependency and hide exactly the frames whose semantics must match the reference.

Input tables (see `thrombo.rules.batch.tables`): `pat`, `obs`, `evt`, `qd` (extra days to
evaluate). Days are integers (days since 1970-01-01, local calendar), times are UTC
microseconds, so no date arithmetic differs between dialects.

The shape, patient-partitioned throughout:
1. one row per observation: its answer per leaf (yes/unknown/no/skip), with baselines from
   window aggregates over the patient's earlier values of the analyte;
2. one row per patient-day: whether each leaf had a yes/unknown/no observation that day;
3. each day's answers as flags in a BIGINT mask (three per leaf: yes, unknown, no), OR-ed over
   the 14-day RANGE frame: one window aggregate for up to 21 leaves, where one column per leaf
   and answer (48 running maxima for harmonized-2023) cost ten times more;
4. criteria, the rule and the per-patient diagnosis from those columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.physiology.blood_pressure import TABLE_HEIGHT_PERCENTILES
from thrombo.rules.batch import decisions as dx
from thrombo.rules.batch.normal_cdf import normal_cdf_sql
from thrombo.rules.batch.plan import HEIGHT, Leaf, Plan
from thrombo.rules.model import AllOf, AnyOf, Baseline, Criterion, EventOccurred, KOfN

BP = ("systolic_bp", "diastolic_bp")
NO_DAY = -100_000_000
RANK_SCALE = 1_000_000_000
# Each leaf's answers in a window are three flags (yes, unknown, no) in a BIGINT mask word.
BITS_PER_LEAF = 3
LEAVES_PER_WORD = 63 // BITS_PER_LEAF
FOURTH_REPORT = "fourth-report-2004"
# `growth.height_percentile`: 100 x the normal CDF of the LMS z-score.
HEIGHT_Z = (
    "CASE WHEN ll = 0 THEN LN(h_val / mm) / ss ELSE (POWER(h_val / mm, ll) - 1) / (ll * ss) END"
)
HEIGHT_PCT = f"(100.0 * {normal_cdf_sql('h_z')})"
HEIGHT_PCT_SPAN = (TABLE_HEIGHT_PERCENTILES[0], TABLE_HEIGHT_PERCENTILES[-1])
PATIENT_COLUMNS = (
    "patient_id",
    "birth_day",
    "sex",
    "hsct_day",
    "allo",
    "cond_day",
    "neut_day",
    "plt_day",
)


def _bit(plan: Plan, col: str, answer: int) -> int:
    """Leaf `col`'s flag for one answer (YES/UNKNOWN/NO) inside its mask word."""
    index = list(plan.leaves.values()).index(col)
    return 1 << (BITS_PER_LEAF * (index % LEAVES_PER_WORD) + answer - dx.NO)


def _word(plan: Plan, col: str) -> int:
    return list(plan.leaves.values()).index(col) // LEAVES_PER_WORD


def words(plan: Plan) -> int:
    return max(1, -(-len(plan.leaves) // LEAVES_PER_WORD))


def _codes(plan: Plan, available: dict[str, str]) -> list[str]:
    """A row group's answers as mask words: one flag per (leaf, answer) the row gives.

    The leaves a group can answer are few, so the answers are computed in an inner select
    (`c_<leaf>`) and only those are folded into the words here."""
    parts: list[list[str]] = [[] for _ in range(words(plan))]
    for col in available:
        arms = " ".join(f"WHEN {a} THEN {_bit(plan, col, a)}" for a in (dx.YES, dx.UNKNOWN, dx.NO))
        parts[_word(plan, col)].append(f"(CASE c_{col} {arms} ELSE 0 END)")
    return [f"CAST({' + '.join(p) if p else '0'} AS BIGINT) AS w{i}" for i, p in enumerate(parts)]


def _answers(available: dict[str, str]) -> str:
    return "".join(f", {code} AS c_{col}" for col, code in available.items())


def _lab_codes(
    plan: Plan, analytes: frozenset[str], baselines: dict[Baseline, str]
) -> dict[str, str]:
    return {
        col: f"(CASE WHEN analyte = {dx.text(leaf.analyte)} THEN "
        f"{dx.decide_all(leaf.tests, baselines)} END)"
        for leaf, col in plan.lab_leaves()
        if leaf.analyte in analytes
    }


def _group_select(plan: Plan, source: str, codes: dict[str, str]) -> str:
    used = dx.in_list(sorted(plan.used_analytes()))
    assess = (
        f"CASE WHEN analyte IN {used} AND hsct_day IS NOT NULL AND day >= hsct_day "
        f"THEN 1 ELSE 0 END"
    )
    return (
        f"SELECT patient_id, day, assess, 0 AS is_event, {', '.join(_codes(plan, codes))} "
        f"FROM (SELECT patient_id, day, {assess} AS assess{_answers(codes)} FROM {source}"
    )


def _anchor_condition(b: Baseline, row: str = "") -> str:
    if b.anchor is None:
        return "TRUE"
    anchor = f"{row}{dx.ANCHOR_COLUMN[b.anchor]}"
    return f"{row}day >= {anchor}" if b.side == "after" else f"{row}day <= {anchor} - 1"


@dataclass(frozen=True, slots=True)
class Dialect:
    """The one spelling that differs: an exact median usable over a window frame."""

    name: str
    median: str


DUCKDB = Dialect("duckdb", "MEDIAN({})")
SPARK = Dialect("spark", "PERCENTILE({}, 0.5)")


def _stat(stat: str, value: str, seq: str, frame: str, dialect: Dialect = DUCKDB) -> str:
    if stat == "median":
        return f"{dialect.median.format(value)} OVER ({frame})"
    if stat == "max":
        return f"MAX({value}) OVER ({frame})"
    fn = "MIN_BY" if stat == "first" else "MAX_BY"
    return f"{fn}({value}, {seq}) OVER ({frame})"


def _baseline_windows(b: Baseline, col: str, dialect: Dialect) -> tuple[list[str], str | None]:
    """Window columns for one baseline; and, for a windowed median, the condition a same-day
    earlier value must meet (such rows take the exact, joined path)."""
    cond = f"{_anchor_condition(b)} AND value IS NOT NULL"
    v, s = f"CASE WHEN {cond} THEN value END", f"CASE WHEN {cond} THEN seq END"
    anchor = None if b.anchor is None else dx.ANCHOR_COLUMN[b.anchor]
    guard = (
        (lambda e: e)
        if anchor is None
        else (lambda e: f"CASE WHEN {anchor} IS NULL THEN NULL ELSE {e} END")
    )
    if b.lookback_days is None:
        frame = (
            "PARTITION BY patient_id ORDER BY t_us "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
        )
        return [f"{guard(_stat(b.statistic, v, s, frame, dialect))} AS {col}"], None
    prior = (
        f"PARTITION BY patient_id ORDER BY day "
        f"RANGE BETWEEN {b.lookback_days} PRECEDING AND 1 PRECEDING"
    )
    same = (
        "PARTITION BY patient_id, day ORDER BY t_us "
        "RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    )
    p, d = _stat(b.statistic, v, s, prior, dialect), _stat(b.statistic, v, s, same, dialect)
    if b.statistic == "max":
        both = (f"CASE WHEN ({p}) IS NULL THEN {d} WHEN ({d}) IS NULL THEN {p} "
                f"ELSE GREATEST({p}, {d}) END")
        return [f"{guard(both)} AS {col}"], None
    if b.statistic in ("first", "last"):
        both = f"COALESCE({p}, {d})" if b.statistic == "first" else f"COALESCE({d}, {p})"
        return [f"{guard(both)} AS {col}"], None
    # A median does not combine from parts: rows with earlier values the same day take the
    # exact (joined) path; almost every row has none and takes the window.
    # "An earlier value the same day" comes from the day's first qualifying time, grouped and
    # joined back (`_baseline_group`): as a window it cost as much as the median itself.
    return [f"{guard(p)} AS {col}_fast"], cond


def _baseline_group(plan: Plan, analyte: str, dialect: Dialect) -> tuple[list[str], str]:
    """CTEs computing the baselines of one analyte's rows, and the last CTE's name."""
    name = f"g_{analyte}"
    mine = {b: col for (a, b), col in plan.baselines.items() if a == analyte}
    windows: list[str] = []
    slow: list[tuple[Baseline, str]] = []
    firsts: list[str] = []
    for b, col in mine.items():
        cols, same_day = _baseline_windows(b, col, dialect)
        windows.extend(cols)
        if same_day:
            slow.append((b, col))
            firsts.append(f"MIN(CASE WHEN {same_day} THEN t_us END) AS ft_{col}")
    where = f"analyte = {dx.text(analyte)}"
    if firsts:
        ctes = [
            f"{name}f AS (SELECT patient_id AS f_patient, day AS f_day, {', '.join(firsts)} "
            f"FROM o WHERE {where} GROUP BY patient_id, day)",
            f"{name}0 AS (SELECT o.*, {', '.join(windows)}, "
            + ", ".join(f"CASE WHEN ft_{col} < t_us THEN 1 ELSE 0 END AS {col}_same"
                        for _, col in slow)
            + f" FROM o LEFT JOIN {name}f ON f_patient = patient_id AND f_day = day "
            f"WHERE {where})",
        ]
    else:
        ctes = [f"{name}0 AS (SELECT o.*, {', '.join(windows)} FROM o WHERE {where})"]
    joined, picks = f"{name}0 x", []
    for b, col in slow:
        cond = _anchor_condition(b, "y.")
        anchor_ok = "" if b.anchor is None else f" AND y.{dx.ANCHOR_COLUMN[b.anchor]} IS NOT NULL"
        ctes.append(
            f"slow_{col} AS (SELECT x.patient_id, x.seq, {dialect.median.format('y.value')} "
            f"AS v FROM {name}0 x "
            f"JOIN {name}0 y ON x.patient_id = y.patient_id AND y.day >= x.day - "
            f"{b.lookback_days} AND y.day <= x.day AND y.t_us < x.t_us AND y.value IS NOT NULL "
            f"AND {cond}{anchor_ok} WHERE x.{col}_same > 0 GROUP BY x.patient_id, x.seq)"
        )
        joined += (
            f" LEFT JOIN slow_{col} ON slow_{col}.patient_id = x.patient_id "
            f"AND slow_{col}.seq = x.seq"
        )
        picks.append(f"CASE WHEN x.{col}_same > 0 THEN slow_{col}.v ELSE x.{col}_fast END AS {col}")
    if picks:
        ctes.append(f"{name}1 AS (SELECT x.*, {', '.join(picks)} FROM {joined})")
        name = f"{name}1"
    else:
        name = f"{name}0"
    return ctes, name


def _latest_height(dialect: Dialect) -> str:
    """`bp0`: each blood-pressure row with the patient's latest non-empty height at or before
    it (`decide.latest_height`: latest in (time, seq) order, equal times included).

    DuckDB: an ASOF join against one height per (patient, time), the last by seq; heights are
    few, so this sorts them, not the blood-pressure rows (a window over both cost 4x more).
    Spark has no ASOF join: a running MAX_BY keyed on (time, seq) over both kinds of row."""
    is_h = f"analyte = '{HEIGHT}' AND value IS NOT NULL"
    if dialect.name == "duckdb":
        return (
            f"bp0 AS (SELECT b.*, h.h_val, h.h_day FROM (SELECT * FROM o WHERE analyte IN "
            f"{dx.in_list(BP)}) b ASOF LEFT JOIN (SELECT patient_id AS h_patient, t_us AS h_t, "
            f"MAX_BY(value, seq) AS h_val, MAX_BY(day, seq) AS h_day FROM o WHERE {is_h} "
            f"GROUP BY patient_id, t_us) h ON b.patient_id = h.h_patient AND b.t_us >= h.h_t)"
        )
    frame = (
        "PARTITION BY patient_id ORDER BY t_us RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    )
    key = f"CASE WHEN {is_h} THEN NAMED_STRUCT('t', t_us, 's', seq) END"
    return (
        f"bp0 AS (SELECT * FROM (SELECT o.*, MAX_BY(CASE WHEN {is_h} THEN value END, {key}) "
        f"OVER ({frame}) AS h_val, MAX_BY(CASE WHEN {is_h} THEN day END, {key}) OVER ({frame}) "
        f"AS h_day FROM o WHERE analyte IN ('systolic_bp', 'diastolic_bp', '{HEIGHT}')) hh "
        f"WHERE analyte IN {dx.in_list(BP)})"
    )


def _bp_group(plan: Plan, dialect: Dialect) -> tuple[list[str], str]:
    """Blood-pressure rows with the latest height, its percentile and the table joins."""
    ctes = [
        _latest_height(dialect),
        "bp1 AS (SELECT bp0.*, (age_days / 365.25) * 12.0 AS months, "
        "CAST(FLOOR(age_days / 365.25) AS INTEGER) AS tage FROM bp0)",
        "bp2 AS (SELECT bp1.*, CASE WHEN lms.a1 = lms.a0 THEN 0.0 ELSE (months - lms.a0) / "
        "(lms.a1 - lms.a0) END AS lf, lms.l0, lms.m0, lms.s0, lms.l1, lms.m1, lms.s1 FROM bp1 "
        "LEFT JOIN ref_lms lms ON lms.sex = bp1.sex AND lms.bucket = "
        "CAST(FLOOR(bp1.months * 2) AS INTEGER) AND bp1.months <= lms.last_age "
        "AND bp1.h_val IS NOT NULL)",
        "bp3 AS (SELECT bp2.*, l0 + lf * (l1 - l0) AS ll, m0 + lf * (m1 - m0) AS mm, "
        "s0 + lf * (s1 - s0) AS ss FROM bp2)",
        f"bp4 AS (SELECT bpz.*, {dx.clamp(HEIGHT_PCT, *HEIGHT_PCT_SPAN)} AS h_pct FROM "
        f"(SELECT bp3.*, {HEIGHT_Z} AS h_z FROM bp3) bpz)",
    ]
    joins, bounds, pcts, codes = [], [], [], {}
    for leaf, col in plan.bp_leaves():
        m, f = f"bm_{col}", f"bf_{col}"
        for alias, sex in ((m, "M"), (f, "F")):
            joins.append(
                f"LEFT JOIN ref_bp {alias} ON {alias}.bp_source = '{leaf.child_limit.source}' AND "
                f"{alias}.bp_sex = '{sex}' AND {alias}.bp_age = bp5.tage AND "
                f"{alias}.bp_pct = {leaf.child_limit.percentile}"
            )
        pcts.append(f"{dx.bp_percentile(leaf)} AS pc_{col}")
        bounds.append(f"{dx.bp_bound(m, f, f'pc_{col}', 'LEAST')} AS lo_{col}")
        bounds.append(f"{dx.bp_bound(m, f, f'pc_{col}', 'GREATEST')} AS hi_{col}")
        codes[col] = dx.blood_pressure(leaf, f"lo_{col}", f"hi_{col}")
    ctes.append(f"bp5 AS (SELECT bp4.*, {', '.join(pcts)} FROM bp4)")
    ctes.append(f"bp6 AS (SELECT bp5.*, {', '.join(bounds)} FROM bp5 {' '.join(joins)})")
    codes.update(_lab_codes(plan, frozenset(BP), {}))
    ctes.append(f"bpd AS ({_group_select(plan, 'bp6', codes)}) x)")
    return ctes, "bpd"


def _observation_ctes(plan: Plan, dialect: Dialect) -> tuple[list[str], list[str]]:
    ctes: list[str] = []
    groups: list[str] = []
    special = set(plan.baseline_analytes())
    if plan.bp_leaves():
        if special & {*BP, HEIGHT}:
            raise NotImplementedError("baselines of blood pressure or height")
        bp_ctes, bp_name = _bp_group(plan, dialect)
        ctes.extend(bp_ctes)
        groups.append(bp_name)
        special |= {*BP, HEIGHT}
    for analyte in plan.baseline_analytes():
        group_ctes, name = _baseline_group(plan, analyte, dialect)
        ctes.extend(group_ctes)
        baselines = {b: col for (a, b), col in plan.baselines.items() if a == analyte}
        ctes.append(
            f"d_{analyte} AS "
            f"({_group_select(plan, name, _lab_codes(plan, frozenset({analyte}), baselines))}) x)"
        )
        groups.append(f"d_{analyte}")
    rest = sorted(plan.read_analytes() - special)
    if rest:
        ctes.append(
            f"d_rest AS ({_group_select(plan, 'o', _lab_codes(plan, frozenset(rest), {}))} "
            f"WHERE analyte IN {dx.in_list(rest)}) x)"
        )
        groups.append("d_rest")
    return ctes, groups


def _event_cte(plan: Plan, as_of: int) -> str:
    codes = {col: dx.event_answer(leaf) for leaf, col in plan.event_leaves()}
    is_event = "CASE WHEN hsct_day IS NOT NULL AND day >= hsct_day THEN 1 ELSE 0 END"
    return (
        f"ev AS (SELECT patient_id, day, 0 AS assess, is_event, {', '.join(_codes(plan, codes))} "
        f"FROM (SELECT patient_id, day, {is_event} AS is_event{_answers(codes)} FROM "
        f"(SELECT p.patient_id, e.day, e.event, e.grade, "
        f"{', '.join('p.' + c for c in PATIENT_COLUMNS[1:])} FROM evt e JOIN p "
        f"ON e.patient_id = p.patient_text WHERE e.day <= {as_of}) ee) x)"
    )


def _extra_days_cte(plan: Plan, as_of: int) -> str:
    nulls = ", ".join(f"CAST(0 AS BIGINT) AS w{i}" for i in range(words(plan)))
    return (
        f"xd AS (SELECT p.patient_id, qd.day, 0 AS assess, 0 AS is_event, {nulls} FROM qd "
        f"JOIN p ON qd.patient_id = p.patient_text "
        f"UNION ALL SELECT patient_id, {as_of} AS day, 0, 0, {nulls} FROM p)"
    )


def _leaf_outcome(plan: Plan, col: str, leaf: Leaf) -> str:
    nothing = dx.INDETERMINATE
    if isinstance(leaf, EventOccurred) and leaf.absent == "not_met":
        nothing = dx.NOT_MET
    word = f"x{_word(plan, col)}"
    flag = {a: f"({word} & {_bit(plan, col, a)}) <> 0" for a in (dx.YES, dx.UNKNOWN, dx.NO)}
    return (
        f"CASE WHEN {flag[dx.YES]} THEN {dx.MET} WHEN {flag[dx.UNKNOWN]} THEN "
        f"{dx.INDETERMINATE} WHEN {flag[dx.NO]} THEN {dx.NOT_MET} ELSE {nothing} END"
    )


def count_outcome(k: int, outcomes: list[str]) -> str:
    met = " + ".join(f"(CASE WHEN {o} = {dx.MET} THEN 1 ELSE 0 END)" for o in outcomes)
    maybe = " + ".join(f"(CASE WHEN {o} >= {dx.INDETERMINATE} THEN 1 ELSE 0 END)" for o in outcomes)
    return (
        f"(CASE WHEN ({met}) >= {k} THEN {dx.MET} WHEN ({maybe}) < {k} THEN {dx.NOT_MET} "
        f"ELSE {dx.INDETERMINATE} END)"
    )


def criterion_sql(plan: Plan, criterion: Criterion) -> str:
    match criterion:
        case AnyOf(children=children):
            return count_outcome(1, [criterion_sql(plan, c) for c in children])
        case AllOf(children=children):
            return count_outcome(len(children), [criterion_sql(plan, c) for c in children])
    return f"o_{plan.leaves[criterion]}"


def rule_sql(rule: KOfN, column: dict[str, str]) -> str:
    return count_outcome(
        rule.k, [column[i] if isinstance(i, str) else rule_sql(i, column) for i in rule.of]
    )


def patients_cte(plan: Plan) -> str:
    """Patients numbered so that every partition and join works on an integer key."""
    anniversaries = "".join(
        f", CASE WHEN ann_{y} IS NULL THEN {-NO_DAY} ELSE ann_{y} END AS ann_{y}"
        for y in plan.anniversaries()
    )
    return (
        f"p AS (SELECT CAST(ROW_NUMBER() OVER (ORDER BY patient_id) AS INTEGER) AS patient_id, "
        f"patient_id AS patient_text, {', '.join(PATIENT_COLUMNS[1:])}{anniversaries} FROM pat)"
    )


def days_sql(plan: Plan, as_of: int, dialect: Dialect = DUCKDB) -> str:
    """The patient-day table `dy` alone (Spark caches it: it does not materialise CTEs)."""
    return f"WITH {', '.join(day_ctes(plan, as_of, dialect))} SELECT * FROM dy"


def day_ctes(plan: Plan, as_of: int, dialect: Dialect = DUCKDB) -> list[str]:
    """Everything up to `nm`: one row per patient-day with each criterion's outcome."""
    obs_ctes, groups = _observation_ctes(plan, dialect)
    ctes = [
        patients_cte(plan),
        f"o AS (SELECT p.patient_id, ob.seq, ob.analyte, ob.t_us, ob.day, ob.value, ob.unit, "
        f"ob.category, ob.ref_low, ob.ref_high, ob.day - p.birth_day AS age_days, "
        f"{', '.join('p.' + c for c in PATIENT_COLUMNS[2:])}"
        f"{''.join(f', p.ann_{y}' for y in plan.anniversaries())} "
        f"FROM obs ob JOIN p ON ob.patient_id = p.patient_text WHERE ob.day <= {as_of} "
        f"AND ob.analyte IN {dx.in_list(sorted(plan.read_analytes()))})",
        *obs_ctes,
        _event_cte(plan, as_of),
        _extra_days_cte(plan, as_of),
    ]
    union = " UNION ALL ".join(f"SELECT * FROM {g}" for g in [*groups, "ev", "xd"])
    n = words(plan)
    ctes.append(
        f"dd AS (SELECT patient_id, day, MAX(assess) AS assess, MAX(is_event) AS is_event, "
        f"{', '.join(f'BIT_OR(w{i}) AS w{i}' for i in range(n))} FROM ({union}) u "
        f"GROUP BY patient_id, day)"
    )
    # The window of day D is a 14-day RANGE frame over the patient's days; OR-ing the day
    # masks over it gives, per leaf, whether any yes / unknown / no answer lies in the window.
    frame = (
        f"PARTITION BY patient_id ORDER BY day RANGE BETWEEN "
        f"{plan.criteria.window_days - 1} PRECEDING AND CURRENT ROW"
    )
    ors = ", ".join(f"BIT_OR(w{i}) OVER ({frame}) AS x{i}" for i in range(n))
    ctes.append(f"r AS (SELECT patient_id, day, assess, is_event, {ors} FROM dd)")
    outcomes = ", ".join(
        f"{_leaf_outcome(plan, c, leaf)} AS o_{c}" for leaf, c in plan.leaves.items()
    )
    ctes.append(f"lf AS (SELECT patient_id, day, assess, is_event, {outcomes} FROM r)")
    crit = plan.criteria.criteria
    named = {n.name: f"k_{i}" for i, n in enumerate(crit)}
    features = [f"{criterion_sql(plan, n.criterion)} AS f_{i}" for i, n in enumerate(plan.features)]
    ctes.append(
        f"nm AS (SELECT patient_id, day, assess, is_event, "
        f"{', '.join(f'{criterion_sql(plan, n.criterion)} AS {named[n.name]}' for n in crit)}"
        f"{''.join(', ' + f for f in features)} FROM lf)"
    )
    met = " + ".join(f"(CASE WHEN {c} = {dx.MET} THEN 1 ELSE 0 END)" for c in named.values())
    ctes.append(
        f"dy AS (SELECT nm.*, {rule_sql(plan.criteria.rule, named)} AS rule, "
        f"{met} AS met_count FROM nm)"
    )
    return ctes


def outcomes_sql(plan: Plan, as_of: int, dialect: Dialect = DUCKDB) -> str:
    """Each criterion's and feature's outcome on the days in `qd` (for the spec tests)."""
    named = [f"dy.k_{i}" for i in range(len(plan.criteria.criteria))]
    named += [f"dy.f_{i}" for i in range(len(plan.features))]
    return (
        f"WITH {', '.join(day_ctes(plan, as_of, dialect))} SELECT p.patient_text AS patient_id, "
        f"dy.day, {', '.join(named)} FROM dy JOIN p ON dy.patient_id = p.patient_id "
        f"JOIN qd ON p.patient_text = qd.patient_id AND dy.day = qd.day"
    )


def screen_sql(
    plan: Plan, as_of: int, dialect: Dialect = DUCKDB, days: str | None = None
) -> str:
    """One row per patient: diagnosis day, status inputs and the reported day's criteria.

    `days` names an existing table holding `days_sql`'s rows, used instead of recomputing them
    (Spark inlines a CTE at every use; `dy` has five)."""
    c = plan.criteria
    if c.consecutive == 1:
        clinical = f"MIN(CASE WHEN rule = {dx.MET} THEN day END)"
    elif c.diagnosis_date == "first-time-point":
        clinical = f"MIN(CASE WHEN rule = {dx.MET} AND prev_rule = {dx.MET} THEN prev_day END)"
    else:
        clinical = f"MIN(CASE WHEN rule = {dx.MET} AND prev_rule = {dx.MET} THEN day END)"
    if c.consecutive > 2:
        raise NotImplementedError("more than two consecutive time points")
    named = {n.name: f"k_{i}" for i, n in enumerate(c.criteria)}
    alone = " OR ".join(f"{named[a]} = {dx.MET}" for a in c.diagnostic_alone) or "FALSE"
    rank = f"CAST(met_count AS BIGINT) * {RANK_SCALE} + day"
    ctes = [
        *(day_ctes(plan, as_of, dialect) if days is None
          else [patients_cte(plan), f"dy AS (SELECT * FROM {days})"]),
        "ad AS (SELECT patient_id, day, rule, met_count, LAG(rule) OVER (PARTITION BY "
        "patient_id ORDER BY day) AS prev_rule, LAG(day) OVER (PARTITION BY patient_id "
        "ORDER BY day) AS prev_day FROM dy WHERE assess = 1)",
        f"dg AS (SELECT patient_id, {clinical} AS clinical, COUNT(*) AS n_days, "
        f"MAX(CASE WHEN rule = {dx.NOT_MET} THEN 0 ELSE 1 END) AS any_open, "
        f"MAX_BY(day, {rank}) AS best_day FROM ad GROUP BY patient_id)",
        f"al AS (SELECT patient_id, MIN(day) AS alone FROM dy WHERE is_event = 1 AND ({alone}) "
        f"GROUP BY patient_id)",
        "fm AS (SELECT p.patient_id, p.patient_text, p.allo, dg.clinical, al.alone, dg.n_days, "
        "dg.any_open, dg.best_day, CASE WHEN dg.clinical IS NULL THEN al.alone "
        "WHEN al.alone IS NULL THEN "
        "dg.clinical ELSE LEAST(dg.clinical, al.alone) END AS first_met FROM p "
        "LEFT JOIN dg ON dg.patient_id = p.patient_id "
        "LEFT JOIN al ON al.patient_id = p.patient_id)",
    ]
    report = ", ".join(f"rd.{k} AS r_{k}" for k in named.values())
    feats = "".join(f", fd.f_{i} AS hr_{i}" for i in range(len(plan.features)))
    return (
        f"WITH {', '.join(ctes)} SELECT fm.patient_text AS patient_id, fm.allo, fm.first_met, "
        f"fm.n_days, fm.any_open, COALESCE(fm.first_met, fm.best_day) AS report_day, "
        f"CASE WHEN fm.first_met IS NOT NULL AND ao.rule = {dx.MET} THEN 1 ELSE 0 END AS active, "
        f"{report}{feats} FROM fm "
        f"LEFT JOIN dy rd ON rd.patient_id = fm.patient_id AND "
        f"rd.day = COALESCE(fm.first_met, fm.best_day) "
        f"LEFT JOIN dy fd ON fd.patient_id = fm.patient_id AND fd.day = fm.first_met "
        f"LEFT JOIN dy ao ON ao.patient_id = fm.patient_id AND ao.day = {as_of}"
    )
