"""`thrombo screen --confirmation` and `--platelet-engraftment-run` (issue 17, items 11 and 12).

The confirmation case is tests/spec/screening/test_harmonized_vignettes.py's: a girl of 9,
transplant 2026-01-01, engrafted day +20/+25. Day +40: anaemia (Hb 9.5 against 11.0 on day +30),
thrombocytopenia (60 from 150), LDH 800 above its ULN 320 and schistocytes: 4 of the 7
harmonized-2023 criteria (clinical-reference.md A1). Day +41: only a normal blood pressure.
Re-measured (the default) needs 4 criteria met by results after day +40: not confirmed
(insufficient-data). Window counts day +40's values again on day +41: TA-TMA on 2026-02-11.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import thrombo.cli.screen  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.rules.tma.options import SEVEN_DAY_RUN_WARNING

runner = CliRunner()
PATIENTS = ("patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,"
            "platelet_engraftment_date\nP01,2016-06-01,F,2026-01-01,2026-01-21,2026-01-26\n")
PANELS = {"2026-01-31": ("150", "11.0", "250", "absent"),
          "2026-02-10": ("60", "9.5", "800", "present")}


def dataset(folder: Path) -> Path:
    folder.mkdir()
    (folder / "patients.csv").write_text(PATIENTS)
    rows = ["patient_id,time,code,value,unit,ref_low,ref_high"]
    for day, (plt, hb, ldh, schisto) in PANELS.items():
        t = f"{day}T08:00:00Z"
        rows += [f"P01,{t},platelets,{plt},10*9/L,,", f"P01,{t},hemoglobin,{hb},g/dL,,",
                 f"P01,{t},ldh,{ldh},U/L,,320", f"P01,{t},schistocytes,{schisto},,,",
                 f"P01,{t},upcr,0.2,mg/mg,,", f"P01,{t},systolic_bp,100,mm[Hg],,",
                 f"P01,{t},diastolic_bp,60,mm[Hg],,", f"P01,{t},sc5b9,150,ng/mL,,244"]
    rows += ["P01,2026-02-11T08:00:00Z,systolic_bp,100,mm[Hg],,",
             "P01,2026-02-11T08:00:00Z,diastolic_bp,60,mm[Hg],,"]
    (folder / "observations.csv").write_text("\n".join(rows) + "\n")
    return folder


def screen(folder: Path, *options: str) -> Any:
    """The `screen --json` document."""
    result = runner.invoke(app, ["screen", str(folder), "--as-of", "2026-02-20", "--json",
                                 *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_confirmation_decides_whether_a_blood_pressure_day_confirms(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "d")
    default = screen(folder)
    (patient,) = default["patients"]
    assert (patient["status"], patient["first_met"]) == ("insufficient-data", None)
    window = screen(folder, "--confirmation", "window")
    (patient,) = window["patients"]
    assert (patient["status"], patient["first_met"]) == ("ta-tma", "2026-02-11")
    assert window["rules"]["options"]["confirmation"] == "window"


def test_platelet_engraftment_run_is_named_and_warned(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "d")
    seven = screen(folder, "--platelet-engraftment-run", "7")
    assert seven["rules"]["options"]["platelet_engraftment_run"] == 7
    assert SEVEN_DAY_RUN_WARNING in seven["warnings"]
    assert SEVEN_DAY_RUN_WARNING not in screen(folder)["warnings"]


def test_unknown_values_are_refused_before_the_source_is_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    for option, value in (("--confirmation", "never"), ("--platelet-engraftment-run", "5")):
        result = runner.invoke(app, ["screen", missing, option, value])
        assert f"{option} must be" in str(result.exception), result.output


def test_help_says_engraftment_is_derived_when_not_recorded() -> None:
    shown = runner.invoke(app, ["screen", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--confirmation" in shown and "--platelet-engraftment-run" in shown
    assert "engraftment date the record does not hold is derived" in " ".join(shown.split())
