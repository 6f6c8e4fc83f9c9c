"""The accounting of hostile rows on every engine: the normal reader (Python, the reference),
`screen --engine duckdb` straight from the folder, and the Spark job count each row under the
same reason, and their quarantine and skip entries have one shape.

The rows are test_row_checks_engines' HOSTILE rows (one of each problem, each checked by hand
there) and, after them, copies and a skipped code:
- two copies of the first row of patient Z, who is in no patients file. The normal reader keys
  each record as it reads it and looks the patient up once everything is read
  (normalize.assemble: _account, then _resolve_patients), so a copy is a duplicate before its
  patient is found unknown: one row quarantined as an unknown patient, two duplicates (before,
  the Spark job counted all three as unknown patients);
- a copy of a usable row (A's haemoglobin 110 g/L): a duplicate;
- a copy of a refused row (A's platelets 'NaN'): refused again, since a row is refused before it
  is keyed (value not a number: 3 rows with the first two HOSTILE rows);
- serum cholesterol (LOINC 2093-3), a code thrombo does not use: skipped.

By hand, the 28 observation rows: 6 stored (HOSTILE's accepted rows), 3 duplicates, 1 skipped,
18 quarantined: value not a number 3, coded result not accepted 2, unknown patient 2, date
before 1900-01-01 2, dated before the patient's birth 2, and one each of required value
missing, time not a date-time, date in the future, no unit, unit not convertible, implausible
value, reference limit not a number. The patients file's two rows are stored too.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.engines.checked_folder import checked_folder
from tests.engines.test_row_checks_engines import AS_OF, HOSTILE, hostile_folder
from thrombo.normalize import row_checks as rc
from thrombo.population.dataset_folder import screen_dataset
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import load_source

UNKNOWN_Z = ("Z", "2026-02-01T18:00:00Z", "ldh", "300", "U/L", "", "")
USABLE_HB = ("A", "2026-02-01T10:00:00Z", "hemoglobin", "110", "g/L", "115", "155")
REFUSED_NAN = ("A", "2026-02-01T08:00:00Z", "platelets", "NaN", "10*9/L", "", "")
CHOLESTEROL = ("A", "2026-02-02T08:00:00Z", "http://loinc.org|2093-3", "180", "mg/dL", "", "")
COPIES = ((UNKNOWN_Z, "duplicate"), (UNKNOWN_Z, "duplicate"), (USABLE_HB, "duplicate"),
          (REFUSED_NAN, "value-not-a-number"), (CHOLESTEROL, rc.SKIPPED.name))
ROWS = (*HOSTILE, *COPIES)
PATIENT_ROWS = 2

EXPECTED = Counter({
    "stored": 6, "duplicate": 3, rc.SKIPPED.name: 1,
    "value-not-a-number": 3, "coded-value-not-accepted": 2, "unknown-patient": 2,
    "date-before-earliest": 2, "date-before-birth": 2, "required-value-missing": 1,
    "time-not-a-date-time": 1, "date-in-future": 1, "unit-missing": 1,
    "unit-not-convertible": 1, "implausible-value": 1, "reference-limit-not-a-number": 1,
})


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return hostile_folder(tmp_path, ROWS)


def _counted(document: dict[str, Any], refused: Counter[str]) -> Counter[str]:
    """The observation rows of a one-source read summary, by what became of them."""
    (source,) = document["sources"]
    counts = Counter({"stored": source["stored"] - PATIENT_ROWS,
                      "duplicate": source["duplicates"], rc.SKIPPED.name: source["skipped"]})
    return counts + refused


def python_accounting(folder: Path) -> Counter[str]:
    document: dict[str, Any] = load_source(str(folder)).input_json()
    refused = Counter(str(rc.problem_of(q["reason"])) for q in document["quarantine"])
    return _counted(document, refused)


def duckdb_accounting(folder: Path) -> Counter[str]:
    _, accounting = screen_dataset(folder, criteria_set("harmonized-2023"), BulkOptions(AS_OF))
    return _counted(accounting.to_json(), Counter(accounting.quarantined_by_kind()))


def test_the_normal_reader_counts_the_rows_as_counted_by_hand(hostile: Path) -> None:
    assert python_accounting(hostile) == EXPECTED


def test_duckdb_counts_each_row_as_the_normal_reader(hostile: Path) -> None:
    assert duckdb_accounting(hostile) == python_accounting(hostile) == EXPECTED


def test_duckdb_gives_each_copy_its_reason_as_the_normal_reader(hostile: Path) -> None:
    """Row by row: a copy of the unknown patient's row is a duplicate in DuckDB's checked
    table too, not a second unknown patient (the copies of usable rows are found range by
    range, as the screen finds them)."""
    from thrombo.population import checked_rows

    with checked_folder(hostile) as con:
        checked_rows.mark_copies(con)
        kinds = dict(con.execute(f"SELECT seq, kind FROM {checked_rows.CHECKED}").fetchall())
        checked_rows.select_range(con, checked_rows.usable_rows(con, 1), "", "\U0010ffff")
        copies = {seq for (seq,) in con.execute("SELECT seq FROM obs_range WHERE copy > 1")
                  .fetchall()}
    first_copy = len(HOSTILE) + 1  # seq counts data rows from 1
    found = [("duplicate" if seq in copies or kinds[seq] in (rc.REPEATED_ID, rc.REPEATED_CONTENT)
              else kinds[seq]) for seq in range(first_copy, first_copy + len(COPIES))]
    assert found == [answer for _, answer in COPIES]


def test_quarantine_and_skip_entries_have_one_shape(hostile: Path) -> None:
    """interface.md's `import --json`: a quarantine entry is source, location and reason; a
    skip entry reason, count and example. DuckDB lists the first row of each kind, the number
    of rows behind it in a warning; the first unknown-patient row, for one, as the normal
    reader quarantines it."""
    normal: dict[str, Any] = load_source(str(hostile)).input_json()
    _, accounting = screen_dataset(hostile, criteria_set("harmonized-2023"), BulkOptions(AS_OF))
    direct = accounting.to_json()
    for key, fields in (("quarantine", {"source", "location", "reason"}),
                        ("skipped", {"reason", "count", "example"})):
        assert {frozenset(e) for e in normal[key]} == {frozenset(fields)}
        assert {frozenset(e) for e in direct[key]} == {frozenset(fields)}
    unknown = [q for q in normal["quarantine"] if q["reason"].startswith("unknown patient")]
    assert unknown[0] in direct["quarantine"]
    assert direct["skipped"] == normal["skipped"]
    label = str(hostile / "observations.csv")
    assert (f"{label}: 2 rows quarantined as unknown patient; the quarantine lists the first "
            f"of them ({unknown[0]['location']})") in direct["warnings"]


@pytest.mark.spark
@pytest.mark.slow
def test_spark_counts_each_row_as_the_normal_reader(hostile: Path, spark_session: Any) -> None:
    """The Spark job's rows left out, by reason, and the rows it screens."""
    from thrombo.population.spark_job import CENSORED_READ, DUPLICATE, register_dataset

    _, left_out = register_dataset(spark_session, hostile)
    by_words = {words: name for name, words in rc.WORDS.items()} | {DUPLICATE: "duplicate"}
    skipped = f"{rc.SKIPPED.words}: "
    counts = Counter({(rc.SKIPPED.name if reason.startswith(skipped) else by_words[reason]): n
                      for reason, n in left_out.items() if reason != CENSORED_READ})
    counts["stored"] = spark_session.sql("SELECT COUNT(*) AS n FROM obs").collect()[0]["n"]
    assert counts == python_accounting(hostile) == EXPECTED
    kinds = {int(r["seq"]): r["kind"] for r in spark_session.sql(
        "SELECT seq, kind FROM obs_read").collect()}
    # The two copies of Z's row: duplicates by content, not unknown patients.
    assert [kinds[seq] for seq in sorted(kinds)][len(HOSTILE):len(HOSTILE) + 2] == [
        rc.REPEATED_CONTENT, rc.REPEATED_CONTENT]
