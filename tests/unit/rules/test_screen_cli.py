"""`thrombo screen` on a tiny CSV dataset folder (interface.md section 3, `screen --json`)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import thrombo.cli.screen  # noqa: F401  (registers the command)
from thrombo.cli.app import app

PATIENTS = (
    "patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,platelet_engraftment_date\n"
) + """P01,2016-06-01,F,2026-01-01,2026-01-21,2026-01-26
P02,2016-06-01,M,2026-01-01,2026-01-21,2026-01-26
P03,2010-03-01,M,,,
"""
# P01: the clear TA-TMA vignette of the spec tests; P02: platelets only.
OBSERVATIONS = """patient_id,time,code,value,unit,ref_low,ref_high
P01,2026-01-31T08:00:00,platelets,150,10*9/L,,
P01,2026-01-31T08:00:00,hemoglobin,11.0,g/dL,,
P01,2026-02-10T08:00:00,777-3,60,10*3/uL,,
P01,2026-02-10T08:00:00,hemoglobin,98,g/L,,
P01,2026-02-10T08:00:00,ldh,900,U/L,,320
P01,2026-02-10T08:00:00,schistocytes,present,,,
P01,2026-02-10T08:00:00,systolic_bp,130,mm[Hg],,
P01,2026-02-10T08:00:00,diastolic_bp,88,mm[Hg],,
P01,2026-02-12T08:00:00,platelets,55,10*9/L,,
P01,2026-02-12T08:00:00,hemoglobin,9.2,g/dL,,
P01,2026-02-12T08:00:00,ldh,1000,U/L,,320
P01,2026-02-12T08:00:00,schistocytes,present,,,
P02,2026-01-31T08:00:00,platelets,150,10*9/L,,
P02,2026-02-10T08:00:00,platelets,140,10*9/L,,
"""
EVENTS = "patient_id,time,event,grade,note\n"


def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "patients.csv").write_text(PATIENTS)
    (folder / "observations.csv").write_text(OBSERVATIONS)
    (folder / "events.csv").write_text(EVENTS)
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen", *args])
    return result.exit_code, result.stdout


def test_screen_json_follows_the_interface(tmp_path: Path) -> None:
    code, out = run(str(dataset(tmp_path)), "--as-of", "2026-02-20", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["rules"] == {"name": "harmonized-2023", "version": "1",
                            "options": doc["rules"]["options"]}
    assert doc["rules"]["options"]["diagnosis_date"] == "second-time-point"
    assert doc["as_of"] == "2026-02-20"
    by_id = {p["patient_id"]: p for p in doc["patients"]}
    assert by_id["P01"]["status"] == "ta-tma"
    assert by_id["P01"]["first_met"] == "2026-02-12"
    assert by_id["P01"]["high_risk_features"] == ["ldh_2x_uln"]
    assert by_id["P02"]["status"] == "insufficient-data"
    assert by_id["P03"]["status"] == "not-applicable"
    assert "records" in json.dumps(doc["input"])
    evidence = by_id["P01"]["evidence"][0]
    assert set(evidence) >= {"criterion", "observation_id", "time", "value", "threshold"}


def test_screen_all_reports_where_the_sets_disagree(tmp_path: Path) -> None:
    code, out = run(str(dataset(tmp_path)), "--criteria", "all", "--as-of", "2026-02-20",
                    "--json")
    assert code == 0, out
    doc = json.loads(out)
    names = [r["rules"]["name"] for r in doc["results"]]
    assert names == ["harmonized-2023", "jodele-2014", "bmtctn-2005", "iwg-2007"]
    p01 = next(d for d in doc["disagreements"] if d["patient_id"] == "P01")
    assert p01["status"]["harmonized-2023"] == "ta-tma"
    assert p01["status"]["bmtctn-2005"] != "ta-tma"  # no schistocyte count per HPF, no DAT


def test_screen_human_output_is_a_table(tmp_path: Path) -> None:
    code, out = run(str(dataset(tmp_path)), "--as-of", "2026-02-20")
    assert code == 0
    assert "P01" in out and "ta-tma" in out


def test_unknown_criteria_set_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["screen", str(dataset(tmp_path)), "--criteria", "nope"])
    assert result.exit_code != 0
    assert "unknown criteria set" in str(result.exception)
