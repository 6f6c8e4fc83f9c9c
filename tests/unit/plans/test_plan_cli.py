"""`thrombo plan SOURCE --patient ID` on a small dataset folder (interface.md sections 1 and 3)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import thrombo.cli.plan  # noqa: F401  (registers the command)
from tests.unit.cli_runs import run_json, write_folder
from thrombo.cli.app import app
from thrombo.cli.plan import UnknownPatientError
from thrombo.plans.ladder_data import UnknownPolicyError

PATIENTS = """\
patient_id,birth_date,sex,hsct_date,conditioning_start_date,neutrophil_engraftment_date,\
platelet_engraftment_date,itp_diagnosis_date,splenectomy_date,rh_d
P07,2017-09-01,F,,,,,2026-01-01,,positive
P01,2016-09-23,M,2026-01-01,2025-12-22,2026-01-21,2026-01-26,,,
P99,2015-01-01,F,,,,,,,
"""
OBSERVATIONS = """\
patient_id,time,code,value,unit,ref_low,ref_high
P07,2026-01-01,platelets,8,10*9/L,,
P07,2026-01-04,platelets,10,10*9/L,,
P07,2026-01-06,platelets,12,10*9/L,,
P07,2026-01-16,platelets,12,10*9/L,,
P07,2026-01-23,platelets,15,10*9/L,,
P07,2026-01-26,platelets,14,10*9/L,,
P07,2026-04-10,platelets,20,10*9/L,,
P07,2026-04-10,weight,24,kg,,
P07,2026-04-10,height,125,cm,,
P07,2026-04-10,hemoglobin,11.5,g/dL,,
P01,2025-12-20,weight,18.4,kg,,
P01,2026-01-31,platelets,150,10*9/L,,
P01,2026-01-31,hemoglobin,11.0,g/dL,,
P01,2026-02-10,platelets,60,10*9/L,,
P01,2026-02-10,hemoglobin,9.8,g/dL,,
P01,2026-02-10,ldh,500,U/L,,320
P01,2026-02-10,schistocytes,present,,,
P01,2026-02-10,weight,16,kg,,
P01,2026-02-12,platelets,55,10*9/L,,
P01,2026-02-12,ldh,520,U/L,,320
P01,2026-02-12,hemoglobin,9.2,g/dL,,
P01,2026-02-12,schistocytes,present,,,
"""
MEDICATIONS = """\
patient_id,drug,start,end,dose,dose_unit,route,intent
P07,prednisone,2026-01-01,2026-01-07,48,mg,PO,
P07,ivig,2026-01-21,,24,g,IV,
P01,enoxaparin,2026-02-05,,20,mg,SC,therapeutic
"""
EVENTS = """\
patient_id,time,event,grade,note
P01,2026-02-13T09:00:00,hypotension,2,
"""

runner = CliRunner()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_folder(tmp_path, patients=PATIENTS, observations=OBSERVATIONS,
                        medications=MEDICATIONS, events=EVENTS)


def test_itp_ladder_json_names_the_policy_and_the_next_step(dataset: Path) -> None:
    """P07: persistent ITP (2026-05-01 is day 120) after failed prednisone and IVIG, 24 kg ->
    seed-002 next step dexamethasone 14.4 mg/day (0.6 mg/kg) x 4 days every 28 days."""
    doc = run_json("plan", str(dataset), "--patient", "P07", "--as-of", "2026-05-01", "--json")
    assert (doc["patient_id"], doc["condition"], doc["as_of"]) == ("P07", "itp", "2026-05-01")
    assert doc["rules"]["name"] == "itp-ladder"  # type: ignore[index]
    assert doc["rules"]["options"]["policy"] == "seed-002"  # type: ignore[index]
    assert doc["next"] == ["dexamethasone"]
    dex = next(o for o in doc["options"] if o["drug"] == "dexamethasone")  # type: ignore[attr-defined]
    assert dex["dose"]["dose"] == {"value": 14.4, "unit": "mg"}
    assert {"dexamethasone-monthly-pulses"} <= {d["rules"]["name"] for d in doc["doses"]}  # type: ignore[attr-defined]
    assert doc["inputs"]["weight"]["date"] == "2026-04-10"  # type: ignore[index]
    assert "input" in doc and doc["holds"] == [] and doc["sources"]


def test_ash_2019_policy_from_the_command_line(dataset: Path) -> None:
    """P07 on 2026-05-01 has had ITP for 4 months: romiplostim (US approval: ITP >= 6 months, D2)
    is not suitable, so eltrombopag alone is next; on 2026-07-01 both TPO-RAs are."""
    doc = run_json("plan", str(dataset), "--patient", "P07", "--as-of", "2026-05-01",
                   "--policy", "ash-2019", "--json")
    assert doc["next"] == ["eltrombopag"]
    romiplostim = next(o for o in doc["options"] if o["drug"] == "romiplostim")  # type: ignore[attr-defined]
    assert romiplostim["status"] == "not-suitable"
    later = run_json("plan", str(dataset), "--patient", "P07", "--as-of", "2026-07-01",
                     "--policy", "ash-2019", "--json")
    assert later["next"] == ["eltrombopag", "romiplostim"]
    assert doc["rules"]["options"]["policy"] == "ash-2019"  # type: ignore[index]
    assert any("from memory, unverified" in w for w in doc["warnings"])  # type: ignore[attr-defined]


def test_ta_tma_plan_json_with_the_anticoagulant_hold(dataset: Path) -> None:
    """P01: TA-TMA by harmonized-2023 on 2026-02-12; therapeutic enoxaparin running -> blocked.
    Dose on the pre-conditioning weight 18.4 kg = 115.0 mg, not on the later 16 kg."""
    doc = run_json("plan", str(dataset), "--patient", "P01", "--as-of", "2026-02-14", "--json")
    assert doc["condition"] == "ta-tma"
    assert doc["summary"]["diagnosis_date"] == "2026-02-12"  # type: ignore[index]
    defib = doc["options"][0]  # type: ignore[index]
    assert (defib["drug"], defib["status"]) == ("defibrotide", "blocked")
    assert defib["dose"]["dose"] == {"value": 115.0, "unit": "mg"}
    assert doc["blocked"] is True
    (hold,) = doc["holds"]  # type: ignore[misc]
    assert hold["rule"] == "concomitant-anticoagulant"
    assert "enoxaparin (therapeutic)" in hold["evidence"][0]["note"]
    assert doc["course"]["reassess"][1] == {"day": 28, "date": "2026-03-14"}  # type: ignore[index]


def test_human_output_shows_the_next_option_and_talk_points(dataset: Path) -> None:
    result = runner.invoke(app, ["plan", str(dataset), "--patient", "P07", "--as-of",
                                 "2026-05-01"])
    assert result.exit_code == 0, result.output
    for text in ("NEXT", "dexamethasone", "14.4 mg", "Discuss with the family", "seed-002"):
        assert text in result.stdout


def test_date_time_as_of_checks_holds_at_that_instant(dataset: Path) -> None:
    doc = run_json("plan", str(dataset), "--patient", "P01", "--as-of", "2026-02-14T08:00",
                   "--json")
    assert doc["rules"]["options"]["holds_checked"] == "at 2026-02-14T08:00:00+00:00"  # type: ignore[index]


def test_user_errors(dataset: Path) -> None:
    unknown = runner.invoke(app, ["plan", str(dataset), "--patient", "NOPE"])
    assert isinstance(unknown.exception, UnknownPatientError)
    policy = runner.invoke(app, ["plan", str(dataset), "--patient", "P07", "--policy", "x"])
    assert isinstance(policy.exception, UnknownPolicyError)
    nothing = runner.invoke(app, ["plan", str(dataset), "--patient", "P99"])
    assert "--condition" in str(nothing.exception)
    bad_date = runner.invoke(app, ["plan", str(dataset), "--patient", "P07", "--as-of", "May"])
    assert "--as-of" in str(bad_date.exception)


def test_entry_point_exits_2_with_one_line(dataset: Path) -> None:
    """interface.md section 3: an unknown patient is bad input -> exit 2, one line, no traceback."""
    code = "import thrombo.cli.plan; from thrombo.cli import main; main()"
    out = subprocess.run(
        [sys.executable, "-c", code, "plan", str(dataset), "--patient", "NOPE"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip() == f"thrombo: error: no patient 'NOPE' in {dataset}"


def test_a_deceased_childs_plan_says_it_ended(dataset: Path) -> None:
    """P01 with a death date of 2026-03-01, planned as of 2027-02-14: the document's summary
    and the printed header say the plan ended; nothing is next (issue 17 finding 5)."""
    patients = dataset / "patients.csv"
    header, *rows = patients.read_text().splitlines()
    patients.write_text("\n".join([header + ",death_date",
                                   *(r + (",2026-03-01" if r.startswith("P01") else ",")
                                     for r in rows)]) + "\n")  # fmt: skip
    doc = run_json("plan", str(dataset), "--patient", "P01", "--as-of", "2027-02-14", "--json")
    assert doc["summary"]["plan_state"] == "ended"  # type: ignore[index]
    assert doc["next"] == [] and doc["doses"] == [] and doc["holds"] == []
    shown = runner.invoke(app, ["plan", str(dataset), "--patient", "P01", "--as-of",
                                "2027-02-14"])
    assert "PLAN ENDED" in shown.stdout and "2026-03-01" in shown.stdout
    assert "NEXT" not in shown.stdout


def test_a_stopped_anticoagulant_shows_when_the_hold_ends(dataset: Path) -> None:
    """P01's enoxaparin stopped 2026-02-13T20:00 (a time given): defibrotide held until
    2026-02-14T20:00 (24 h, EU SmPC 4.4), printed with the hold."""
    meds = dataset / "medications.csv"
    meds.write_text(meds.read_text().replace("P01,enoxaparin,2026-02-05,,",
                                             "P01,enoxaparin,2026-02-05,2026-02-13T20:00,"))
    doc = run_json("plan", str(dataset), "--patient", "P01", "--as-of", "2026-02-14", "--json")
    assert doc["holds"][0]["until"] == "2026-02-14T20:00:00+00:00"  # type: ignore[index]
    shown = runner.invoke(app, ["plan", str(dataset), "--patient", "P01", "--as-of",
                                "2026-02-14"])
    assert "BLOCK until 2026-02-14T20:00:00+00:00" in shown.stdout.replace("\n", "")
