"""`thrombo screen` without `--engine` (issue 22 item 2): the table of a dataset folder of
BATCH_FROM_PATIENTS (50) patients or more is screened on DuckDB, and says so; the verdicts are
the reference's. `--json` (it prints the evidence only the reference gives), a smaller folder
and a named engine keep what was asked.

The folder: patients P01..P50, each test_screen_options' girl (transplant 2026-01-01): day +30
normal; day +41 a blood pressure. On day +40 the odd-numbered have anaemia (Hb 9.5 from 11.0),
thrombocytopenia (60 from 150), LDH 800 above its ULN 320 and schistocytes, 4 of 7
harmonized-2023 criteria (clinical-reference.md A1) not confirmed on day +41:
insufficient-data; the even-numbered have day +30's normal results again: no-ta-tma (with
sC5b-9 and proteinuria unknown, at most 2 of 7 can be met).
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import thrombo.cli.screen  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.services.engine_choice import BATCH_FROM_PATIENTS, choose_engine

runner = CliRunner()
HEADER = ("patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,"
          "platelet_engraftment_date")
NOTE = "engine: duckdb (chosen automatically: 50 patients)"


def folder(root: Path, patients: int) -> Path:
    root.mkdir()
    ids = [f"P{i:02d}" for i in range(1, patients + 1)]
    (root / "patients.csv").write_text("\n".join(
        [HEADER, *(f"{p},2016-06-01,F,2026-01-01,2026-01-21,2026-01-26" for p in ids)]) + "\n")
    rows = ["patient_id,time,code,value,unit,ref_low,ref_high"]
    for n, p in enumerate(ids, start=1):
        well = ("150", "11.0", "250", "absent")
        ill = ("60", "9.5", "800", "present") if n % 2 else well
        for t, (plt, hb, level, schisto) in (("2026-01-31T08:00:00Z", well),
                                             ("2026-02-10T08:00:00Z", ill)):
            rows += [f"{p},{t},platelets,{plt},10*9/L,,", f"{p},{t},hemoglobin,{hb},g/dL,,",
                     f"{p},{t},ldh,{level},U/L,,320", f"{p},{t},schistocytes,{schisto},,,",
                     f"{p},{t},systolic_bp,100,mm[Hg],,", f"{p},{t},diastolic_bp,60,mm[Hg],,"]
        rows.append(f"{p},2026-02-11T08:00:00Z,systolic_bp,100,mm[Hg],,")
    (root / "observations.csv").write_text("\n".join(rows) + "\n")
    return root


def screen(source: Path, *options: str) -> str:
    result = runner.invoke(app, ["screen", str(source), "--as-of", "2026-02-20", *options],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_table_of_fifty_patients_is_screened_on_duckdb_with_the_same_verdicts(
    tmp_path: Path,
) -> None:
    source = folder(tmp_path / "d", BATCH_FROM_PATIENTS)
    chosen, reference = screen(source), screen(source, "--engine", "reference")
    assert NOTE in chosen and "chosen automatically" not in reference
    assert chosen.replace(NOTE + "\n", "") == reference
    assert "insufficient-data" in chosen and "no-ta-tma" in chosen


def test_json_keeps_the_reference_and_its_evidence(tmp_path: Path) -> None:
    document = json.loads(screen(folder(tmp_path / "d", BATCH_FROM_PATIENTS), "--json"))
    assert "engine" not in document["rules"]
    assert document["patients"][0]["evidence"]


def test_fewer_patients_or_a_named_engine_keep_what_was_asked(tmp_path: Path) -> None:
    assert "chosen automatically" not in screen(folder(tmp_path / "d", 49))
    fifty = folder(tmp_path / "e", 50)
    assert "chosen automatically" not in screen(fifty, "--engine", "duckdb")


def test_the_choice() -> None:
    """Named engines win; the evidence needs the reference; only a dataset folder is counted."""
    assert choose_engine("spark", "anything", None, needs_evidence=True).name == "spark"
    assert choose_engine(None, "sqlite:///x.db", None, needs_evidence=False).name == "reference"
    assert choose_engine(None, "bundle.json", None, needs_evidence=False).name == "reference"
