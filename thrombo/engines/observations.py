"""The observation half of the compiled query: each observation's answer per leaf, as mask words.

Split from compile.py (which assembles the whole query): one group of CTEs per kind of
observation - blood pressure (latest height, its percentile, the table limits), each analyte with
a baseline (window aggregates over the patient's earlier values), and the rest (answers from the
row alone) - each ending in rows of (patient, day, assessment day?, mask words). A leaf's answers
are three flags (yes, unknown, no) in a BIGINT word, so days and windows OR them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.engines import decisions as dx
from thrombo.engines.normal_cdf import normal_cdf_sql, scaled_sql
from thrombo.engines.query_plan import HEIGHT, Plan
from thrombo.engines.reftables import HEIGHT_SPAN, age_months_sql
from thrombo.rules.model import Baseline, BloodPressure

BP = ("systolic_bp", "diastolic_bp")
# Each leaf's answers in a window are three flags (yes, unknown, no) in a BIGINT mask word.
# Bits from LEAF_BITS up are left free: the first word carries the day's own flags there
# (compile.py's `dd`).
BITS_PER_LEAF = 3
LEAF_BITS = 60
LEAVES_PER_WORD = LEAF_BITS // BITS_PER_LEAF
# `growth.height_percentile`: 100 x the normal CDF of the LMS z-score.
HEIGHT_Z = (
    "CASE WHEN ll = 0 THEN LN(h_val / mm) / ss ELSE (POWER(h_val / mm, ll) - 1) / (ll * ss) END"
)
HEIGHT_PCT = f"(100.0 * {normal_cdf_sql('h_z', 'h_x', 'h_y')})"

def bit(plan: Plan, col: str, answer: int) -> int:
    """Leaf `col`'s flag for one answer (YES/UNKNOWN/NO) inside its mask word."""
    index = list(plan.leaves.values()).index(col)
    return 1 << (BITS_PER_LEAF * (index % LEAVES_PER_WORD) + answer - dx.NO)


def word(plan: Plan, col: str) -> int:
    return list(plan.leaves.values()).index(col) // LEAVES_PER_WORD


