"""Every command of interface.md section 3 through the real entry point, against the contract.

One small simulated dataset (thrombo.simulate.writer) is written once for the module, with one
extra medication row for prednisolone, which thrombo counts as prednisone on an equivalence the
clinical reference does not confirm: the import summary must warn about it (and about a LOINC
code the reference marks unverified: none since its re-check). Each command runs as a user runs it
(`from thrombo.cli import main; main()` in a subprocess) and its `--json` document is checked
for the shape interface.md documents: key names and value types, dates as YYYY-MM-DD and
date-times as ISO 8601 with an offset, quantities as {"value", "unit"} in the analyte's
canonical unit, `rules` {name, version, options} on every result, `warnings` present, exit
status 0 / 2 (one line on stderr) / 1, and nothing on stdout but the JSON document.
"""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from thrombo.normalize.analytes import CATALOGUE
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

AS_OF = "2027-01-01"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")
CANONICAL_UNITS = {u for a in CATALOGUE for u in a.units}
DOSE_UNITS = {"g", "mg", "mcg", "IU", "mg/kg", "g/kg", "mcg/kg", "IU/kg", "mg/m2", "kg", "cm"}


def thrombo(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", *args],
        capture_output=True, text=True, check=False, cwd=cwd,
    )


def run_json(*args: str) -> dict[str, Any]:
    """The command's one JSON document; stdout must hold nothing else."""
    out = thrombo(*args, "--json")
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("contract") / "data"
    config = SimulationConfig(seed=3, patients=12, itp_patients=4, tma_fraction=0.5)
    write_dataset(config, folder, "csv")
    with (folder / "patients.csv").open(newline="") as handle:
        itp_patient = next(r["patient_id"] for r in csv.DictReader(handle)
                           if r["itp_diagnosis_date"])
    with (folder / "medications.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(
            [itp_patient, "prednisolone", "2026-12-01", "2026-12-04", "30", "mg", "PO", ""])
    return folder


@pytest.fixture(scope="module")
def store(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'thrombo.db'}"
    run_json("import", str(dataset), "--db", url)
    return url


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, f"{path}[]")


def assert_conventions(document: dict[str, Any], units: set[str] = CANONICAL_UNITS) -> None:
    """Dates, date-times and quantities anywhere in a document follow section 3's conventions."""
    for path, node in walk(document):
        if isinstance(node, str) and DATE.match(node):
            assert DATE.fullmatch(node) or DATE_TIME.fullmatch(node), (path, node)
        if isinstance(node, dict) and set(node) >= {"value", "unit"}:
            assert isinstance(node["value"], int | float), (path, node)
            assert node["unit"] in units, (path, node)
        if isinstance(node, float):
            assert not math.isnan(node), f"NaN at {path}"


def assert_rules(rules: Any) -> None:
    assert set(rules) >= {"name", "version", "options"}
    assert isinstance(rules["name"], str) and isinstance(rules["version"], str)
    assert isinstance(rules["options"], dict)


def assert_warnings(warnings: Any) -> None:
    assert isinstance(warnings, list)
    assert all(isinstance(w, str) and w for w in warnings)


def assert_input(document: dict[str, Any]) -> None:
    (source,) = document["input"]["sources"]
    counts = ("stored", "duplicates", "skipped", "quarantined")
    assert source["records"] == sum(source[k] for k in counts)


# --- import ------------------------------------------------------------------------------------


