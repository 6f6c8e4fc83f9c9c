"""The per-row check on every engine: the same rows through the normal reader (reference
evaluator), `screen --engine duckdb` straight from the files, and the Spark job.

Rows (issue 17 items 21-22, issue 19 items 1-3): a site lab-ranges file giving sC5b-9 its ULN;
coded results as LOINC answer codes (schistocytes `LA9634-2` Absent) and SNOMED CT urine protein
findings (`167273002` negative, `167277001` 3+); haemoglobin in mmol/L (x 1/0.6206, section H)
and creatinine in mmol/L (0.0442 mmol/L = 0.5 mg/dL, E3); a dipstick grade given for
schistocytes (refused as an answer the analyte does not take, never "not a number"); censored
platelets '<10' and LDH '>2500'.

Patient A (girl, 9 y) has anaemia, thrombocytopenia and LDH, with sC5b-9 normal by the site's
range: no-ta-tma on every engine (without the file: insufficient-data). Patient B has censored
counts: the reference engine decides '<10' x 10^9/L below the 50 of thrombocytopenia and '>2500'
above the ULN 320 (interval logic), so four criteria are met on two days: ta-tma. The batch
engines read those rows as bounds and decide them by the same interval logic: ta-tma on every
engine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.engines.checked_folder import checked_folder
from thrombo.engines import screen_with
from thrombo.engines.verdicts import screening_result
from thrombo.population.dataset_folder import screen_dataset
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening_results import ScreeningResult
from thrombo.store.sources import load_source

AS_OF = date(2026, 2, 20)
PATIENTS = ("patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,"
            "platelet_engraftment_date\nA,2016-06-01,F,2026-01-01,2026-01-21,2026-01-26\n"
            "B,2014-03-01,M,2026-01-01,2026-01-21,2026-01-26\n")


def _day(offset: int) -> str:
    return date.fromordinal(date(2026, 1, 1).toordinal() + offset).isoformat() + "T08:00:00Z"


def _rows() -> list[str]:
    rows = ["patient_id,time,code,value,unit,ref_low,ref_high"]
    a = {30: ("150", "6.8266", "250", "150"), 40: ("60", "9.8", "900", "180"),
         42: ("55", "9.2", "1000", "190")}
    for offset, (plt, hb, ldh, c5b9) in a.items():
        t = _day(offset)
        hb_unit = "mmol/L" if offset == 30 else "g/dL"  # 6.8266 mmol/L = 11.0 g/dL
        rows += [f"A,{t},platelets,{plt},10*9/L,,", f"A,{t},hemoglobin,{hb},{hb_unit},,",
                 f"A,{t},ldh,{ldh},U/L,,320", f"A,{t},schistocytes,LA9634-2,,,",
                 f"A,{t},systolic_bp,100,mm[Hg],,", f"A,{t},diastolic_bp,60,mm[Hg],,",
                 f"A,{t},upcr,0.1,mg/mg,,", f"A,{t},sc5b9,{c5b9},ng/mL,,",
                 f"A,{t},urine_protein,http://snomed.info/sct|167273002,,,",
                 f"A,{t},creatinine,0.0442,mmol/L,,"]
    b = {30: ("150", "11.0", "250"), 40: ("<10", "9.0", ">2500"), 42: ("<10", "8.8", ">2500")}
    for offset, (plt, hb, ldh) in b.items():
        t = _day(offset)
        rows += [f"B,{t},platelets,{plt},10*9/L,,", f"B,{t},hemoglobin,{hb},g/dL,,",
                 f"B,{t},ldh,{ldh},U/L,,320", f"B,{t},schistocytes,present,,,",
                 f"B,{t},urine_protein,snomed|167277001,,,"]
    rows.append(f"B,{_day(42)},schistocytes,2+,,,")  # a dipstick grade: refused
    return rows


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "patients.csv").write_text(PATIENTS)
    (tmp_path / "observations.csv").write_text("\n".join(_rows()) + "\n")
    (tmp_path / "thrombo-lab-ranges.toml").write_text('[[sc5b9]]\nunit = "ng/mL"\nhigh = 244\n')
    return tmp_path


def verdicts(patients: Any) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return {p.patient_id: (p.status, p.criteria_met, p.criteria_indeterminate) for p in patients}


REFERENCE = {
    "A": ("no-ta-tma", ("anemia", "thrombocytopenia", "ldh"), ()),
    "B": ("ta-tma", ("anemia", "thrombocytopenia", "ldh", "schistocytes"),
          ("hypertension", "sc5b9", "proteinuria")),  # B has no BP, sC5b-9 or rUPCR
}
def test_the_normal_reader_reads_every_row_as_checked_by_hand(folder: Path) -> None:
    loaded = load_source(str(folder))
    document: dict[str, Any] = loaded.input_json()
    (source,) = document["sources"]
    assert (source["records"], source["stored"], source["quarantined"]) == (48, 47, 1)
    (refused,) = document["quarantine"]
    assert refused["reason"] == "schistocytes takes absent/present, got '2+'"
    a, b = loaded.timelines
    first = {o.analyte: o for o in a.observations if o.time.day == 31}
    assert first["hemoglobin"].value == pytest.approx(11.0, rel=1e-4)
    assert first["creatinine"].value == pytest.approx(0.5, rel=1e-3)
    assert (first["schistocytes"].category, first["urine_protein"].category) == ("absent",
                                                                                 "negative")
    assert first["sc5b9"].ref_high == 244.0
    censored = [str(o.quantity) for o in b.observations
                if o.quantity is not None and o.quantity.comparator]
    assert sorted(censored) == ["<10 10*9/L", "<10 10*9/L", ">2500 U/L", ">2500 U/L"]


def test_reference_and_duckdb(folder: Path) -> None:
    criteria = criteria_set("harmonized-2023")
    loaded = load_source(str(folder))
    reference = screen_with("reference", loaded.timelines, criteria, AS_OF)
    assert verdicts(reference.patients) == REFERENCE
    duck, accounting = screen_dataset(folder, criteria, BulkOptions(AS_OF))
    assert verdicts(duck.patients) == REFERENCE
    assert duck.warnings[-1].startswith("4 censored results ('<10', '>2500') read as bounds and "
                                        "decided by interval logic")
    assert accounting.to_json()["sources"] == loaded.input_json()["sources"]
    assert {q["reason"] for q in accounting.to_json()["quarantine"]} == {
        "schistocytes takes absent/present, got '2+'"}


def test_without_the_site_file_a_is_insufficient_data(folder: Path) -> None:
    (folder / "thrombo-lab-ranges.toml").unlink()
    criteria = criteria_set("harmonized-2023")
    reference = screen_with("reference", load_source(str(folder)).timelines, criteria, AS_OF)
    duck, _ = screen_dataset(folder, criteria, BulkOptions(AS_OF))
    for result in (reference, duck):
        assert verdicts(result.patients)["A"][0] == "insufficient-data"


@pytest.mark.spark
@pytest.mark.slow
def test_spark(folder: Path, spark_session: Any) -> None:
    from thrombo.population.spark_job import CENSORED_READ, screen_folder

    criteria = criteria_set("harmonized-2023")
    frame, left_out = screen_folder(spark_session, folder, criteria.name, AS_OF)
    got: list[ScreeningResult] = sorted(
        (screening_result(r.asDict(), criteria) for r in frame.collect()),
        key=lambda r: r.patient_id)
    assert verdicts(got) == REFERENCE
    assert left_out == {"coded result not accepted": 1, CENSORED_READ: 4}


# --- Hostile rows: the one row check (normalize.row_checks) on every reader -------------------
# Each row below is read by the normal reader (Python), by DuckDB in place and by the Spark
# job; each must find the same first problem, or accept the row with the same canonical value,
# unit and limits. Expected problems are named by hand from the normal reader's order of checks
# (normalize/canonical_records.py _observation); values converted by hand (clinical-reference.md E3:
# creatinine 88.4 umol/L = 1 mg/dL; haemoglobin g/L / 10 = g/dL).
HOSTILE = (
    # patient, time, code, value, unit, ref_low, ref_high -> problem or accepted value
    (("A", "2026-02-01T08:00:00Z", "platelets", "NaN", "10*9/L", "", ""), "value-not-a-number"),
    (("A", "2026-02-01T09:00:00Z", "platelets", "1e999", "10*9/L", "", ""), "value-not-a-number"),
    (("A", "2026-02-01T10:00:00Z", "hemoglobin", "110", "g/L", "115", "155"),
     (11.0, "g/dL", 11.5, 15.5)),
    (("A", "2026-02-01T11:00:00Z", "creatinine", "44.2", "umol/L", "", ""), (0.5, "mg/dL")),
    (("A", "2026-02-01T12:00:00Z", "hemoglobin", "12", "", "", ""), "unit-missing"),
    (("A", "2026-02-01T13:00:00Z", "hemoglobin", "12", "furlong", "", ""), "unit-not-convertible"),
    (("A", "2026-02-01T14:00:00Z", "platelets", "99999", "10*9/L", "", ""), "implausible-value"),
    (("A", "2026-02-01T15:00:00Z", "ldh", "300", "U/L", "abc", "320"),
     "reference-limit-not-a-number"),
    (("A", "yesterday", "ldh", "300", "U/L", "", ""), "time-not-a-date-time"),
    (("A", "", "ldh", "300", "U/L", "", ""), "required-value-missing"),
    (("A", "2026-02-01T16:00:00Z", "ldh", "a|b", "U/L", "", ""), "coded-value-not-accepted"),
    (("A", "2026-02-01T17:00:00Z", "schistocytes", "2+", "", "", ""), "coded-value-not-accepted"),
    (("Z", "2026-02-01T18:00:00Z", "ldh", "300", "U/L", "", ""), "unknown-patient"),
    (("A", "2026-02-01T19:00:00Z", "platelets", " < 10 ", "10*9/L", "", ""), (None, "10*9/L")),
    (("A", "2026-02-01T20:00:00Z", "schistocytes", "Present", "", "", ""), "present"),
    (("A", "2026-02-01T21:00:00Z", "ldh", " 250 ", " U/L ", "", ""), (250.0, "U/L")),
    # Implausible dates (normalize.dates, issue 20 item 7; [Design] limits): before 1900-01-01,
    # after the import day plus one, before the patient's birth (A born 2016-06-01). The date
    # is checked as soon as the time is read, before the value ('NaN' is never reached).
    (("A", "1899-12-31T08:00:00Z", "ldh", "300", "U/L", "", ""), "date-before-earliest"),
    (("A", "1800-01-01", "platelets", "NaN", "10*9/L", "", ""), "date-before-earliest"),
    (("A", "9999-12-31T08:00:00Z", "ldh", "300", "U/L", "", ""), "date-in-future"),
    (("A", "2015-01-01T08:00:00Z", "ldh", "300", "U/L", "", ""), "date-before-birth"),
    (("A", "2016-05-31T23:30:00-02:00", "ldh", "310", "U/L", "", ""), "date-before-birth"),
    (("A", "2016-06-01T00:30:00+02:00", "ldh", "320", "U/L", "", ""), (320.0, "U/L")),
    (("Z", "2015-01-01T08:00:00Z", "ldh", "300", "U/L", "", ""), "unknown-patient"),
)
HOSTILE_HEADER = "patient_id,time,code,value,unit,ref_low,ref_high"


def hostile_folder(root: Path, rows: tuple[tuple[tuple[str, ...], object], ...]) -> Path:
    """A dataset folder of patients A and B and the observation rows given (fields, answer)."""
    (root / "patients.csv").write_text(PATIENTS)
    lines = [HOSTILE_HEADER, *(",".join(fields) for fields, _ in rows)]
    (root / "observations.csv").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return hostile_folder(tmp_path, HOSTILE)


Answer = str | tuple[object, ...]


def _accepted(value: float | None, unit: str | None, low: float | None, high: float | None,
              category: str | None) -> Answer:
    if category is not None:
        return category
    found: tuple[object, ...] = (value, unit)
    return found if low is None and high is None else (*found, low, high)


def _python_answers(folder: Path) -> dict[int, Answer]:
    """By line of the file (the header is line 1): the normal reader's problem or reading."""
    from thrombo.normalize.row_checks import problem_of

    loaded = load_source(str(folder))
    document: dict[str, Any] = loaded.input_json()
    found: dict[int, Answer] = {
        int(q["location"].split()[-1]): str(problem_of(q["reason"]))
        for q in document["quarantine"]}
    for tl in loaded.timelines:
        for o in tl.observations:
            assert o.provenance is not None
            found[int(o.provenance.location.split()[-1])] = _accepted(
                o.value, None if o.quantity is None else o.quantity.unit, o.ref_low, o.ref_high,
                o.category)
    return found


