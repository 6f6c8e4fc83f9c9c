"""A criterion not met (or undecided) shows its latest result beside the limit it was compared
with, and where that limit came from (issue 17: the screening output and the patient view
showed "LDH 300 U/L" without the ULN it was judged against).

Precedence of a laboratory limit (interface.md 1.1): the result's own reference range
("observation range"), then the site's thrombo-lab-ranges.toml ("site range"), then the
criteria's published fallback ("published fallback", with its warning); a fixed threshold of
the criteria set itself is "criteria set". Screening JSON: `latest_results`, one entry per
criterion not met or indeterminate on `assessed_on`, in the evidence shape of `screen --json`
plus `limit`, `limit_source` and `outcome`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.spec.results.test_site_lab_ranges import AS_OF, dataset
from tests.spec.screening.tables import patient, screened, timeline
from thrombo.engines import screen_with
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import load_source

HARMONIZED = criteria_set("harmonized-2023")


def latest(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["criterion"]: e for e in document["latest_results"]}


def test_site_range_and_fixed_thresholds_of_the_girl_with_a_site_sc5b9_range(
    tmp_path: Path,
) -> None:
    """test_site_lab_ranges.py's girl with the site's file (sC5b-9 ULN 244 ng/mL), screened as
    of 2026-02-20; the day shown is day +42 (2026-02-12). sC5b-9 190 ng/mL: not met, compared
    with >= ULN 244 ng/mL from the site range. rUPCR 0.1 mg/mg: not met against the set's own
    1 mg/mg (A1). Schistocytes "absent": not met, no number to compare."""
    folder = dataset(tmp_path / "d", site_ranges=True)
    result = screen_with("reference", load_source(str(folder)).timelines, HARMONIZED, AS_OF)
    (girl,) = [p.to_json() for p in result.patients]
    shown = latest(girl)
    sc5b9 = shown["sc5b9"]
    assert (sc5b9["outcome"], sc5b9["value"], sc5b9["time"][:10]) == (
        "not_met", {"value": 190.0, "unit": "ng/mL"}, "2026-02-12")
    assert (sc5b9["limit"], sc5b9["limit_source"]) == (
        {"value": 244.0, "unit": "ng/mL"}, "site range")
    assert sc5b9["threshold"].startswith(">= ULN 244 ng/mL (site range")
    upcr = shown["proteinuria"]
    assert (upcr["value"]["value"], upcr["limit"], upcr["limit_source"]) == (
        0.1, {"value": 1.0, "unit": "mg/mg"}, "criteria set")
    assert shown["schistocytes"]["value"] == "absent"
    assert "limit" not in shown["schistocytes"]


def test_ldh_below_the_results_own_uln_names_the_observation_range() -> None:
    """LDH 300 U/L reported with the laboratory's ULN 320 U/L on day +10: not met; the limit
    is 320 U/L, from the observation's own range."""
    tl = timeline("""
    day | analyte | value | unit | ref_high
    10  | ldh     | 300   | U/L  | 320
    """)
    ldh = latest(screened(tl, HARMONIZED, as_of=12).to_json())["ldh"]
    assert (ldh["outcome"], ldh["value"]["value"], ldh["threshold"]) == (
        "not_met", 300.0, "> ULN 320 U/L (lab range)")
    assert (ldh["limit"], ldh["limit_source"]) == (
        {"value": 320.0, "unit": "U/L"}, "observation range")


def test_ldh_without_a_range_names_the_published_fallback() -> None:
    """LDH 300 U/L without a range for a girl of 9 (born 2016-06-01; day +10 is 2026-01-11):
    the published paediatric ULN for 1-9 years, 321 U/L (clinical-reference.md E5 [S-2nd],
    unverified: warned), decides: not met."""
    tl = timeline("""
    day | analyte | value | unit
    10  | ldh     | 300   | U/L
    """, who=patient("G9", birth_date=date(2016, 6, 1), sex="F"))
    ldh = latest(screened(tl, HARMONIZED, as_of=12).to_json())["ldh"]
    assert (ldh["outcome"], ldh["limit"], ldh["limit_source"]) == (
        "not_met", {"value": 321.0, "unit": "U/L"}, "published fallback")


def test_sc5b9_without_any_range_is_indeterminate_and_shows_no_limit() -> None:
    """sC5b-9 190 ng/mL without a range and no site file: no limit is known (A1: the ULN is
    assay-specific), so the criterion is indeterminate; the latest result is shown with the
    missing limit, never a guessed one."""
    tl = timeline("""
    day | analyte | value | unit
    10  | sc5b9   | 190   | ng/mL
    """)
    sc5b9 = latest(screened(tl, HARMONIZED, as_of=12).to_json())["sc5b9"]
    assert (sc5b9["outcome"], sc5b9["value"]["value"]) == ("indeterminate", 190.0)
    assert "limit unknown" in sc5b9["threshold"] and "limit" not in sc5b9