def test_import_counts_every_record_and_warns_of_an_unverified_mapping(
    dataset: Path, tmp_path: Path
) -> None:
    """interface.md, `import --json`: records == stored + duplicates + skipped + quarantined;
    the prednisolone row rests on the unverified prednisolone-as-prednisone equivalence."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    document = run_json("import", str(dataset), "--db", url)
    assert set(document) >= {"sources", "quarantine", "skipped", "warnings"}
    (source,) = document["sources"]
    assert source["format"] == "csv-dataset"
    assert source["records"] == (source["stored"] + source["duplicates"] + source["skipped"]
                                 + source["quarantined"]) > 0
    (warning,) = [w for w in document["warnings"] if "prednisolone" in w]
    assert warning.startswith("1 record ") and "from memory, unverified" in warning
    # LOINC 777-3 (platelets) is confirmed [S] in clinical-reference.md H: no warning.
    assert not any("http://loinc.org|777-3" in w for w in document["warnings"])
    again = run_json("import", str(dataset), "--db", url)
    assert again["sources"][0]["stored"] == 0
    assert again["sources"][0]["duplicates"] == source["stored"]


# --- screen ------------------------------------------------------------------------------------

PATIENT_KEYS = {"patient_id", "status", "first_met", "active", "criteria_met",
                "criteria_indeterminate", "high_risk", "high_risk_features", "evidence"}
STATUSES = {"ta-tma", "no-ta-tma", "insufficient-data", "not-applicable"}


def assert_screen_result(result: dict[str, Any]) -> None:
    assert_rules(result["rules"])
    assert result["as_of"] == AS_OF
    assert_warnings(result["warnings"])
    for patient in result["patients"]:
        assert set(patient) >= PATIENT_KEYS
        assert patient["status"] in STATUSES
        assert (patient["first_met"] is not None) == (patient["status"] == "ta-tma")
        assert patient["high_risk"] in (True, False, None)
        for item in patient["evidence"]:
            assert set(item) >= {"criterion", "observation_id", "time", "value", "threshold"}
            assert DATE_TIME.fullmatch(item["time"]), item


def test_screen_document(dataset: Path) -> None:
    document = run_json("screen", str(dataset), "--as-of", AS_OF)
    assert_screen_result(document)
    assert document["rules"]["name"] == "harmonized-2023"
    assert "diagnosis_date" in document["rules"]["options"]
    assert any(p["status"] == "ta-tma" for p in document["patients"])
    assert_input(document)
    assert_conventions(document)


def test_screen_all_sets(dataset: Path) -> None:
    document = run_json("screen", str(dataset), "--criteria", "all", "--as-of", AS_OF)
    assert set(document) >= {"results", "disagreements", "input"}
    assert len({r["rules"]["name"] for r in document["results"]}) == len(document["results"]) > 1
    for result in document["results"]:
        assert_screen_result(result)
    assert_conventions(document)


def test_screen_from_the_store_matches_the_folder(dataset: Path, store: str) -> None:
    """A store URL is a SOURCE too; the answer is the same as from the folder it came from."""
    from_store = run_json("screen", store, "--as-of", AS_OF)
    from_folder = run_json("screen", str(dataset), "--as-of", AS_OF)
    # The input names the store and, per set, how many results were stored ones (none here:
    # the import stored them as of its own day, not AS_OF).
    assert from_store["input"] == {"store": store, "stored_results": [
        {"criteria": "harmonized-2023", "from_store": 0, "screened": len(from_store["patients"])}]}
    assert ([(p["patient_id"], p["status"], p["first_met"]) for p in from_store["patients"]]
            == [(p["patient_id"], p["status"], p["first_met"]) for p in from_folder["patients"]])


# --- itp, assess, plan -------------------------------------------------------------------------


def test_itp_document(dataset: Path) -> None:
    document = run_json("itp", str(dataset), "--as-of", AS_OF)
    assert document["as_of"] == AS_OF
    assert_warnings(document["warnings"])
    assert document["patients"]
    for patient in document["patients"]:
        assert patient["phase"] in ("newly-diagnosed", "persistent", "chronic", None)
        assert isinstance(patient["severe"], bool)
        definitions = patient["refractory_by_definition"]
        assert patient["refractory"] == definitions[patient["refractory_definition"]]
        assert_rules(patient["rules"])
        assert set(patient["warnings"]) <= set(document["warnings"])
        for failed in patient["failed_therapies"]:
            assert set(failed) >= {"drug", "class", "start"}
    assert_input(document)
    assert_conventions(document)


def test_assess_document(dataset: Path) -> None:
    document = run_json("assess", str(dataset), "--as-of", AS_OF)
    assert document["as_of"] == AS_OF
    assert_rules(document["rules"])
    assert_warnings(document["warnings"])
    conditions = {p["condition"] for p in document["patients"]}
    assert {"ta-tma", "itp"} <= conditions
    for patient in document["patients"]:
        if patient["condition"] == "ta-tma":
            assert patient["response"] in ("resolved", "not-resolved", "not-evaluable")
            assert set(patient["components"]) >= {"ldh", "platelets", "schistocytes"}
        elif patient["condition"] == "itp":
            assert patient["response"] in ("CR", "R", "NR", "not-evaluable")
            assert all({"drug", "start", "response", "response_date"} <= set(t)
                       for t in patient["treatments"])
        if patient["condition"] is not None:
            assert_rules(patient["rules"])
            for warning in (*patient["warnings"], *patient.get("safety_warnings", ())):
                assert warning in document["warnings"]
        for event in patient.get("adverse_events", ()):
            assert set(event) >= {"term", "grade", "date", "ctcae"}
    # CTCAE v5.0 grades rest on rows the clinical reference marks from memory, unverified.
    assert any("unverified" in w for w in document["warnings"])
    assert_input(document)
    assert_conventions(document)


def test_plan_for_each_condition(dataset: Path) -> None:
    assessed = run_json("assess", str(dataset), "--as-of", AS_OF)
    by_condition = {p["condition"]: p["patient_id"] for p in assessed["patients"]}
    for condition in ("ta-tma", "itp"):
        document = run_json("plan", str(dataset), "--patient", by_condition[condition],
                            "--as-of", AS_OF)
        assert document["condition"] == condition
        assert document["as_of"] == AS_OF
        assert_rules(document["rules"])
        assert_warnings(document["warnings"])
        assert isinstance(document["next"], list) and isinstance(document["options"], list)
        assert_input(document)
        assert_conventions(document, CANONICAL_UNITS | DOSE_UNITS)


# --- dose and design (no SOURCE) ---------------------------------------------------------------


def test_dose_document() -> None:
    """interface.md's own example: defibrotide 6.25 mg/kg for 18.4 kg is 115.0 mg every 6 h."""
    document = run_json("dose", "defibrotide", "--weight-kg", "18.4")
    assert document["dose"] == {"value": 115.0, "unit": "mg"}
    assert document["per_kg"] == {"value": 6.25, "unit": "mg/kg"}
    assert document["per_day"] == {"value": 460.0, "unit": "mg"}
    assert document["interval_hours"] == 6 and document["capped"] is False
    assert document["practical"]["vials"] == 1
    assert_rules(document["rules"])
    assert_warnings(document["warnings"])
    assert_conventions(document, DOSE_UNITS)