def _duckdb_answers(folder: Path) -> dict[int, Answer]:
    from thrombo.population import checked_rows

    with checked_folder(folder) as con:
        rows = con.execute(f"SELECT seq, kind, value, unit, ref_low, ref_high, category "
                           f"FROM {checked_rows.CHECKED}").fetchall()
    return {int(seq) + 1: kind or _accepted(value, unit, low, high, category)
            for seq, kind, value, unit, low, high, category in rows}


def _expected() -> dict[int, Answer]:
    return {line: answer for line, (_, answer) in enumerate(HOSTILE, start=2)}


def _same(found: dict[int, Answer]) -> None:
    for line, want in _expected().items():
        # Exact: every reader rounds a converted value to 12 significant digits.
        assert found.get(line) == want, (line, HOSTILE[line - 2][0], found.get(line), want)


def test_hostile_rows_on_the_normal_reader(hostile: Path) -> None:
    _same(_python_answers(hostile))


def test_hostile_rows_on_duckdb_as_on_the_normal_reader(hostile: Path) -> None:
    duck = _duckdb_answers(hostile)
    _same(duck)
    assert duck == _python_answers(hostile)


@pytest.mark.spark
@pytest.mark.slow
def test_hostile_rows_on_spark_as_on_the_normal_reader(hostile: Path, spark_session: Any) -> None:
    from thrombo.population.spark_job import register_dataset

    register_dataset(spark_session, hostile)
    rows = spark_session.sql("SELECT seq, kind, value, unit_canonical AS unit, ref_low, "
                             "ref_high, category FROM obs_read").collect()
    spark = {int(r["seq"]) + 2: r["kind"] or _accepted(r["value"], r["unit"], r["ref_low"],
                                                         r["ref_high"], r["category"])
             for r in rows}
    _same(spark)
    assert spark == _python_answers(hostile)
