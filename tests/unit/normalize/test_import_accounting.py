"""Every record of a damaged dataset is stored, a duplicate, skipped or quarantined, with reasons.

The fixture `tests/fixtures/datasets/bad_rows` holds one bad record of each kind; each expected
outcome below was worked out by hand from the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from thrombo.store.sources import load_source, read_sources
from thrombo.store.sql import Store

BAD_ROWS = Path(__file__).parents[2] / "fixtures" / "datasets" / "bad_rows"

EXPECTED_QUARANTINE = {
    ("patients.csv", "line 4"): "birth_date 2030-01-01 is in the future",
    ("patients.csv", "line 5"): "sex 'X' is not F, M or U",
    ("observations.csv", "line 10"): "unknown unit 'mg/dl/' for ldh",
    ("observations.csv", "line 11"): "value for hemoglobin 'abc' is not a number",
    ("observations.csv", "line 12"): "implausible hemoglobin 150 g/dL (plausible 1-30 g/dL)",
    ("observations.csv", "line 13"): "implausible platelets -3 10*9/L (plausible 0-5000 10*9/L)",
    ("observations.csv", "line 14"): "time '2026-02-31' is not an ISO 8601 date or date-time",
    ("observations.csv", "line 15"): "unknown patient 'P99'",
    ("observations.csv", "line 16"): "5 fields where the header has 7",
    ("medications.csv", "line 3"): "end 2026-01-30 is before start 2026-02-01",
    ("events.csv", "line 4"): "grade '7' is not a whole number 0-5",
}


def _quarantine(summary_json: dict[str, object]) -> dict[tuple[str, str], str]:
    entries = summary_json["quarantine"]
    assert isinstance(entries, list)
    return {(Path(q["source"]).name, q["location"]): q["reason"] for q in entries}


def test_every_bad_row_is_quarantined_with_its_line_and_reason() -> None:
    loaded = load_source(str(BAD_ROWS))
    assert loaded.summary is not None
    assert _quarantine(loaded.summary.to_json()) == EXPECTED_QUARANTINE


def test_counts_add_up_and_the_good_rows_load() -> None:
    loaded = load_source(str(BAD_ROWS))
    assert loaded.summary is not None
    (source,) = loaded.summary.sources
    assert (source.records, source.stored, source.duplicates, source.skipped) == (29, 16, 1, 1)
    assert source.quarantined == 11
    assert source.balanced
    assert source.ignored_files == ["README.md"]
    assert [t.patient_id for t in loaded.timelines] == ["P01", "P02"]
    skipped = loaded.summary.to_json()["skipped"]
    assert skipped == [
        {
            "reason": "code not used by thrombo: http://loinc.org|2093-3",
            "count": 1,
            "example": f"{BAD_ROWS / 'observations.csv'} line 9",
        }
    ]


def test_values_arrive_in_canonical_units_with_the_reported_value_kept() -> None:
    p01, p02 = load_source(str(BAD_ROWS)).timelines
    hb = p01.of("hemoglobin")[0]
    assert hb.quantity is not None and hb.quantity.value == 9.5 and hb.quantity.unit == "g/dL"
    assert hb.reported is not None and (hb.reported.value, hb.reported.unit) == (95, "g/L")
    assert [o.value for o in p01.of("platelets")] == [45.0, 45.0]  # 10*9/L and 45000 /uL
    ldh = p01.of("ldh")[0]
    assert (ldh.ref_low, ldh.ref_high) == (120, 320)
    assert p02.of("upcr")[0].value == pytest.approx(2.0)  # 226.24 mg/mmol / 113.12
    assert p02.of("sc5b9")[0].ref_high == 244  # local code mapped by thrombo-codemap.toml
    assert p02.of("urine_protein")[0].category == "2+"
    assert p01.of("schistocytes")[0].category == "present"


def test_times_without_offset_use_the_site_time_zone() -> None:
    (p01, _) = load_source(str(BAD_ROWS), tz="Europe/Paris").timelines
    ldh = p01.of("ldh")[0]
    assert ldh.time.isoformat() == "2026-02-01T00:00:00+01:00"
    platelets = p01.of("platelets")[0]
    assert platelets.time.utcoffset() is not None


def test_import_into_store_is_idempotent(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    first = store.import_dataset(
        read_sources([str(BAD_ROWS)], known_patients=store.known_patient_ids()),
        actor="test",
        command="test",
    )
    assert first.sources[0].stored == 16 and first.sources[0].balanced
    second = store.import_dataset(
        read_sources([str(BAD_ROWS)], known_patients=store.known_patient_ids()),
        actor="test",
        command="test",
    )
    (again,) = second.sources
    assert again.stored == 0
    assert again.duplicates == 17  # 16 stored before + the in-file duplicate
    assert again.balanced
    timelines = store.timelines()
    assert [len(t.observations) for t in timelines] == [6, 5]


def test_store_round_trip_keeps_records_equal(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    store.import_dataset(read_sources([str(BAD_ROWS)]), actor="test", command="test")
    from_file = load_source(str(BAD_ROWS)).timelines
    from_store = store.timelines()
    for a, b in zip(from_file, from_store, strict=True):
        assert a.patient == b.patient
        assert [(o.id, o.analyte, o.value, o.category, o.time) for o in a.observations] == [
            (o.id, o.analyte, o.value, o.category, o.time) for o in b.observations
        ]
        assert a.medications == tuple(m for m in b.medications)
        assert [(e.id, e.event, e.grade) for e in a.events] == [
            (e.id, e.event, e.grade) for e in b.events
        ]


def test_extra_columns_are_kept_as_attributes_through_the_store(
    sqlite_url: str, tmp_path: Path
) -> None:
    """interface.md section 1: unknown extra columns are kept as attributes, never an error."""
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "patients.csv").write_text("patient_id,birth_date,sex\nP1,2015-01-01,F\n")
    (folder / "observations.csv").write_text(
        "patient_id,time,code,value,unit,specimen_id,analyser\n"
        "P1,2026-02-01,platelets,45,10*9/L,SP-77,XN-1000\n"
    )
    (folder / "medications.csv").write_text(
        "patient_id,drug,start,order_id\nP1,defibrotide,2026-02-02,ORD-9\n"
    )
    (folder / "events.csv").write_text("patient_id,time,event,ward\nP1,2026-02-03,bleeding,5B\n")
    (in_memory,) = load_source(str(folder)).timelines
    assert in_memory.observations[0].attributes == {"specimen_id": "SP-77", "analyser": "XN-1000"}
    store = Store.open(sqlite_url)
    store.import_dataset(read_sources([str(folder)]), actor="t", command="t")
    (stored,) = store.timelines()
    assert stored.observations[0].attributes == {"specimen_id": "SP-77", "analyser": "XN-1000"}
    assert stored.medications[0].attributes == {"order_id": "ORD-9"}
    assert stored.events[0].attributes == {"ward": "5B"}


def test_a_changed_patient_row_is_stored_not_counted_as_a_duplicate(
    sqlite_url: str, tmp_path: Path
) -> None:
    """A later export that adds a death date is new information: the patient is updated (stored),
    and importing that same export again is a duplicate."""
    first = tmp_path / "first"
    first.mkdir()
    (first / "patients.csv").write_text(
        "patient_id,birth_date,sex,hsct_date\nP1,2015-01-01,F,2026-01-01\n"
    )
    later = tmp_path / "later"
    later.mkdir()
    (later / "patients.csv").write_text(
        "patient_id,birth_date,sex,hsct_date,death_date\nP1,2015-01-01,F,2026-01-01,2026-05-02\n"
    )
    store = Store.open(sqlite_url)

    def run(folder: Path) -> tuple[int, int]:
        data = read_sources([str(folder)], known_patients=store.known_patient_ids())
        (source,) = store.import_dataset(data, actor="t", command="t").sources
        return source.stored, source.duplicates

    assert run(first) == (1, 0)
    assert run(first) == (0, 1)
    assert run(later) == (1, 0)
    assert run(later) == (0, 1)
    (timeline,) = store.timelines()
    assert str(timeline.patient.death_date) == "2026-05-02"