def test_design_simon_document() -> None:
    """interface.md's example (Simon 1989, Table 1 row p0 0.2, p1 0.4, alpha 0.05, beta 0.2)."""
    document = run_json("design", "simon", "--p0", "0.2", "--p1", "0.4", "--alpha", "0.05",
                        "--beta", "0.2")
    assert {k: document["optimal"][k] for k in ("r1", "n1", "r", "n")} == {
        "r1": 3, "n1": 13, "r": 12, "n": 43}
    assert {k: document["minimax"][k] for k in ("r1", "n1", "r", "n")} == {
        "r1": 4, "n1": 18, "r": 10, "n": 33}
    assert_rules(document["rules"])


def test_simulate_document(tmp_path: Path) -> None:
    document = run_json("simulate", "--patients", "3", "--itp-patients", "1", "--seed", "1",
                        "--out", str(tmp_path / "sim"))
    assert document["patients"] == 4 and document["seed"] == 1
    assert sum(document["cohorts"].values()) == 4
    assert {"patients.csv", "observations.csv"} <= set(document["files"])


# --- study, export, backup, restore, audit, demo -----------------------------------------------


def test_study_document(dataset: Path) -> None:
    document = run_json("study", str(dataset))
    assert_rules(document["rules"])
    assert_warnings(document["warnings"])
    assert isinstance(document["n_treated"], int)
    assert [s["step"] for s in document["flow"]][:1] == ["screened"]
    resolution = document["resolution_by_day_28"]
    assert set(resolution) >= {"k", "n", "rate", "ci_low", "ci_high", "method"}
    assert resolution["n"] == document["n_treated"]
    assert set(document["overall_survival_6_months"]) >= {"estimate", "ci_low", "ci_high"}
    assert set(document["major_bleeding"]) >= {"k", "n"}
    for row in document["adverse_events"]:
        assert set(row) >= {"event", "grade", "patients"}
    assert_input(document)
    assert_conventions(document)


