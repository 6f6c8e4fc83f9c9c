"""The latest result behind a criterion not met or undecided, with its limit, in SQL.

`rules.latest_results` on the DuckDB and Spark engines: for each asked (patient, day) in `qd` and
each named criterion, the latest observation in the window ending that day that a leaf compared
with its threshold and found not passing or undecidable, and the limit it was compared with (the
result's own range, else the published fallback by age and sex: `decisions._limit`, the same
expression the screening query decides with). Leaves whose tests need no baseline (thresholds
and presence) are answered here; a criterion reading a baseline or a blood pressure is left to
the reference (its evidence names the baseline or the BP table row instead of one number).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from thrombo.engines import decisions as dx
from thrombo.engines.compile import observations_cte, patients_cte
from thrombo.engines.input_tables import from_day_number
from thrombo.engines.query_plan import Plan
from thrombo.rules.model import AllOf, AnyOf, BloodPressure, Criterion, Lab, Presence, Threshold

LatestByDay = dict[tuple[str, date], dict[str, tuple[int, float | None]]]
"""(patient id, day) -> criterion -> (the observation's position in the patient's timeline,
the limit it was compared with, None when there is no single number)."""


LatestResults = dict[tuple[str, date], dict[str, tuple[str, float | None]]]
"""As LatestByDay, with the observation's id in place of its position."""


def row_leaves(criterion: Criterion) -> Iterator[Lab]:
    """The criterion's Lab leaves decided from the row alone (thresholds, presence)."""
    match criterion:
        case Lab(tests=tests) if all(isinstance(t, Threshold | Presence) for t in tests):
            yield criterion
        case AnyOf(children=children) | AllOf(children=children):
            for child in children:
                yield from row_leaves(child)


def answered_here(criterion: Criterion) -> bool:
    """Whether every observation leaf of the criterion is one `row_leaves` answers."""
    match criterion:
        case Lab():
            return any(True for _ in row_leaves(criterion))
        case AnyOf(children=children) | AllOf(children=children):
            return all(answered_here(c) for c in children)
        case BloodPressure():
            return False
    return True  # events and engraftment: no result to show


def _limit(leaf: Lab) -> str:
    thresholds = [t for t in leaf.tests if isinstance(t, Threshold)]
    if len(thresholds) != 1:
        return "CAST(NULL AS DOUBLE)"
    return dx.limit_value(thresholds[0])


def latest_sql(plan: Plan, as_of: int) -> str:
    """(patient_id, day, criterion, seq, lim) for each asked day and criterion answered here."""
    selects = [
        f"SELECT patient_id, day AS oday, t_us, seq, {dx.text(named.name)} AS criterion, "
        f"{dx.decide_all(leaf.tests, {})} AS answer, {_limit(leaf)} AS lim FROM o "
        f"WHERE analyte = {dx.text(leaf.analyte)}"
        for named in plan.criteria.criteria if answered_here(named.criterion)
        for leaf in row_leaves(named.criterion)
    ]
    if not selects:
        selects = ["SELECT patient_id, day AS oday, t_us, seq, '' AS criterion, "
                   f"{dx.NO} AS answer, CAST(NULL AS DOUBLE) AS lim FROM o WHERE FALSE"]
    span = plan.criteria.window_days - 1
    return (
        f"WITH {patients_cte(plan, as_of)}, {observations_cte(plan, as_of)}, "
        f"lr AS ({' UNION ALL '.join(selects)}), "
        f"ranked AS (SELECT qd.patient_id, qd.day, lr.criterion, lr.seq, lr.lim, ROW_NUMBER() "
        f"OVER (PARTITION BY qd.patient_id, qd.day, lr.criterion ORDER BY lr.t_us DESC, "
        f"lr.seq DESC) AS rn FROM lr JOIN p ON lr.patient_id = p.patient_id "
        f"JOIN qd ON p.patient_text = qd.patient_id AND lr.oday BETWEEN qd.day - {span} "
        f"AND qd.day WHERE lr.answer IN ({dx.NO}, {dx.UNKNOWN})) "
        f"SELECT patient_id, day, criterion, seq, lim FROM ranked WHERE rn = 1"
    )


def latest_by_day(rows: Sequence[Mapping[str, Any]]) -> LatestByDay:
    out: LatestByDay = {}
    for r in rows:
        key = (str(r["patient_id"]), from_day_number(int(r["day"])) or date.min)
        lim = r["lim"]
        out.setdefault(key, {})[str(r["criterion"])] = (
            int(r["seq"]), None if lim is None else float(lim))
    return out
