"""`thrombo screen FOLDER --engine duckdb` straight from the files
(thrombo.population.dataset_folder).

The normal reader (`load_source`) and the reference evaluator (`screen_with("reference")`) are the
meaning; the direct path must give the same verdict for every patient and account for every row
with the same counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from thrombo.engines import screen_with
from thrombo.population.dataset_folder import screen_dataset
from thrombo.population.options import BulkOptions
from thrombo.population.row_accounting import DirectAccounting, reason_kind
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening_results import ScreeningResult, SetResult
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset
from thrombo.store.sources import LoadedSource, load_source

CRITERIA = ("harmonized-2023", "jodele-2014")


def verdict(r: ScreeningResult) -> tuple[object, ...]:
    return (r.patient_id, r.status, r.first_met, r.active, r.criteria_met,
            r.criteria_indeterminate, r.high_risk, r.high_risk_features, r.assessed_on)


def latest_day(loaded: LoadedSource) -> date:
    return max(o.time.astimezone(t.tz).date() for t in loaded.timelines for o in t.observations)


def assert_same_verdicts(folder: Path, tz: str, as_of: date | None = None,
                         rows_per_range: int = 10_000) -> tuple[LoadedSource, Any]:
    loaded = load_source(str(folder), tz=tz)
    day = as_of or latest_day(loaded)
    accounting = None
    for name in CRITERIA:
        criteria = criteria_set(name)
        expected: SetResult = screen_with("reference", loaded.timelines, criteria, day)
        got, accounting = screen_dataset(folder, criteria,
                                         BulkOptions(day, tz, rows_per_range=rows_per_range))
        assert [verdict(r) for r in got.patients] == [verdict(r) for r in expected.patients]
        assert got.rules == expected.rules and got.as_of == day
    return loaded, accounting


@pytest.mark.parametrize(("seed", "fmt", "tz"), [
    (11, "csv", "UTC"), (12, "parquet", "America/New_York"), (13, "csv", "Asia/Kolkata")])
def test_simulated_folders_with_events_and_medications_screen_as_the_reference(
    tmp_path: Path, seed: int, fmt: str, tz: str
) -> None:
    """Simulated cohorts (TA-TMA enriched, with transfusions, biopsies, GVHD and defibrotide
    courses), screened in patient ranges of ~5,000 rows (several ranges), at the latest day and
    at a day in the middle of the follow-up."""
    config = SimulationConfig(seed=seed, patients=30, itp_patients=3, tma_fraction=0.3)
    write_dataset(config, tmp_path, fmt)
    assert (tmp_path / "events.csv").stat().st_size > 1000
    assert (tmp_path / "medications.csv").stat().st_size > 100
    loaded, accounting = assert_same_verdicts(tmp_path, tz, rows_per_range=5_000)
    assert accounting.to_json() == loaded.input_json()
    rows = sum(len(t.observations) for t in loaded.timelines)
    assert rows > 3 * 5_000  # so ranges of 5,000 rows are several
    assert_same_verdicts(tmp_path, tz, as_of=date(2025, 1, 15), rows_per_range=8_000)


# --- A hand-made folder with every kind of bad row --------------------------------------------

PATIENTS = """patient_id,birth_date,sex,hsct_date
P1,2015-03-02,F,2025-01-10
P2,2018-07-20,M,2025-01-20
P3,not-a-date,M,2025-01-05
P4,2012-11-30,U,
"""
# Line numbers (an editor's, header = line 1) in the comments: the tests check the examples.
OBSERVATIONS = """patient_id,time,code,value,unit,ref_low,ref_high
P1,2025-02-01T07:00,777-3,35,10*9/L,,
P1,2025-02-01T07:00,718-7,7.1,g/dL,,
P1,2025-02-01T07:00,ldh,900,U/L,120,300
P1,2025-02-01T07:00,schistocytes,present,,,
P1,2025-02-01T07:00,upcr,3.1,mg/mg,,
P1,2025-02-02,777-3,40000,/uL,,
P1,2025-02-02T09:00+05:00,718-7,70,g/L,,
P1,2025-02-02T07:00,ldh,15.2,ukat/L,2,5
P1,2025-02-02T07:00,schistocytes,4,/[HPF],,
P1,2025-02-02T07:00,urine_protein,2+,,,
P1,2025-02-02T07:00,2093-3,190,mg/dL,,
P1,2025-02-03T07:00,SC5B9-LOCAL,300,ng/mL,,
P1,2025-02-03T07:00,777-3,abc,10*9/L,,
P1,2025-02-03T07:00,777-3,,10*9/L,,
P1,2025-02-03T07:00,777-3,-4,10*9/L,,
P1,2025-02-03T07:00,777-3,45,mg/dL,,
P1,2025-02-03T07:00,777-3,45,furlongs,,
P1,2025-02-03T07:00,777-3,45,,,
P1,3rd of February,777-3,45,10*9/L,,
P1,2025-02-03T07:00,dat,maybe,,,
P1,2025-02-03T07:00,ldh,400,U/L,low,300
P1,2025-02-03T07:00,777-3,45,10*9/L,,,
P9,2025-02-03T07:00,777-3,45,10*9/L,,
P3,2025-02-03T07:00,777-3,45,10*9/L,,
P1,2025-02-01T07:00,777-3,35,10*9/L,,
P2,2025-02-04T08:00,8480-6,130,mm[Hg],,
P2,2025-02-04T08:00,hemoglobin,1.2,mmol/L,,
P2,2025-02-04T08:00,creatinine,300,umol/L,,
P2,2025-02-05T08:00,platelets,5001,10*9/L,,
P2,2025-02-05T08:00,2093-3,100,mg/dL,,
P9,2025-02-05T08:00,777-3,20,10*9/L,,
P9,2025-02-05T08:00,777-3,20,10*9/L,,
P2,2025-02-05T09:00,777-3,20,10*9/L,,,,

