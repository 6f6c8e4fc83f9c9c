"""OMOP CDM v5.4 tables read into thrombo's raw records, and on through normalisation.

A tiny CDM written by hand: two persons (one with year of birth only, which is refused), LOINC
measurements identified through the CDM's concept table, a measurement known only by its source
value, an unknown concept, a death, an HSCT procedure (SNOMED 234336002, thrombo's concept list)
and a condition thrombo does not use. The same tables in CSV, Parquet and SQLite give the same
records.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy

from thrombo.errors import SourceError
from thrombo.io.omop import CONCEPT_MAP, load_concept_map, measurement_item, read_omop
from thrombo.io.raw import RawObservation, RawPatient, RawProcedure
from thrombo.normalize.analytes import BY_LOINC
from thrombo.store.sources import load_source

TABLES: dict[str, list[dict[str, object]]] = {
    "person": [
        {"person_id": 1, "gender_concept_id": 8532, "year_of_birth": 2015, "month_of_birth": 3,
         "day_of_birth": 14, "gender_source_value": "F"},
        {"person_id": 2, "gender_concept_id": 8507, "year_of_birth": 2012, "month_of_birth": None,
         "day_of_birth": None, "gender_source_value": "M"},
    ],
    "death": [{"person_id": 1, "death_date": "2026-05-01"}],
    "concept": [
        {"concept_id": 900001, "concept_name": "Platelets", "vocabulary_id": "LOINC",
         "concept_code": "777-3"},
        {"concept_id": 900002, "concept_name": "LDH", "vocabulary_id": "LOINC",
         "concept_code": "2532-0"},
        {"concept_id": 900003, "concept_name": "HSCT", "vocabulary_id": "SNOMED",
         "concept_code": "234336002"},
    ],
    "measurement": [
        {"measurement_id": 10, "person_id": 1, "measurement_concept_id": 900001,
         "measurement_date": "2026-02-01", "measurement_datetime": "2026-02-01 07:30:00",
         "value_as_number": 42.0, "unit_source_value": "10*9/L", "range_low": 150,
         "range_high": 450, "measurement_source_value": "PLT"},
        {"measurement_id": 11, "person_id": 1, "measurement_concept_id": 900002,
         "measurement_date": "2026-02-01", "measurement_datetime": "2026-02-01 07:30:00",
         "value_as_number": 912.0, "unit_source_value": "U/L", "range_low": None,
         "range_high": 320, "measurement_source_value": "LDH"},
        {"measurement_id": 12, "person_id": 1, "measurement_concept_id": 0,
         "measurement_date": "2026-02-02", "measurement_datetime": None,
         "value_as_number": 8.1, "unit_source_value": "g/dL", "range_low": None,
         "range_high": None, "measurement_source_value": "718-7"},
        {"measurement_id": 13, "person_id": 1, "measurement_concept_id": 123,
         "measurement_date": "2026-02-02", "measurement_datetime": None,
         "value_as_number": 5.0, "unit_source_value": "mmol/L", "range_low": None,
         "range_high": None, "measurement_source_value": None},
    ],
    "procedure_occurrence": [
        {"procedure_occurrence_id": 20, "person_id": 1, "procedure_concept_id": 900003,
         "procedure_date": "2026-01-10", "procedure_source_value": "allogeneic HSCT"},
    ],
    "condition_occurrence": [
        {"condition_occurrence_id": 30, "person_id": 1, "condition_concept_id": 4,
         "condition_start_date": "2026-01-05", "condition_source_value": "J18.9"},
    ],
}


def write_csv(folder: Path, tables: dict[str, list[dict[str, object]]] = TABLES) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name.upper()}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def write_parquet(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name, rows in TABLES.items():
        pd.DataFrame(rows).to_parquet(folder / f"{name}.parquet")
    return folder


def write_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = sqlalchemy.create_engine(url)
    for name, rows in TABLES.items():
        pd.DataFrame(rows).to_sql(name, engine, index=False)
    return url


def _summary(records: list[object]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for r in records:
        if r.quarantined:  # type: ignore[attr-defined]
            out.append(("quarantined", r.quarantined))  # type: ignore[attr-defined]
        else:
            item = r.items[0]  # type: ignore[attr-defined]
            out.append((type(item).__name__, getattr(item, "code", None)))
    return out


def test_csv_folder_gives_one_record_per_row(tmp_path: Path) -> None:
    records = list(read_omop(str(write_csv(tmp_path / "cdm"))))
    assert len(records) == 2 + 4 + 1 + 1  # persons, measurements, procedure, condition
    patient = records[0].items[0]
    assert isinstance(patient, RawPatient)
    assert patient.fields == {"patient_id": "1", "birth_date": "2015-03-14", "sex": "F",
                              "death_date": "2026-05-01"}
    assert records[1].quarantined is not None and "year, month and day" in records[1].quarantined
    codes = [r.items[0].code for r in records[2:6]]
    # concept table (LOINC), concept table, source value, unknown concept id
    assert codes == ["777-3", "2532-0", "718-7", "123"]
    plt = records[2].items[0]
    assert isinstance(plt, RawObservation)
    assert (plt.time, plt.value, plt.unit, plt.ref_high) == (
        "2026-02-01 07:30:00", "42.0", "10*9/L", "450")
    hsct = records[6].items[0]
    assert isinstance(hsct, RawProcedure)
    assert [c.key for c in hsct.codes] == ["http://snomed.info/sct|234336002"]


def test_parquet_and_sqlite_give_the_same_records(tmp_path: Path) -> None:
    from_csv = _summary(list(read_omop(str(write_csv(tmp_path / "a")))))
    assert _summary(list(read_omop(str(write_parquet(tmp_path / "b"))))) == from_csv
    assert _summary(list(read_omop(write_sqlite(tmp_path / "cdm.sqlite")))) == from_csv


def test_normalisation_accounts_for_every_record(tmp_path: Path) -> None:
    """interface.md: records == stored + duplicates + skipped + quarantined, per source.

    Hand count: 8 rows; quarantined 1 (year-only birth); skipped 2 (concept 123 unmapped, the
    J18.9 condition); stored 5 (person 1, three measurements, the HSCT)."""
    loaded = load_source(str(write_csv(tmp_path / "cdm")), fmt="omop")
    (source,) = loaded.input_json()["sources"]  # type: ignore[index]
    assert {k: source[k] for k in ("format", "records", "stored", "duplicates", "skipped",
                                   "quarantined")} == {
        "format": "omop", "records": 8, "stored": 5, "duplicates": 0, "skipped": 2,
        "quarantined": 1}
    (timeline,) = loaded.timelines
    assert timeline.patient.hsct_date == date(2026, 1, 10)
    assert sorted(o.analyte for o in timeline.observations) == ["hemoglobin", "ldh", "platelets"]


PLATELETS_AUTOMATED = 3024929
"""OMOP standard concept for LOINC 777-3, Platelets [#/volume] in Blood by Automated count."""


def shipped_concept_rows() -> list[dict[str, str]]:
    with resources.files("thrombo.io").joinpath("data", CONCEPT_MAP).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_measurement_known_only_by_its_concept_id_reads_through_the_shipped_map(
    tmp_path: Path,
) -> None:
    """No concept table and a local source value: only the shipped id can name the analyte, so
    a missing or wrong id leaves the row unmapped or makes it another analyte."""
    tables: dict[str, list[dict[str, object]]] = {
        "person": TABLES["person"][:1],
        "measurement": [
            {"measurement_id": 40, "person_id": 1, "measurement_concept_id": PLATELETS_AUTOMATED,
             "measurement_date": "2026-03-01", "measurement_datetime": "2026-03-01 08:00:00",
             "value_as_number": 23.0, "unit_source_value": "10*9/L", "range_low": None,
             "range_high": None, "measurement_source_value": "PLT-LOCAL"},
        ],
    }
    folder = write_csv(tmp_path / "cdm", tables)
    (patient, measurement) = list(read_omop(str(folder)))
    raw = measurement.items[0]
    assert isinstance(patient.items[0], RawPatient)
    assert isinstance(raw, RawObservation) and raw.code == "777-3"

    (timeline,) = load_source(str(folder), fmt="omop").timelines
    (observation,) = timeline.observations
    assert (observation.analyte, observation.value) == ("platelets", 23.0)


def test_shipped_concept_ids_are_unique_numbers_for_the_catalogue_analyte() -> None:
    rows = shipped_concept_rows()
    filled = [r for r in rows if r["concept_id"].strip()]
    ids = [r["concept_id"].strip() for r in filled]
    assert filled and all(i.isdigit() for i in ids)
    assert len(set(ids)) == len(ids)
    for row in filled:
        code = row["concept_code"]
        assert row["vocabulary_id"] == "LOINC"
        assert code in BY_LOINC, code
        assert row["analyte"] == BY_LOINC[code].key, code
        # Shipped only on two named public mappings, so that a site can re-check each id.
        status = row["concept_id_status"]
        assert status.startswith("confirmed: ") and " + " in status, code
    for row in rows:
        if not row["concept_id"].strip():
            assert row["concept_id_status"].startswith("not filled"), row["concept_code"]
    assert {k: c.concept_code for k, c in load_concept_map().by_id.items()} == {
        r["concept_id"]: r["concept_code"] for r in filled}


def test_a_site_concept_map_resolves_its_ids(tmp_path: Path) -> None:
    site = tmp_path / "concepts.csv"
    site.write_text("concept_id,concept_code,vocabulary_id,analyte,loinc_status,"
                    "concept_id_status\n555,718-7,LOINC,hemoglobin,x,site checked\n")
    assert load_concept_map(site).code(555.0).concept_code == "718-7"  # type: ignore[union-attr]


def test_a_folder_without_a_person_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no person table"):
        list(read_omop(str(tmp_path)))


def test_birth_parts_written_as_floats_read_and_an_impossible_date_is_refused(
    tmp_path: Path,
) -> None:
    """A CDM exported through a float column writes month 3 as '3.0': still 14 March. A
    30 February is refused with its parts named, not a traceback that stops the whole read."""
    persons: list[dict[str, object]] = [
        {"person_id": 1, "gender_concept_id": 8532, "year_of_birth": "2015.0",
         "month_of_birth": "3.0", "day_of_birth": "14.0"},
        {"person_id": 2, "gender_concept_id": 8507, "year_of_birth": 2015, "month_of_birth": 2,
         "day_of_birth": 30},
        {"person_id": 3, "gender_concept_id": 8507, "year_of_birth": 2015,
         "month_of_birth": "3.5", "day_of_birth": 1},
    ]
    folder = write_csv(tmp_path / "cdm", {"person": persons})
    first, second, third = list(read_omop(str(folder)))
    assert isinstance(first.items[0], RawPatient)
    assert first.items[0].fields["birth_date"] == "2015-03-14"
    assert second.quarantined == "birth date not a calendar date: year 2015, month 2, day 30"
    assert third.quarantined is not None and "month 3.5" in third.quarantined
    loaded = load_source(str(folder), fmt="omop")
    (source,) = loaded.input_json()["sources"]  # type: ignore[index]
    assert (source["records"], source["stored"], source["quarantined"]) == (3, 1, 2)


@pytest.mark.parametrize(("operator", "value"), [
    (None, "42"), (0, "42"), (4172703, "42"), (4171756, "<42"), (4172704, ">42"),
    (4171754, "<=42"), (4171755, ">=42"), (123, "(operator concept 123) 42")])
def test_a_censored_measurement_keeps_its_operator(operator: object, value: str) -> None:
    """'<42' is not 42: under any operator but '=' (or none) the value keeps it and the
    normaliser refuses the result as not a number instead of reading the bound as exact."""
    row = {**TABLES["measurement"][0], "value_as_number": 42.0, "operator_concept_id": operator}
    raw = measurement_item(row, load_concept_map())
    assert raw.value == value
    text_only = {**row, "value_as_number": None, "value_source_value": "<5"}
    assert measurement_item(text_only, load_concept_map()).value == "<5"  # as written


def test_a_measurement_table_with_a_malformed_row_is_refused_not_read_as_empty(
    tmp_path: Path,
) -> None:
    """A last row with two fields too many: DuckDB's CSV sniffer took it for the header and
    read the table as empty, so every measurement vanished without a count. The table is now
    refused by name, by the reader and by the batch engine alike."""
    from thrombo.population.omop_cdm import screen_omop_sets
    from thrombo.population.options import BulkOptions
    from thrombo.rules.registry import criteria_set

    folder = write_csv(tmp_path / "cdm")
    with (folder / "MEASUREMENT.csv").open("a", encoding="utf-8") as handle:
        handle.write("99,1,900001,2026-02-01,2026-02-01 07:30:00,5,10*9/L,,,PLT,EXTRA,MORE\n")
    with pytest.raises(SourceError, match=r"MEASUREMENT\.csv: cannot be read"):
        load_source(str(folder), fmt="omop")
    with pytest.raises(SourceError, match=r"MEASUREMENT\.csv: cannot be read"):
        screen_omop_sets(folder, [criteria_set("harmonized-2023")],
                         BulkOptions(date(2026, 2, 28)))


def test_a_tab_separated_cdm_reads_as_the_comma_separated_one(tmp_path: Path) -> None:
    """Athena's vocabulary files and many CDM exports separate fields with tabs."""
    commas = write_csv(tmp_path / "commas")
    tabs = tmp_path / "tabs"
    tabs.mkdir()
    for path in commas.iterdir():
        rows = list(csv.reader(path.open(newline="")))
        with (tabs / path.name).open("w", newline="") as handle:
            csv.writer(handle, delimiter="\t").writerows(rows)
    assert _summary(list(read_omop(str(tabs)))) == _summary(list(read_omop(str(commas))))
