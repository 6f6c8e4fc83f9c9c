"""Per-patient rows from a SQL engine, turned into verdicts: the reference's `ScreeningResult`.

The SQL engines return the screening verdict (status, first_met, active, the reported day's
criteria and the high-risk features); evidence lists stay with the reference evaluator, which
`thrombo screen` uses for the patients a clinician opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from thrombo.engines import decisions as dx
from thrombo.engines.input_tables import from_day_number
from thrombo.rules.model import CriteriaSet
from thrombo.rules.screening_results import Outcome, ScreeningResult, Status

Row = Mapping[str, object]
# The compiled SQL's outcome codes (decisions.MET, INDETERMINATE, NOT_MET).
OUTCOME = {dx.MET: Outcome.MET, dx.INDETERMINATE: Outcome.INDETERMINATE,
           dx.NOT_MET: Outcome.NOT_MET}


def _outcome(value: object) -> Outcome:
    code = _int(value)
    if code is None:
        raise ValueError("the compiled query gave no outcome code")
    return OUTCOME[code]


def outcomes_by_day(
    rows: Iterable[Row], criteria: CriteriaSet, features: Iterable[str]
) -> dict[tuple[str, date], dict[str, Outcome]]:
    """`outcomes_sql` rows: each criterion's (`k_i`) and feature's (`f_i`) outcome per patient
    and query day, by name."""
    names = list(features)
    out: dict[tuple[str, date], dict[str, Outcome]] = {}
    for row in rows:
        day = from_day_number(_int(row["day"]))
        assert day is not None
        named = {n.name: _outcome(row[f"k_{i}"]) for i, n in enumerate(criteria.criteria)}
        named.update({name: _outcome(row[f"f_{i}"]) for i, name in enumerate(names)})
        out[(str(row["patient_id"]), day)] = named
    return out


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _status(row: Row, first_met: object) -> Status:
    if first_met is not None:
        return "ta-tma"
    if (_int(row["n_days"]) or 0) > 0 and _int(row["any_open"]) == 0:
        return "no-ta-tma"
    return "insufficient-data"


def _high_risk(
    row: Row, criteria: CriteriaSet, diagnosed: bool
) -> tuple[bool | None, tuple[str, ...]]:
    features = criteria.high_risk
    if features is None:
        return None, ()
    if not diagnosed:
        return False, ()
    outcomes = [_int(row[f"hr_{i}"]) for i in range(len(features))]
    met = tuple(n.name for n, o in zip(features, outcomes, strict=True) if o == dx.MET)
    if met:
        return True, met
    if any(o == dx.INDETERMINATE for o in outcomes):
        return None, ()
    return False, ()


def screening_result(row: Row, criteria: CriteriaSet) -> ScreeningResult:
    pid = str(row["patient_id"])
    if not row["allo"]:
        return ScreeningResult(
            pid,
            "not-applicable",
            None,
            False,
            (),
            (),
            None if criteria.high_risk is None else False,
            (),
            (),
            None,
        )
    first_met = from_day_number(_int(row["first_met"]))
    report_day = from_day_number(_int(row["report_day"]))
    outcomes = [_int(row[f"r_k_{i}"]) for i in range(len(criteria.criteria))]
    names = [n.name for n in criteria.criteria]
    high_risk, features = _high_risk(row, criteria, first_met is not None)
    return ScreeningResult(
        patient_id=pid,
        status=_status(row, first_met),
        first_met=first_met,
        active=bool(row["active"]),
        criteria_met=tuple(n for n, o in zip(names, outcomes, strict=True) if o == dx.MET),
        criteria_indeterminate=tuple(
            n for n, o in zip(names, outcomes, strict=True) if o == dx.INDETERMINATE
        ),
        high_risk=high_risk,
        high_risk_features=features,
        evidence=(),
        assessed_on=report_day,
    )