P4,2025-02-06T08:00,777-3,150,10*9/L,,
"""
EVENTS = """patient_id,time,event,grade,note
P1,2025-02-02T10:00,platelet_transfusion,,
P1,2025-02-03T10:00,hypotension,7,
P2,2025-02-05,tma_biopsy,,kidney
P9,2025-02-05,bleeding,2,
"""
MEDICATIONS = """patient_id,drug,start,end
P1,defibrotide,2025-02-04,2025-02-20
P2,eculizumab,not-a-date,
"""


def bad_folder(root: Path) -> Path:
    for name, content in (("patients.csv", PATIENTS), ("observations.csv", OBSERVATIONS),
                          ("events.csv", EVENTS), ("medications.csv", MEDICATIONS),
                          ("notes.txt", "not part of the dataset\n")):
        (root / name).write_text(content, encoding="utf-8")
    return root


def test_every_bad_row_is_counted_by_kind_as_the_normal_reader_counts_it(tmp_path: Path) -> None:
    """Hand-made folder: each kind of refused row at least once (an unknown LOINC and an
    unmapped local code are skipped; a row with a missing value, an unparseable value or time,
    an implausible platelet count of -4 or 5001, a unit that cannot express platelets, an
    unknown unit, no unit, an unaccepted DAT result, a non-numeric reference limit, an extra
    field, a patient not in patients.csv or quarantined there are quarantined; a repeated row
    is a duplicate). The counts per kind, the skip groups, the per-source totals and the
    patients', events' and medications' entries equal load_source(...).input_json()."""
    folder = bad_folder(tmp_path)
    normal: dict[str, Any] = load_source(str(folder), tz="Europe/Berlin").input_json()
    _, accounting = screen_dataset(folder, criteria_set("harmonized-2023"),
                                   BulkOptions(date(2025, 2, 28), "Europe/Berlin",
                                               rows_per_range=5))
    expected = assert_accounted_as_normal(accounting, normal, "observations.csv")
    assert len(expected) == 10 and accounting.to_json()["sources"][0]["duplicates"] == 2


