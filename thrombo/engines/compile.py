"""Compile a criteria set (model.py) into one SQL query over patient, observation and event tables.

Why a small compiler of our own rather than Ibis: the model has seven node types and needs a
handful of window shapes (running aggregates that exclude ties in time, day-ranged frames,
MAX_BY); writing those as SQL text (here and in observations.py) keeps every frame visible, and
runs unchanged on DuckDB and Spark SQL (the subset used: CTEs, CASE, GREATEST/LEAST, window
aggregates with ROWS/RANGE frames over integers, MEDIAN, MIN_BY/MAX_BY). Ibis would add a
dependency and hide exactly the frames whose semantics must match the reference.

Input tables (see `thrombo.engines.input_tables`): `pat`, `obs`, `evt`, `qd` (extra days to
evaluate). Days are integers (days since 1970-01-01, local calendar), times are UTC
microseconds, so no date arithmetic differs between dialects.

The shape, patient-partitioned throughout:
1. one row per observation: its answer per leaf (yes/unknown/no/skip), with baselines from
   window aggregates over the patient's earlier values of the analyte, in independent groups
   (observations.py) that DuckDB runs as queries of their own (`stage_sqls`);
2. one row per patient-day: whether each leaf had a yes/unknown/no observation that day;
3. each day's answers as flags in a BIGINT mask (three per leaf: yes, unknown, no), OR-ed over
   the 14-day RANGE frame: one window aggregate for up to 20 leaves, where one column per leaf
   and answer (48 running maxima for harmonized-2023) cost ten times more;
4. criteria, the rule and the per-patient diagnosis from those columns.
"""

from __future__ import annotations

from collections.abc import Mapping

from thrombo.engines import decisions as dx
from thrombo.engines import engraftment as eg
from thrombo.engines.observations import (
    DUCKDB,
    LEAF_BITS,
    Dialect,
    answers,
    bit,
    mask_words,
    observation_groups,
    word,
    words,
)
from thrombo.engines.query_plan import Leaf, Plan
from thrombo.rules.model import AllOf, AnyOf, Criterion, EventOccurred, KOfN, NotEngrafted

NO_DAY = -100_000_000
RANK_SCALE = 1_000_000_000
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


