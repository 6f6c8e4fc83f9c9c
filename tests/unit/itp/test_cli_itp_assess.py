"""`thrombo itp` and `thrombo assess` on a small CSV dataset (interface.md sections 1 and 3)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import thrombo.cli.assess
import thrombo.cli.itp  # noqa: F401  (registers the commands)
from tests.unit.cli_runs import run_json, write_folder
from thrombo.cli.app import app
from thrombo.errors import ThromboUserError

PATIENTS = """patient_id,birth_date,sex,hsct_date,itp_diagnosis_date,splenectomy_date,death_date
P07,2016-05-01,F,,2024-12-01,,
P01,2014-03-02,M,2026-01-10,,,
"""
OBSERVATIONS = """patient_id,time,code,value,unit,ref_low,ref_high
P07,2026-01-21,platelets,15,10*9/L,,
P07,2026-01-27,platelets,140,10*9/L,,
P07,2026-02-03,platelets,160,10*9/L,,
P01,2026-02-12,ldh,900,U/L,,300
P01,2026-02-12,platelets,20,10*9/L,,
P01,2026-02-12,schistocytes,present,,,
P01,2026-02-20,ldh,280,U/L,,300
P01,2026-02-21,ldh,250,U/L,,300
P01,2026-02-22,platelets,60,10*9/L,,
P01,2026-02-24,schistocytes,absent,,,
P01,2026-02-26,ldh,240,U/L,,300
P01,2026-02-26,platelets,80,10*9/L,,
P01,2026-02-26,schistocytes,absent,,,
"""
MEDICATIONS = """patient_id,drug,start,end
P07,ivig,2026-01-21,
P01,defibrotide,2026-02-12,2026-03-05
"""
EVENTS = """patient_id,time,event,grade
P01,2026-02-14,hypotension,2
"""


def dataset(tmp_path: Path) -> Path:
    return write_folder(tmp_path, patients=PATIENTS, observations=OBSERVATIONS,
                        medications=MEDICATIONS, events=EVENTS)


def test_itp_json_lists_itp_patients_only(tmp_path: Path) -> None:
    doc = run_json("itp", str(dataset(tmp_path)), "--as-of", "2026-03-01", "--json")
    assert doc["as_of"] == "2026-03-01"
    (p07,) = doc["patients"]  # type: ignore[misc]
    assert (p07["patient_id"], p07["phase"], p07["months_since_diagnosis"]) == (
        "P07", "chronic", 14.9)  # 455 days since 2024-12-01
    assert p07["refractory_by_definition"] == {"iwg-2009": False, "practical-002": False}
    assert "input" in doc


def test_assess_json_gives_tma_and_itp_responses(tmp_path: Path) -> None:
    doc = run_json("assess", str(dataset(tmp_path)), "--as-of", "2026-04-30", "--json")
    by_id = {p["patient_id"]: p for p in doc["patients"]}  # type: ignore[attr-defined]
    tma, itp = by_id["P01"], by_id["P07"]
    assert (tma["condition"], tma["response"], tma["response_date"], tma["days_to_response"]) == (
        "ta-tma", "resolved", "2026-02-24", 12)
    assert tma["adverse_events"][0] | {"warnings": []} == {
        "term": "hypotension", "grade": 2, "date": "2026-02-14", "ctcae": "5.0",
        "record_id": tma["adverse_events"][0]["record_id"], "value": None, "warnings": []}
    assert (itp["condition"], itp["treatment"], itp["baseline_platelets"], itp["response"],
            itp["response_date"]) == ("itp", "ivig", 15, "CR", "2026-01-27")


def test_bad_as_of_is_a_usage_error(tmp_path: Path) -> None:
    """The console entry point (thrombo.cli.main) prints this user error as one line, exit 2."""
    result = CliRunner().invoke(app, ["itp", str(dataset(tmp_path)), "--as-of", "March"])
    assert isinstance(result.exception, ThromboUserError)
    assert str(result.exception) == "--as-of must be a date YYYY-MM-DD, got 'March'"


PULSE_MEDICATIONS = """patient_id,drug,start,end
P07,dexamethasone,2026-01-21,2026-01-24
P07,dexamethasone,2026-02-18,2026-02-21
P07,dexamethasone,2026-03-18,2026-03-21
P07,dexamethasone,2026-04-15,2026-04-18
"""


def test_itp_steroid_dependence_rule_is_an_option_and_named_in_the_output(tmp_path: Path) -> None:
    """P07 on four monthly dexamethasone pulses from 2026-01-21, counts 140-160: by default the
    regimen is judged by its response (not failed); with --steroid-dependence iwg-2009 it is
    corticosteroid dependence (NR, failed). Each output names the rule that decided."""
    folder = dataset(tmp_path)
    (folder / "medications.csv").write_text(PULSE_MEDICATIONS)
    default = run_json("itp", str(folder), "--as-of", "2026-05-01", "--json")
    strict = run_json("itp", str(folder), "--as-of", "2026-05-01", "--json",
                 "--steroid-dependence", "iwg-2009")
    (p_default,), (p_strict,) = default["patients"], strict["patients"]  # type: ignore[misc]
    assert p_default["rules"]["options"]["steroid_dependence_rule"] == "pulses-judged-by-response"
    assert p_default["failed_therapies"] == []
    (failed,) = p_strict["failed_therapies"]
    assert (failed["drug"], failed["failure"], failed["decided_by"]) == (
        "dexamethasone", "steroid-dependent", "iwg-2009 corticosteroid dependence (rule iwg-2009)")
    result = CliRunner().invoke(app, ["itp", str(folder), "--steroid-dependence", "sometimes"])
    assert isinstance(result.exception, ThromboUserError)