def test_export_backup_restore_and_audit(dataset: Path, store: str, tmp_path: Path) -> None:
    exported = run_json("export", str(dataset), "--deidentify", "--out", str(tmp_path / "x"))
    assert exported["patients"] > 0
    imported = exported["input"]["sources"][0]
    assert (exported["patients"] + exported["observations"] + exported["medications"]
            + exported["events"]) == imported["stored"]
    assert_input(exported)
    backup_file = tmp_path / "backup.jsonl.gz"
    written = run_json("backup", "--db", store, "--out", str(backup_file))
    assert written["tables"]["patients"] == exported["patients"]
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = run_json("restore", str(backup_file), "--db", target)
    assert restored["tables"] == written["tables"]
    assert run_json("audit", "verify", "--db", target) == {
        "entries": written["tables"]["audit"], "ok": True, "first_bad_id": None, "reason": None}


def test_demo_document(tmp_path: Path) -> None:
    document = run_json("demo", "--out", str(tmp_path / "demo"), "--patients", "4", "--seed", "3")
    assert set(document) >= {"out", "files", "summary", "report"}
    assert_rules(document["summary"]["screening"]["rules"])
    assert_warnings(document["summary"]["warnings"])
    for path in document["files"].values():
        json.loads(Path(path).read_text(encoding="utf-8"))


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("screen", "{missing}"),
    ("screen", "{dataset}", "--as-of", "2026-02-30"),
    ("screen", "{dataset}", "--as-of", "20260301"),
    ("screen", "{dataset}", "--no-such-option"),
    ("itp",),
    ("dose", "defibrotide", "--weight-kg", "heavy"),
    ("dose", "defibrotide", "--weight-kg", "0"),
    ("plan", "{dataset}", "--patient", "NO-SUCH-PATIENT"),
    ("design", "simon", "--p0", "0.4", "--p1", "0.2", "--alpha", "0.05", "--beta", "0.2"),
    ("screen", "sqlite:///{missing}.db"),
    ("audit", "verify", "--db", "sqlite:///{missing}.db"),
    ("backup", "--db", "sqlite:///{missing}.db", "--out", "{missing}.gz"),
    ("restore", "{missing}.gz", "--db", "sqlite:///{missing}.db"),
    ("no-such-command",),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    args: tuple[str, ...], dataset: Path, tmp_path: Path
) -> None:
    """Section 3: exit 2 with one clear line on stderr, no traceback, nothing on stdout; a
    read-only command given a store that does not exist neither answers nor creates it."""
    missing = tmp_path / "missing"
    filled = [a.format(dataset=dataset, missing=missing) for a in args]
    out = thrombo(*filled, "--json")
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert out.stderr.startswith("thrombo: error: ")
    assert list(tmp_path.iterdir()) == []


def test_tampered_audit_trail_exits_1(dataset: Path, tmp_path: Path) -> None:
    """`audit verify` reports a broken hash chain with exit status 1 and ok false."""
    import sqlite3

    db = tmp_path / "store.db"
    run_json("import", str(dataset), "--db", f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit SET detail = '{}'")
    out = thrombo("audit", "verify", "--db", f"sqlite:///{db}", "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["ok"] is False