def assert_accounted_as_normal(
    accounting: DirectAccounting, normal: dict[str, Any], table: str
) -> Counter[str | None]:
    """The direct accounting is the normal reader's: per-source totals, skip groups, warnings
    and the other files' entries alike; the rows of `table` refused in the same numbers per
    kind, each kind's example with the normal reader's source, location and reason, an entry
    of the same fields, and a warning for each kind of several rows (only its first listed)."""
    direct = accounting.to_json()
    assert direct["sources"] == normal["sources"]
    assert direct["skipped"] == normal["skipped"]
    notes = [n for n in (r.note() for r in accounting.refused) if n is not None]
    assert direct["warnings"] == normal["warnings"] + notes
    entries = [q for q in normal["quarantine"] if q["source"].endswith(table)]
    others = [q for q in normal["quarantine"] if q not in entries]
    assert direct["quarantine"] == others + [r.to_json() for r in accounting.refused]
    assert all(q in entries for q in direct["quarantine"][len(others):])
    expected = Counter(reason_kind(q["reason"]) for q in entries)
    assert None not in expected
    assert accounting.quarantined_by_kind() == dict(expected)
    first: dict[str | None, dict[str, Any]] = {}
    for q in entries:
        first.setdefault(reason_kind(q["reason"]), q)
    for refused in accounting.refused:
        assert refused.location == first[refused.kind]["location"]
        assert refused.reason == first[refused.kind]["reason"]
        assert refused.source == first[refused.kind]["source"]
    return expected


def test_bad_rows_leave_the_verdicts_of_the_reference(tmp_path: Path) -> None:
    """The same folder in a site time zone far from UTC (a 09:00+05:00 result falls on the
    previous local day in Los Angeles): the rows that remain screen as the reference screens
    them, in ranges of one patient."""
    folder = bad_folder(tmp_path)
    for tz in ("America/Los_Angeles", "Europe/Berlin"):
        assert_same_verdicts(folder, tz, as_of=date(2025, 2, 28), rows_per_range=5)


def test_screen_command_uses_the_direct_path_for_a_dataset_folder(tmp_path: Path) -> None:
    """`thrombo screen FOLDER --engine duckdb --json`: the reference's verdicts, the input
    accounting with the first observation row of each problem."""
    assert_command_screens_as_the_reference(
        [str(bad_folder(tmp_path)), "--as-of", "2025-02-28"], "observations.csv")


def assert_command_screens_as_the_reference(arguments: list[str], table: str) -> None:
    """`thrombo screen ARGUMENTS --json` on DuckDB and on the reference: the same verdicts and
    per-source totals; of the refused rows of `table`, DuckDB lists the reference's first of
    each kind (entries of the same fields), and warns of the number behind each such entry."""
    def screen(engine: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", "from thrombo.cli import main; main()", "screen",
             *arguments, "--engine", engine, "--json"],
            capture_output=True, text=True, check=True)
        return dict(json.loads(done.stdout))

    direct, reference = screen("duckdb"), screen("reference")
    keep = ("patient_id", "status", "first_met", "active", "criteria_met")
    assert [{k: p[k] for k in keep} for p in direct["patients"]] == [
        {k: p[k] for k in keep} for p in reference["patients"]]
    assert direct["input"]["sources"] == reference["input"]["sources"]
    grouped = [q for q in direct["input"]["quarantine"] if q["source"].endswith(table)]
    refused = [q for q in reference["input"]["quarantine"] if q["source"].endswith(table)]
    assert grouped and all(q in refused for q in grouped)
    behind = [int(w.split(": ")[1].split()[0]) for w in direct["input"]["warnings"]
              if "rows quarantined as" in w]
    assert sum(behind) + len(grouped) - len(behind) == len(refused)