def _event_cte(plan: Plan, as_of: int) -> str:
    codes = {col: dx.event_answer(leaf) for leaf, col in plan.event_leaves()}
    is_event = "CASE WHEN hsct_day IS NOT NULL AND day >= hsct_day THEN 1 ELSE 0 END"
    return (
        f"ev AS (SELECT patient_id, day, 0 AS assess, is_event, "
        f"{', '.join(mask_words(plan, codes))} "
        f"FROM (SELECT patient_id, day, {is_event} AS is_event{answers(codes)} FROM "
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


def _leaf_outcome(plan: Plan, col: str, leaf: Leaf, masks: str = "x") -> str:
    if isinstance(leaf, NotEngrafted):
        return _not_engrafted(leaf)
    nothing = dx.INDETERMINATE
    if isinstance(leaf, EventOccurred) and leaf.absent == "not_met":
        nothing = dx.NOT_MET
    mask = f"{masks}{word(plan, col)}"
    flag = {a: f"({mask} & {bit(plan, col, a)}) <> 0" for a in (dx.YES, dx.UNKNOWN, dx.NO)}
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


def criterion_sql(plan: Plan, criterion: Criterion, leaves: str = "o_") -> str:
    match criterion:
        case AnyOf(children=children):
            return count_outcome(1, [criterion_sql(plan, c, leaves) for c in children])
        case AllOf(children=children):
            return count_outcome(len(children), [criterion_sql(plan, c, leaves)
                                                 for c in children])
    return f"{leaves}{plan.leaves[criterion]}"


def remeasures(plan: Plan) -> bool:
    """Re-measured confirmation (screening.remeasures): the second time point's rule again
    over its fresh window, the days after the previous assessment day."""
    return plan.criteria.consecutive == 2 and plan.criteria.confirmation == "re-measured"


def rule_sql(rule: KOfN, column: dict[str, str]) -> str:
    return count_outcome(
        rule.k, [column[i] if isinstance(i, str) else rule_sql(i, column) for i in rule.of]
    )


# The day's own flags, in the first mask word's free bits: one aggregate per word over the
# (patient, day) groups instead of MAX(assess) and MAX(is_event) beside them (about 7% less
# CPU for this step at 10 M rows).
ASSESS_FLAG = 1 << LEAF_BITS
EVENT_FLAG = 1 << (LEAF_BITS + 1)


def _days_cte(union: str, n: int) -> str:
    """`dd`: one row per patient-day, its rows' mask words OR-ed."""
    first = f"BIT_OR(w0 + assess * {ASSESS_FLAG} + is_event * {EVENT_FLAG}) AS m0"
    rest = "".join(f", BIT_OR(w{i}) AS w{i}" for i in range(1, n))
    return (
        f"dd AS (SELECT patient_id, day, "
        f"CASE WHEN (m0 & {ASSESS_FLAG}) <> 0 THEN 1 ELSE 0 END AS assess, "
        f"CASE WHEN (m0 & {EVENT_FLAG}) <> 0 THEN 1 ELSE 0 END AS is_event, "
        f"m0 & {ASSESS_FLAG - 1} AS w0{''.join(f', w{i}' for i in range(1, n))} FROM "
        f"(SELECT patient_id, day, {first}{rest} FROM ({union}) u GROUP BY patient_id, day) g)"
    )


def patients_cte(plan: Plan, as_of: int) -> str:
    """Patients numbered so that every partition and join works on an integer key (`p0`),
    with engraftment dates the record lacks derived from counts known by as-of (`p`,
    engines/engraftment.py): every part of the query reads the anchors from `p`."""
    anniversaries = "".join(
        f", CASE WHEN ann_{y} IS NULL THEN {-NO_DAY} ELSE ann_{y} END AS ann_{y}"
        for y in plan.anniversaries()
    )
    numbered = (
        f"p0 AS (SELECT CAST(ROW_NUMBER() OVER (ORDER BY patient_id) AS INTEGER) AS patient_id, "
        f"patient_id AS patient_text, {', '.join(PATIENT_COLUMNS[1:])}{anniversaries} FROM pat)"
    )
    items, joins = eg.patient_columns()
    kept = [f"p0.{c}" for c in ("patient_id", "patient_text", *PATIENT_COLUMNS[1:])
            if c not in ("neut_day", "plt_day")]
    kept += [f"p0.ann_{y}" for y in plan.anniversaries()]
    derived = f"p AS (SELECT {', '.join([*kept, *items])} FROM p0 {' '.join(joins)})"
    return ", ".join([numbered, *eg.engraftment_ctes(plan.criteria.engraftment, as_of), derived])


PATIENTS = "p"
"""The key of `Staged` naming a table that already holds `patients_sql`'s rows."""


def patients_sql(plan: Plan, as_of: int) -> str:
    """`p`'s rows alone: DuckDB stores them once (`duck.staged_rows`) so that the engraftment
    derivation runs once, not in every observation group's query."""
    return f"WITH {patients_cte(plan, as_of)} SELECT * FROM p"


def _patients(plan: Plan, as_of: int, staged: Staged | None) -> str:
    if staged is not None and PATIENTS in staged:
        return f"p AS (SELECT * FROM {staged[PATIENTS]})"
    return patients_cte(plan, as_of)


def _not_engrafted(leaf: NotEngrafted) -> str:
    """model.NotEngrafted on day `day` from `p`'s engraftment columns (joined as `e_*`)."""
    c = "e_" + ("plt" if leaf.anchor == "platelet_engraftment" else "neut")
    return (
        f"CASE WHEN e_hsct IS NULL THEN {dx.INDETERMINATE} "
        f"WHEN day - e_hsct < {leaf.from_day} OR ({c}_day IS NOT NULL AND {c}_day <= day) "
        f"THEN {dx.NOT_MET} WHEN {c}_rec IS NOT NULL OR ({c}_nadir IS NOT NULL AND "
        f"{c}_nadir <= day) THEN {dx.MET} WHEN {c}_first IS NOT NULL AND {c}_first <= day "
        f"THEN {dx.NOT_MET} ELSE {dx.INDETERMINATE} END"
    )


def _engraftment_join(plan: Plan) -> str:
    if not any(isinstance(leaf, NotEngrafted) for leaf in plan.leaves):
        return ""
    cols = ", ".join(f"{pre}_{what} AS e_{pre}_{what}" for pre, _ in eg.DERIVED
                     for what in ("day", "rec", "nadir", "first"))
    return (f" JOIN (SELECT patient_id AS e_patient, hsct_day AS e_hsct, {cols} FROM p) pe "
            "ON pe.e_patient = r.patient_id")


def days_sql(plan: Plan, as_of: int, dialect: Dialect = DUCKDB) -> str:
    """The patient-day table `dy` alone (Spark caches it: it does not materialise CTEs)."""
    return f"WITH {', '.join(day_ctes(plan, as_of, dialect))} SELECT * FROM dy"


def observations_cte(plan: Plan, as_of: int) -> str:
    """`o`: the observations the criteria read, with the patient's columns beside each."""
    return (
        f"o AS (SELECT p.patient_id, ob.seq, ob.analyte, ob.t_us, ob.day, ob.value, ob.unit, "
        f"ob.category, ob.ref_low, ob.ref_high, ob.cmp, ob.bound, "
        f"ob.day - p.birth_day AS age_days, "
        f"{dx.completed_months('ob.day', '(ob.day - p.birth_day)')} AS age_months, "
        f"{', '.join('p.' + c for c in PATIENT_COLUMNS[2:])}"
        f"{''.join(f', p.ann_{y}' for y in plan.anniversaries())} "
        f"FROM obs ob JOIN p ON ob.patient_id = p.patient_text WHERE ob.day <= {as_of} "
        f"AND ob.analyte IN {dx.in_list(sorted(plan.read_analytes()))})"
    )


Staged = Mapping[str, str]


def stage_sqls(
    plan: Plan, as_of: int, dialect: Dialect = DUCKDB, staged: Staged | None = None
) -> list[tuple[str, str]]:
    """Each observation group as a query of its own: (group name, SQL of its rows).

    DuckDB runs them one after another into temporary tables and then the rest of the query
    over those (`staged`): in one query every group's pipeline consumed the shared `o` rows at
    once, and the same work cost about 15% more CPU at 10 M rows."""
    head = f"{_patients(plan, as_of, staged)}, {observations_cte(plan, as_of)}"
    return [
        (name, f"WITH {head}, {', '.join(ctes)} SELECT * FROM {name}")
        for name, ctes in observation_groups(plan, dialect)
    ]


def _fresh_windows(dialect: Dialect, back: int, n: int, ors: str) -> list[str]:
    """`r` with the fresh window of day D beside the whole one: the rows after the previous
    assessment day P, up to D and within D's window (days max(P + 1, D - back) to D)."""
    keep = "patient_id, day, assess, is_event"
    order = "PARTITION BY patient_id ORDER BY day"
    if dialect.variable_frames:
        # One sort for both windows' inputs: P is a running maximum over the same order as the
        # whole window, and the fresh window a frame whose start varies by row. The `grp`
        # partition below costs a third sort of the patient-days (0.3 CPU-s at 10 M rows).
        prev = (f"MAX(CASE WHEN assess = 1 THEN day END) OVER ({order} ROWS BETWEEN "
                "UNBOUNDED PRECEDING AND 1 PRECEDING)")
        start = f"LEAST(day - COALESCE(prev_assess, {NO_DAY}) - 1, {back})"
        since = f"{order} RANGE BETWEEN {start} PRECEDING AND CURRENT ROW"
        ys = ", ".join(f"BIT_OR(w{i}) OVER ({since}) AS y{i}" for i in range(n))
        xs = ", ".join(f"x{i}" for i in range(n))
        return [
            f"dq AS (SELECT {keep}, {', '.join(f'w{i}' for i in range(n))}, {prev} AS "
            f"prev_assess, {ors} FROM dd)",
            f"r AS (SELECT {keep}, {xs}, {ys} FROM dq)",
        ]
    # Spark's frames have constant bounds. `grp` counts the assessment days strictly before a
    # row, so the rows after P and D itself share one value (P has one less).
    since = (f"PARTITION BY patient_id, grp ORDER BY day RANGE BETWEEN {back} PRECEDING "
             "AND CURRENT ROW")
    ys = "".join(f", BIT_OR(w{i}) OVER ({since}) AS y{i}" for i in range(n))
    return [
        f"dq AS (SELECT dd.*, COALESCE(SUM(assess) OVER ({order} ROWS BETWEEN UNBOUNDED "
        "PRECEDING AND 1 PRECEDING), 0) AS grp FROM dd)",
        f"r AS (SELECT {keep}, {ors}{ys} FROM dq)",
    ]


def day_ctes(
    plan: Plan, as_of: int, dialect: Dialect = DUCKDB, staged: Staged | None = None
) -> list[str]:
    """Everything up to `dy`: one row per patient-day with each criterion's outcome.

    `staged` maps each observation group to a table holding `stage_sqls`' rows for it."""
    obs_groups = observation_groups(plan, dialect)
    groups = [name for name, _ in obs_groups]
    if staged is None:
        obs = [observations_cte(plan, as_of), *(c for _, ctes in obs_groups for c in ctes)]
    else:
        obs = [f"{name} AS (SELECT * FROM {staged[name]})" for name in groups]
    ctes = [
        _patients(plan, as_of, staged),
        *obs,
        _event_cte(plan, as_of),
        _extra_days_cte(plan, as_of),
    ]
    union = " UNION ALL ".join(f"SELECT * FROM {g}" for g in [*groups, "ev", "xd"])
    n = words(plan)
    ctes.append(_days_cte(union, n))
    # The window of day D is a 14-day RANGE frame over the patient's days; OR-ing the day
    # masks over it gives, per leaf, whether any yes / unknown / no answer lies in the window.
    back = plan.criteria.window_days - 1
    frame = f"PARTITION BY patient_id ORDER BY day RANGE BETWEEN {back} PRECEDING AND CURRENT ROW"
    ors = ", ".join(f"BIT_OR(w{i}) OVER ({frame}) AS x{i}" for i in range(n))
    fresh = remeasures(plan)
    if fresh:
        ctes.extend(_fresh_windows(dialect, back, n, ors))
    else:
        ctes.append(f"r AS (SELECT patient_id, day, assess, is_event, {ors} FROM dd)")
    outcomes = ", ".join(
        f"{_leaf_outcome(plan, c, leaf)} AS o_{c}" for leaf, c in plan.leaves.items()
    )
    if fresh:
        outcomes += "".join(f", {_leaf_outcome(plan, c, leaf, 'y')} AS n_{c}"
                            for leaf, c in plan.leaves.items())
    ctes.append(f"lf AS (SELECT patient_id, day, assess, is_event, {outcomes} FROM r"
                f"{_engraftment_join(plan)})")
    crit = plan.criteria.criteria
    named = {n.name: f"k_{i}" for i, n in enumerate(crit)}
    renamed = {n.name: f"q_{i}" for i, n in enumerate(crit)}
    features = [f"{criterion_sql(plan, n.criterion)} AS f_{i}" for i, n in enumerate(plan.features)]
    if fresh:
        features += [f"{criterion_sql(plan, n.criterion, 'n_')} AS {renamed[n.name]}"
                     for n in crit]
    ctes.append(
        f"nm AS (SELECT patient_id, day, assess, is_event, "
        f"{', '.join(f'{criterion_sql(plan, n.criterion)} AS {named[n.name]}' for n in crit)}"
        f"{''.join(', ' + f for f in features)} FROM lf)"
    )
    met = " + ".join(f"(CASE WHEN {c} = {dx.MET} THEN 1 ELSE 0 END)" for c in named.values())
    rule = rule_sql(plan.criteria.rule, named)
    confirm = (f"CASE WHEN ({rule}) = {dx.NOT_MET} THEN {dx.NOT_MET} ELSE "
               f"{rule_sql(plan.criteria.rule, renamed)} END" if fresh else rule)
    ctes.append(
        f"dv AS (SELECT nm.*, {rule} AS rule, {confirm} AS confirm, {met} AS met_count FROM nm)"
    )
    # Only what the verdicts read, stored once: five parts of the query read `dy`, and DuckDB
    # otherwise stored the wide `lf` (every leaf's two outcomes) and recomputed the criteria
    # in each part (0.3 CPU-s more at 10 M rows).
    keep = ["patient_id", "day", "assess", "is_event", *named.values(),
            *(f"f_{i}" for i in range(len(plan.features))), "rule", "confirm", "met_count"]
    ctes.append(f"dy AS {dialect.materialized}(SELECT {', '.join(keep)} FROM dv)")
    return ctes


def outcomes_sql(
    plan: Plan, as_of: int, dialect: Dialect = DUCKDB, staged: Staged | None = None
) -> str:
    """Each criterion's and feature's outcome on the days in `qd` (for the spec tests)."""
    named = [f"dy.k_{i}" for i in range(len(plan.criteria.criteria))]
    named += [f"dy.f_{i}" for i in range(len(plan.features))]
    return (
        f"WITH {', '.join(day_ctes(plan, as_of, dialect, staged))} "
        f"SELECT p.patient_text AS patient_id, "
        f"dy.day, {', '.join(named)} FROM dy JOIN p ON dy.patient_id = p.patient_id "
        f"JOIN qd ON p.patient_text = qd.patient_id AND dy.day = qd.day"
    )


def screen_sql(
    plan: Plan,
    as_of: int,
    dialect: Dialect = DUCKDB,
    days: str | None = None,
    staged: Staged | None = None,
) -> str:
    """One row per patient: diagnosis day, status inputs and the reported day's criteria.

    `days` names an existing table holding `days_sql`'s rows, used instead of recomputing them
    (Spark inlines a CTE at every use; `dy` has five); `staged` as for `day_ctes`."""
    c = plan.criteria
    if c.consecutive == 1:
        clinical = f"MIN(CASE WHEN rule = {dx.MET} THEN day END)"
    elif c.diagnosis_date == "first-time-point":
        clinical = f"MIN(CASE WHEN confirm = {dx.MET} AND prev_rule = {dx.MET} THEN prev_day END)"
    else:
        clinical = f"MIN(CASE WHEN confirm = {dx.MET} AND prev_rule = {dx.MET} THEN day END)"
    if c.consecutive > 2:
        raise NotImplementedError("more than two consecutive time points")
    # screening._could_be_diagnosed: some day (one time point), or some pair of consecutive
    # days, or the last day (its confirmation is still to come), not ruled out.
    if c.consecutive == 1:
        any_open = f"MAX(CASE WHEN rule = {dx.NOT_MET} THEN 0 ELSE 1 END)"
    else:
        any_open = (
            f"GREATEST(MAX(CASE WHEN prev_rule <> {dx.NOT_MET} AND confirm <> {dx.NOT_MET} "
            f"THEN 1 ELSE 0 END), MAX_BY(CASE WHEN rule = {dx.NOT_MET} THEN 0 ELSE 1 END, day))"
        )
    named = {n.name: f"k_{i}" for i, n in enumerate(c.criteria)}
    alone = " OR ".join(f"{named[a]} = {dx.MET}" for a in c.diagnostic_alone) or "FALSE"
    rank = f"CAST(met_count AS BIGINT) * {RANK_SCALE} + day"
    ctes = [
        *(day_ctes(plan, as_of, dialect, staged) if days is None
          else [_patients(plan, as_of, staged), f"dy AS (SELECT * FROM {days})"]),
        "ad AS (SELECT patient_id, day, rule, confirm, met_count, LAG(rule) OVER (PARTITION BY "
        "patient_id ORDER BY day) AS prev_rule, LAG(day) OVER (PARTITION BY patient_id "
        "ORDER BY day) AS prev_day FROM dy WHERE assess = 1)",
        f"dg AS (SELECT patient_id, {clinical} AS clinical, COUNT(*) AS n_days, "
        f"{any_open} AS any_open, "
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
