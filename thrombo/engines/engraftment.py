"""Engraftment dates derived from counts, in SQL: the SQL twin of thrombo.rules.engraftment.

Computed once per query in the patient CTE `p`, which every other part of the query reads, so
the anchors (`neut_day`, `plt_day`) are the recorded date or else the derived one, exactly as
the reference evaluator fills them before evaluating. Beside them `p` carries what failure of
engraftment needs: the recorded date (`*_rec`), the nadir (`*_nadir`) and the first count after
the transplant (`*_first`). Only rows on or before as-of are read, and only for patients
without a recorded date (a recorded date decides everything by itself).

The steps (engraftment.py's docstring gives the meaning): each day's lowest count from day 0;
the nadir (first day below the threshold, or a platelet transfusion); for each later day
whether it qualifies (at or above the threshold; for platelets no transfusion that day or the
7 days before, from a running "last transfusion day"); runs of qualifying days as islands
(row number minus row number within the qualifying flag); the first island of the run length.
"""

from __future__ import annotations

from thrombo.engines.decisions import literal, text
from thrombo.rules.engraftment import PLATELET_TRANSFUSION
from thrombo.rules.model import EngraftmentRule

# The patient columns each derivation fills: (prefix, analyte).
DERIVED = (("neut", "anc"), ("plt", "platelets"))


def _by_analyte(rule: EngraftmentRule, anc: str, platelets: str) -> str:
    return f"CASE WHEN analyte = 'anc' THEN {anc} ELSE {platelets} END"


def engraftment_ctes(rule: EngraftmentRule, as_of: int) -> list[str]:
    """CTEs over `p0` (the numbered patients), `obs` and `evt`, ending in `eg` with one row per
    patient and analyte: the derived date, the nadir and the first count."""
    threshold = _by_analyte(rule, literal(rule.anc_threshold), literal(rule.platelet_threshold))
    run = _by_analyte(rule, str(rule.anc_run), str(rule.platelet_run))
    after = "p0.hsct_day IS NOT NULL AND {t}.day >= p0.hsct_day AND {t}.day <= " + str(as_of)
    order = "PARTITION BY patient_id, analyte ORDER BY day"
    return [
        f"eg_v AS (SELECT p0.patient_id, ob.analyte, ob.day, MIN(ob.value) AS v, 0 AS tx "
        f"FROM obs ob JOIN p0 ON ob.patient_id = p0.patient_text WHERE "
        f"((ob.analyte = 'anc' AND p0.neut_day IS NULL) OR (ob.analyte = 'platelets' AND "
        f"p0.plt_day IS NULL)) AND ob.value IS NOT NULL AND "
        f"{after.format(t='ob')} GROUP BY p0.patient_id, ob.analyte, ob.day)",
        f"eg_u AS (SELECT * FROM eg_v UNION ALL SELECT DISTINCT p0.patient_id, 'platelets' AS "
        f"analyte, e.day, CAST(NULL AS DOUBLE) AS v, 1 AS tx FROM evt e JOIN p0 ON "
        f"e.patient_id = p0.patient_text WHERE e.event = {text(PLATELET_TRANSFUSION)} AND "
        f"p0.plt_day IS NULL AND {after.format(t='e')})",
        f"eg_n AS (SELECT patient_id AS n_patient, analyte AS n_analyte, "
        f"MIN(CASE WHEN tx = 1 OR v < {threshold} THEN day END) AS nadir, "
        f"MIN(CASE WHEN tx = 0 THEN day END) AS first_count FROM eg_u "
        f"GROUP BY patient_id, analyte)",
        f"eg_q AS (SELECT u.*, MAX(CASE WHEN tx = 1 THEN day END) OVER ({order} RANGE BETWEEN "
        f"UNBOUNDED PRECEDING AND CURRENT ROW) AS last_tx FROM eg_u u)",
        f"eg_k AS (SELECT patient_id, analyte, day, CASE WHEN v >= {threshold} AND "
        f"(last_tx IS NULL OR last_tx < day - {rule.platelet_transfusion_free_days}) "
        f"THEN 1 ELSE 0 END AS ok FROM eg_q JOIN eg_n ON n_patient = patient_id AND "
        f"n_analyte = analyte WHERE tx = 0 AND day > nadir)",
        f"eg_i AS (SELECT patient_id, analyte, day, ok, ROW_NUMBER() OVER ({order}) - "
        f"ROW_NUMBER() OVER (PARTITION BY patient_id, analyte, ok ORDER BY day) AS isl "
        f"FROM eg_k)",
        f"eg_r AS (SELECT patient_id AS r_patient, analyte AS r_analyte, MIN(start) AS derived "
        f"FROM (SELECT patient_id, analyte, MIN(day) AS start, COUNT(*) AS n FROM eg_i "
        f"WHERE ok = 1 GROUP BY patient_id, analyte, isl) x WHERE n >= {run} "
        f"GROUP BY patient_id, analyte)",
        "eg AS (SELECT n_patient, n_analyte, nadir, first_count, derived FROM eg_n "
        "LEFT JOIN eg_r ON r_patient = n_patient AND r_analyte = n_analyte)",
    ]


def patient_columns() -> tuple[list[str], list[str]]:
    """The select items of `p` over `p0` and one `eg` join per analyte, and those joins."""
    items, joins = [], []
    for prefix, analyte in DERIVED:
        e = f"e_{prefix}"
        joins.append(f"LEFT JOIN eg {e} ON {e}.n_patient = p0.patient_id AND "
                     f"{e}.n_analyte = '{analyte}'")
        items += [
            f"CASE WHEN p0.{prefix}_day IS NULL THEN {e}.derived ELSE p0.{prefix}_day END "
            f"AS {prefix}_day",
            f"p0.{prefix}_day AS {prefix}_rec",
            f"{e}.nadir AS {prefix}_nadir",
            f"{e}.first_count AS {prefix}_first",
        ]
    return items, joins