def words(plan: Plan) -> int:
    return max(1, -(-len(plan.leaves) // LEAVES_PER_WORD))


def mask_words(plan: Plan, available: dict[str, str]) -> list[str]:
    """A row group's answers as mask words: one flag per (leaf, answer) the row gives.

    The leaves a group can answer are few, so the answers are computed in an inner select
    (`c_<leaf>`) and only those are folded into the words here."""
    parts: list[list[str]] = [[] for _ in range(words(plan))]
    for col in available:
        arms = " ".join(f"WHEN {a} THEN {bit(plan, col, a)}" for a in (dx.YES, dx.UNKNOWN, dx.NO))
        parts[word(plan, col)].append(f"(CASE c_{col} {arms} ELSE 0 END)")
    return [f"CAST({' + '.join(p) if p else '0'} AS BIGINT) AS w{i}" for i, p in enumerate(parts)]


def answers(available: dict[str, str]) -> str:
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


def _group_select(
    plan: Plan, source: str, codes: dict[str, str], analytes: frozenset[str]
) -> str:
    """A group's rows as (patient, day, assessment day?, mask words). `analytes` are those the
    group's rows can hold: when the criteria use them all, no per-row analyte test is needed."""
    used = plan.used_analytes()
    in_used = "" if analytes <= used else f"analyte IN {dx.in_list(sorted(used))} AND "
    assess = f"CASE WHEN {in_used}hsct_day IS NOT NULL AND day >= hsct_day THEN 1 ELSE 0 END"
    return (
        f"SELECT patient_id, day, assess, 0 AS is_event, {', '.join(mask_words(plan, codes))} "
        f"FROM (SELECT patient_id, day, {assess} AS assess{answers(codes)} FROM {source}"
    )


def _anchor_condition(b: Baseline, row: str = "") -> str:
    if b.anchor is None:
        return "TRUE"
    anchor = f"{row}{dx.ANCHOR_COLUMN[b.anchor]}"
    return f"{row}day >= {anchor}" if b.side == "after" else f"{row}day <= {anchor} - 1"


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs: an exact median usable over a window frame, whether a window frame's
    bounds may vary by row (DuckDB's may; Spark's are constants), and CTE materialisation."""

    name: str
    median: str
    variable_frames: bool
    # How a CTE is asked to be computed once whatever reads it (Spark caches `dy` itself).
    materialized: str


DUCKDB = Dialect("duckdb", "MEDIAN({})", variable_frames=True, materialized="MATERIALIZED ")
SPARK = Dialect("spark", "PERCENTILE({}, 0.5)", variable_frames=False, materialized="")


def _stat(stat: str, value: str, seq: str, frame: str, dialect: Dialect = DUCKDB) -> str:
    if stat == "median":
        return f"{dialect.median.format(value)} OVER ({frame})"
    if stat == "max":
        return f"MAX({value}) OVER ({frame})"
    fn = "MIN_BY" if stat == "first" else "MAX_BY"
    return f"{fn}({value}, {seq}) OVER ({frame})"


def _baseline_windows(
    b: Baseline, col: str, dialect: Dialect, daily: bool = False
) -> tuple[list[str], str | None]:
    """Window columns for one baseline; and, for a windowed median, the condition a same-day
    earlier value must meet (such rows take the exact, joined path). `daily`: the rows are a
    patient's with exactly one row a day and no day missing, so a look-back of N days is the
    N rows before (`_baseline_group`)."""
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
        f"{'ROWS' if daily else 'RANGE'} BETWEEN {b.lookback_days} PRECEDING AND 1 PRECEDING"
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
    daily: list[str] = []
    slow: list[tuple[Baseline, str]] = []
    firsts: list[str] = []
    for b, col in mine.items():
        cols, same_day = _baseline_windows(b, col, dialect)
        windows.extend(cols)
        daily.extend(_baseline_windows(b, col, dialect, daily=True)[0])
        if same_day:
            slow.append((b, col))
            firsts.append(f"MIN(CASE WHEN {same_day} THEN t_us END) AS ft_{col}")
    where = f"analyte = {dx.text(analyte)}"
    if firsts:
        # A windowed median over a RANGE frame costs about three times one over a fixed ROWS
        # frame (DuckDB answers the latter with a sliding structure). For a patient with exactly
        # one row a day and no day missing - daily labs - the two frames hold the same rows,
        # so those patients' rows take the ROWS form and the others the RANGE form. Such a
        # patient has no earlier result on a row's own day either, so only the others need
        # the (patient, day) step (`f`) that finds one. Telling them apart per patient (`r`)
        # rather than from that step cost 0.2 CPU-s less per 10 M rows.
        same = ", ".join(f"CASE WHEN ft_{col} < t_us THEN 1 ELSE 0 END AS {col}_same"
                         for _, col in slow)
        never = ", ".join(f"0 AS {col}_same" for _, col in slow)
        flagged = (f"(SELECT o.*, r_daily FROM o JOIN {name}r ON r_patient = patient_id "
                   f"WHERE {where})")
        ctes = [
            f"{name}r AS (SELECT patient_id AS r_patient, CASE WHEN COUNT(*) = MAX(day) - "
            f"MIN(day) + 1 AND COUNT(DISTINCT day) = COUNT(*) THEN 1 ELSE 0 END AS r_daily "
            f"FROM o WHERE {where} GROUP BY patient_id)",
            f"{name}f AS (SELECT patient_id AS f_patient, day AS f_day, {', '.join(firsts)} "
            f"FROM {flagged} a WHERE r_daily = 0 GROUP BY patient_id, day)",
            f"{name}0 AS (SELECT a.*, {never}, {', '.join(daily)} FROM {flagged} a "
            f"WHERE r_daily = 1 UNION ALL SELECT a.*, {same}, {', '.join(windows)} "
            f"FROM {flagged} a LEFT JOIN {name}f ON f_patient = patient_id AND f_day = day "
            f"WHERE r_daily = 0)",
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


IS_HEIGHT = f"analyte = '{HEIGHT}' AND value IS NOT NULL"


def _heights_joined(rows: str) -> str:
    """`bpt`: the readings `rows`, each with the patient's latest non-empty height at or before
    it (`decide_bp.latest_height`: latest in (time, seq) order, equal times included), on DuckDB.

    One height per (patient, time), the last by seq (`hts`). A patient with at most one such
    time needs no search: a hash join and a time test (most children are measured once a stay).
    The others take an ASOF join, which sorts their readings: for every patient that sort was
    0.5 of the group's 1.9 CPU seconds per 10 M rows. Heights are few, so a window over both
    kinds of row cost 4x more."""
    return (
        f"hts AS (SELECT patient_id AS h_patient, t_us AS h_t, MAX_BY(value, seq) AS h_val, "
        f"MAX_BY(day, seq) AS h_day FROM o WHERE {IS_HEIGHT} GROUP BY patient_id, t_us), "
        "hn AS (SELECT h_patient AS n_patient, COUNT(*) AS n_h FROM hts GROUP BY h_patient), "
        f"bpo AS (SELECT r.*, COALESCE(n_h, 0) AS n_h FROM {rows} r "
        "LEFT JOIN hn ON n_patient = patient_id), "
        "bpt AS (SELECT * EXCLUDE (n_h) FROM (SELECT b.*, CASE WHEN b.t_us >= h.h_t THEN "
        "h.h_val END AS h_val, CASE WHEN b.t_us >= h.h_t THEN h.h_day END AS h_day "
        "FROM bpo b LEFT JOIN hts h ON b.patient_id = h.h_patient WHERE b.n_h <= 1 "
        "UNION ALL SELECT b.*, h.h_val, h.h_day FROM (SELECT * FROM bpo WHERE n_h > 1) b "
        "ASOF LEFT JOIN hts h ON b.patient_id = h.h_patient AND b.t_us >= h.h_t))"
    )


def _heights_windowed() -> str:
    """`bph`: every reading of `o` with the same latest height, on Spark, which has no ASOF
    join: a running MAX_BY keyed on (time, seq) over both kinds of row."""
    frame = (
        "PARTITION BY patient_id ORDER BY t_us RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    )
    key = f"CASE WHEN {IS_HEIGHT} THEN NAMED_STRUCT('t', t_us, 's', seq) END"
    return (
        f"bph AS (SELECT * FROM (SELECT o.*, MAX_BY(CASE WHEN {IS_HEIGHT} THEN value END, {key}) "
        f"OVER ({frame}) AS h_val, MAX_BY(CASE WHEN {IS_HEIGHT} THEN day END, {key}) "
        f"OVER ({frame}) AS h_day FROM o WHERE analyte IN ('systolic_bp', 'diastolic_bp', "
        f"'{HEIGHT}')) hh WHERE analyte IN {dx.in_list(BP)})"
    )


def _table_row(leaf: BloodPressure, alias: str, sex: str, rows: str) -> str:
    """The `ref_bp` row of one sex for the leaf's table and percentile, the row's age and
    component."""
    return (
        f"LEFT JOIN ref_bp {alias} ON {alias}.bp_source = '{leaf.child_limit.source}' AND "
        f"{alias}.bp_sex = '{sex}' AND {alias}.bp_age = {rows}.tage AND "
        f"{alias}.bp_pct = {leaf.child_limit.percentile} AND {alias}.bp_component = {rows}.analyte"
    )


def _height_free(plan: Plan, rows: str) -> str:
    """`bpb`: each reading's answers with the limits over every height (`q_<leaf>`), and
    whether a height could change any of them (`slow`).

    A child's limit at any height percentile lies between the table's lowest and highest limit
    for the age and sex (`h_least`, `h_greatest`; with sex unknown, the lower and higher of the
    two sexes'), and each comparison is monotone in the limit. So a reading above the highest
    limit, or not above the lowest, has its answer without a height, the one
    `decide_bp.decide_blood_pressure` gives; only readings in between take the height, its
    percentile and the interpolation (`bp1`..`bp6`), which cost 0.6 of the group's CPU when
    every reading took them."""
    joins, limits, quick, slow = [], [], [], []
    for leaf, col in plan.bp_leaves():
        m, f = f"bm_{col}", f"bf_{col}"
        joins += [_table_row(leaf, m, "M", "r"), _table_row(leaf, f, "F", "r")]
        limits.append(
            f"{m}.h_least AS lm_{col}, {f}.h_least AS lf_{col}, "
            f"{m}.h_greatest AS gm_{col}, {f}.h_greatest AS gf_{col}"
        )
        quick.append(
            f"{dx.per_sex(f'lm_{col}', f'lf_{col}', 'LEAST')} AS lq_{col}, "
            f"{dx.per_sex(f'gm_{col}', f'gf_{col}', 'GREATEST')} AS hq_{col}"
        )
        slow.append(f"(q_{col} = {dx.UNKNOWN} AND lq_{col} IS NOT NULL)")
    answers = ", ".join(
        f"{dx.blood_pressure(leaf, f'lq_{col}', f'hq_{col}')} AS q_{col}"
        for leaf, col in plan.bp_leaves()
    )
    aged = f"(SELECT *, {dx.completed_years('day', 'age_days')} AS tage FROM {rows}) r"
    return (
        f"bpb AS (SELECT *, CASE WHEN {' OR '.join(slow)} THEN 1 ELSE 0 END AS slow FROM "
        f"(SELECT *, {answers} FROM (SELECT *, {', '.join(quick)} FROM "
        f"(SELECT r.*, {', '.join(limits)} FROM {aged} {' '.join(joins)}) b0) b1) b2)"
    )


def _bp_group(plan: Plan, dialect: Dialect) -> tuple[list[str], str]:
    """Blood-pressure readings answered from the table's limits alone (`bpb`), or else with the
    latest height, its percentile and the limit interpolated at it (`bp6`)."""
    readings = f"(SELECT * FROM o WHERE analyte IN {dx.in_list(BP)})"
    banded = "(SELECT * FROM bpb WHERE slow = 1)"
    if dialect.name == "duckdb":
        ctes = [_height_free(plan, readings), _heights_joined(banded)]
    else:
        ctes = [_heights_windowed(), _height_free(plan, "bph"), f"bpt AS {banded}"]
    ctes += [
        f"bp1 AS (SELECT bpt.*, {age_months_sql('age_days')} AS months FROM bpt)",
        "bp2 AS (SELECT bp1.*, CASE WHEN lms.a1 = lms.a0 THEN 0.0 ELSE (months - lms.a0) / "
        "(lms.a1 - lms.a0) END AS lf, lms.l0, lms.m0, lms.s0, lms.l1, lms.m1, lms.s1 FROM bp1 "
        "LEFT JOIN ref_lms lms ON lms.sex = bp1.sex AND lms.bucket = "
        "CAST(FLOOR(bp1.months * 2) AS INTEGER) AND bp1.months <= lms.last_age "
        "AND bp1.h_val IS NOT NULL)",
        "bp3 AS (SELECT bp2.*, l0 + lf * (l1 - l0) AS ll, m0 + lf * (m1 - m0) AS mm, "
        "s0 + lf * (s1 - s0) AS ss FROM bp2)",
        # One step per column: the series reads h_y once per term, the clamp h_raw twice.
        f"bp4 AS (SELECT *, {dx.clamp('h_raw', *HEIGHT_SPAN)} AS h_pct FROM "
        f"(SELECT *, {HEIGHT_PCT} AS h_raw FROM (SELECT *, h_x * h_x AS h_y FROM "
        f"(SELECT *, {scaled_sql('h_z')} AS h_x FROM "
        f"(SELECT bp3.*, {HEIGHT_Z} AS h_z FROM bp3) bpz) bpx) bpy) bpr)",
    ]
    joins, exact, bounds, pcts, slow_codes, quick_codes = [], [], [], [], {}, {}
    for leaf, col in plan.bp_leaves():
        m, f = f"bm_{col}", f"bf_{col}"
        joins += [_table_row(leaf, m, "M", "bp5"), _table_row(leaf, f, "F", "bp5")]
        pcts.append(f"{dx.bp_percentile(leaf)} AS pr_{col}")
        pc = f"pc_{col}"
        exact.append(f"{dx.bp_exact(m, pc)} AS xm_{col}, {dx.bp_exact(f, pc)} AS xf_{col}")
        pair = (f"xm_{col}", f"xf_{col}")
        bounds.append(f"{dx.bp_bound(pc, pair, (f'lm_{col}', f'lf_{col}'), 'LEAST')} AS lo_{col}")
        bounds.append(
            f"{dx.bp_bound(pc, pair, (f'gm_{col}', f'gf_{col}'), 'GREATEST')} AS hi_{col}"
        )
        slow_codes[col] = dx.blood_pressure(leaf, f"lo_{col}", f"hi_{col}")
        quick_codes[col] = f"q_{col}"
    clamps = ", ".join(f"{dx.clamp(f'pr_{col}', *HEIGHT_SPAN)} AS pc_{col}"
                       for _, col in plan.bp_leaves())
    ctes.append(f"bp5 AS (SELECT *, {clamps} FROM (SELECT bp4.*, {', '.join(pcts)} FROM bp4) b)")
    ctes.append(
        f"bp6 AS (SELECT *, {', '.join(bounds)} FROM "
        f"(SELECT bp5.*, {', '.join(exact)} FROM bp5 {' '.join(joins)}) b)"
    )
    labs = _lab_codes(plan, frozenset(BP), {})
    keep = "patient_id, day, analyte, hsct_day"
    ctes.append(
        f"bpu AS (SELECT {keep}{answers({**slow_codes, **labs})} FROM bp6 UNION ALL "
        f"SELECT {keep}{answers({**quick_codes, **labs})} FROM bpb WHERE slow = 0)"
    )
    codes = {col: f"c_{col}" for col in [*slow_codes, *labs]}
    ctes.append(f"bpd AS ({_group_select(plan, 'bpu', codes, frozenset(BP))}) x)")
    return ctes, "bpd"


def observation_groups(plan: Plan, dialect: Dialect) -> list[tuple[str, list[str]]]:
    """Each group of observation rows: its name and the CTEs computing it (the last is the
    name), over the CTEs `p` and `o`. Groups are independent of each other."""
    groups: list[tuple[str, list[str]]] = []
    special = set(plan.baseline_analytes())
    if plan.bp_leaves():
        if special & {*BP, HEIGHT}:
            raise NotImplementedError("baselines of blood pressure or height")
        bp_ctes, bp_name = _bp_group(plan, dialect)
        groups.append((bp_name, bp_ctes))
        special |= {*BP, HEIGHT}
    for analyte in plan.baseline_analytes():
        group_ctes, name = _baseline_group(plan, analyte, dialect)
        baselines = {b: col for (a, b), col in plan.baselines.items() if a == analyte}
        one = frozenset({analyte})
        select = _group_select(plan, name, _lab_codes(plan, one, baselines), one)
        groups.append((f"d_{analyte}", [*group_ctes, f"d_{analyte} AS ({select}) x)"]))
    rest = sorted(plan.read_analytes() - special)
    if rest:
        others = frozenset(rest)
        select = _group_select(plan, "o", _lab_codes(plan, others, {}), others)
        groups.append(("d_rest", [f"d_rest AS ({select} WHERE analyte IN {dx.in_list(rest)}) x)"]))
    return groups
