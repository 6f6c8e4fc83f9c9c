"""Reader for OMOP CDM v5.4 tables: a folder of CSV or Parquet files, or a SQL database.

Tables read: person (with death), measurement, drug_exposure, procedure_occurrence and
condition_occurrence. Each row becomes one `SourceRecord` like a CSV dataset row, so
normalisation, duplicates and quarantine accounting work unchanged; a death row is part of its
person's record (it fills `death_date`), not a record of its own. Values stay as the CDM gives
them: mapping codes to analytes and units to canonical units is normalisation's job.

Codes. A measurement's code is, in order: the LOINC `concept_code` of `measurement_concept_id`
from the CDM's own `concept` table when it is present; else the concept id's row in the
concept map (`data/omop_measurement_concepts.csv`, which a site extends with its own ids, or
`--omop-concepts FILE` of the same columns); else `measurement_source_value` as written (often
the LOINC code itself, or a local code for the user's code map). The shipped map is keyed by
LOINC `concept_code` with vocabulary 'LOINC'. It carries the standard concept id only where
two public OMOP mappings pair that id with the LOINC code (or its exact LOINC name), and names
them in `concept_id_status`: platelets (777-3, 26515-7), haemoglobin, serum and urine
creatinine, blood pressure, weight and height. The other rows keep an empty `concept_id` (one
mapping or none found): a wrong id would read one analyte as another, so a site adds them from
its own CDM's concept table. Procedures and conditions carry the concept table's
(vocabulary, code) when present, and their source value as text.

Gender: concept 8507 is male and 8532 female in the OMOP Gender vocabulary (OHDSI
documentation, [Design]: checked against the CDM v5.4 conventions, not a clinical number).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from thrombo.domain.codes import (
    ICD10,
    ICD10_CM,
    LOINC,
    RXNORM,
    SNOMED_CT,
    Code,
    InvalidCodeError,
)
from thrombo.domain.records import Provenance
from thrombo.errors import SourceError
from thrombo.io.omop_tables import (
    SUFFIXES,
    TABLES,
    DatabaseTables,
    FolderTables,
    Row,
    Tables,
    open_tables,
    table_sql,
)
from thrombo.io.omop_vocabulary import loinc_equivalents
from thrombo.io.raw import (
    RawCondition,
    RawItem,
    RawMedication,
    RawObservation,
    RawPatient,
    RawProcedure,
    SourceRecord,
)

# The tables' home is omop_tables; the CDM's readers find them here too.
__all__ = [
    "CONCEPT_MAP",
    "EXACT_OPERATORS",
    "OPERATORS",
    "SUFFIXES",
    "TABLES",
    "BadRow",
    "Concept",
    "Concepts",
    "DatabaseTables",
    "FolderTables",
    "Tables",
    "cdm_concepts",
    "cell_text",
    "load_concept_map",
    "measurement_code",
    "measurement_code_sql",
    "measurement_item",
    "open_tables",
    "operator_prefix",
    "read_omop",
    "table_sql",
]
GENDER = {"8507": "M", "8532": "F"}
# OMOP vocabulary_id -> the coding system thrombo's concept lists use.
VOCABULARY_SYSTEM = {"LOINC": LOINC, "SNOMED": SNOMED_CT, "RxNorm": RXNORM, "ICD10": ICD10,
                     "ICD10CM": ICD10_CM, "CPT4": "http://www.ama-assn.org/go/cpt"}
CONCEPT_MAP = "omop_measurement_concepts.csv"
# operator_concept_id of a measurement (OMOP "Meas Value Operator" vocabulary): the value is
# exact only under '=' or with no operator. Ids as two public OMOP ETLs map them (i2b2 to OMOP and
# OMOP to i2b2: 4172703 '=', 4171756 '<', 4172704 '>', 4171754 '<=', 4171755 '>='), the first
# two also as a published vocabulary extract names them ([Design]: CDM conventions, not a
# clinical number). A censored result ('<10') is not a number to compute with: its value keeps
# the operator, so the normaliser refuses it as it refuses '<10' in a CSV, never reading 10.
EXACT_OPERATORS = frozenset({"", "0", "4172703"})
OPERATORS = {"4171756": "<", "4172704": ">", "4171754": "<=", "4171755": ">="}


@dataclass(frozen=True, slots=True)
class Concept:
    vocabulary_id: str
    concept_code: str
    concept_name: str = ""
    mapped_from: str | None = None
    """For a LOINC concept standing in for a SNOMED measurement concept (omop_vocabulary), the
    original: 'SNOMED 61928009 (concept 4267147)'."""


@dataclass
class Concepts:
    """concept_id -> concept, from the CDM's concept table and the concept map file."""

    by_id: dict[str, Concept] = field(default_factory=dict)

    def code(self, concept_id: object) -> Concept | None:
        return self.by_id.get(cell_text(concept_id))


def load_concept_map(path: Path | None = None) -> Concepts:
    """The shipped concept map (or a site's file of the same columns): rows with a concept_id."""
    handle = (
        path.open(encoding="utf-8", newline="")
        if path
        else resources.files("thrombo.io").joinpath("data", CONCEPT_MAP).open(encoding="utf-8")
    )
    with handle:
        rows = list(csv.DictReader(handle))
    return Concepts({
        r["concept_id"].strip(): Concept(r["vocabulary_id"].strip(), r["concept_code"].strip())
        for r in rows if (r.get("concept_id") or "").strip()
    })


def cell_text(value: object) -> str:
    """The text of a CDM cell as the reader uses it: '' for none, a whole float without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- rows to raw records ------------------------------------------------------------------


def read_omop(
    source: str | Tables, concept_map: Path | None = None, *, measurements: bool = True,
    concepts: Concepts | None = None,
) -> Iterator[SourceRecord]:
    """Every record of an OMOP CDM: persons first, then the clinical tables (all but the
    measurement table when `measurements` is False: the batch engine reads that in place)."""
    tables = open_tables(source) if isinstance(source, str) else source
    if not tables.has("person"):
        raise SourceError(f"{tables.origin}: no person table (the one required OMOP table)")
    if concepts is None:
        concepts = cdm_concepts(tables, concept_map)
    deaths = {cell_text(r.get("person_id")): cell_text(r.get("death_date"))
              for r in tables.rows("death")} if tables.has("death") else {}
    readers = (("measurement", measurement_item), ("drug_exposure", _drug),
               ("procedure_occurrence", _procedure), ("condition_occurrence", _condition))
    yield from _records(tables, "person", lambda r: _person(r, deaths), concepts)
    for table, build in readers:
        if tables.has(table) and (measurements or table != "measurement"):
            yield from _records(tables, table, lambda r, b=build: b(r, concepts), concepts)


def cdm_concepts(tables: Tables, concept_map: Path | None = None) -> Concepts:
    """The concept map file's ids, overridden by the CDM's own concept table where present."""
    concepts = load_concept_map(concept_map)
    if tables.has("concept"):
        table, domains = _concept_table(tables)
        concepts.by_id.update(table)
        if tables.has("concept_relationship"):
            # SNOMED measurement concepts read as their LOINC equivalent (omop_vocabulary).
            concepts.by_id.update(loinc_equivalents(
                tables.rows("concept_relationship"), table, domains, cell_text))
    return concepts


def _concept_table(tables: Tables) -> tuple[dict[str, Concept], dict[str, str]]:
    """The concepts by id, and each one's domain."""
    concepts, domains = {}, {}
    for r in tables.rows("concept"):
        cid = cell_text(r.get("concept_id"))
        concepts[cid] = Concept(cell_text(r.get("vocabulary_id")),
                                cell_text(r.get("concept_code")),
                                cell_text(r.get("concept_name")))
        domains[cid] = cell_text(r.get("domain_id"))
    return concepts, domains


def _records(tables: Tables, table: str, build: Any, concepts: Concepts) -> Iterator[SourceRecord]:
    source = f"{tables.origin}/{table}"
    for number, row in enumerate(tables.rows(table), start=1):
        prov = Provenance(source, f"row {number}")
        try:
            yield SourceRecord(prov, (build(row),))
        except BadRow as exc:
            yield SourceRecord.bad(prov, str(exc))


class BadRow(Exception):
    """This CDM row cannot be read (the row is quarantined with the message)."""


class MissingValue(BadRow):
    """A required CDM column is empty in this row."""


def _required(row: Row, *columns: str) -> str:
    for column in columns:
        value = cell_text(row.get(column))
        if value:
            return value
    raise MissingValue(f"required value missing: {' or '.join(columns)}")


def _moment(row: Row, prefix: str) -> str:
    return _required(row, f"{prefix}_datetime", f"{prefix}_date")


def _birth_date(row: Row) -> str:
    if cell_text(row.get("birth_datetime")):
        return cell_text(row.get("birth_datetime"))[:10]
    year, month, day = (cell_text(row.get(f"{p}_of_birth")) for p in ("year", "month", "day"))
    if not (year and month and day):
        # A paediatric age from the year alone can be wrong by a year: refused, not guessed.
        raise MissingValue("birth date incomplete: thrombo needs year, month and day of birth")
    y, m, d = (_whole(text) for text in (year, month, day))
    if y is not None and m is not None and d is not None:
        try:
            return date(y, m, d).isoformat()
        except ValueError:
            pass
    raise BadRow(f"birth date not a calendar date: year {year}, month {month}, day {day}")


def _whole(text: str) -> int | None:
    """A whole number as a CDM file may write it ('3', or '3.0' from a float column)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _person(row: Row, deaths: dict[str, str]) -> RawItem:
    pid = _required(row, "person_id")
    sex = GENDER.get(cell_text(row.get("gender_concept_id"))) or cell_text(
        row.get("gender_source_value"))
    fields = {"patient_id": pid, "birth_date": _birth_date(row), "sex": sex or "U"}
    if deaths.get(pid):
        fields["death_date"] = deaths[pid][:10]
    return RawPatient(pid, fields)


def measurement_code(concept: Concept | None, source_value: str) -> str | None:
    """The code a measurement is read by, from its concept: the LOINC code; for a concept of
    another known vocabulary whose source value is its own code (or empty), `system|code`, so
    that a skip names the standard concept ('http://snomed.info/sct|171207006'), not a 'local
    code'; None: the source value as written (a local code, for the code map) or the id.
    measurement_code_sql is the same in SQL."""
    if concept is None:
        return None
    if concept.vocabulary_id == "LOINC":
        return concept.concept_code
    system = VOCABULARY_SYSTEM.get(concept.vocabulary_id)
    if system and concept.concept_code and source_value in ("", concept.concept_code):
        return f"{system}|{concept.concept_code}"
    return None


def measurement_code_sql(concept: str, source_value: str, concept_id: str) -> str:
    """measurement_code in SQL (DuckDB and Spark): `concept` is the alias of the concept
    look-up (vocabulary_id, concept_code); the others are the cells' reader text."""
    code = f"NULLIF(trim({concept}.concept_code), '')"
    systems = " ".join(f"WHEN '{v}' THEN '{s}|'" for v, s in VOCABULARY_SYSTEM.items())
    return (f"CASE WHEN {concept}.vocabulary_id = 'LOINC' THEN {code} "
            f"WHEN {code} IS NOT NULL AND COALESCE({source_value}, {code}) = {code} "
            f"AND {concept}.vocabulary_id IN ({', '.join(repr(v) for v in VOCABULARY_SYSTEM)}) "
            f"THEN (CASE {concept}.vocabulary_id {systems} END) || {code} "
            f"ELSE COALESCE({source_value}, {concept_id}) END")


def measurement_item(row: Row, concepts: Concepts) -> RawObservation:
    concept = concepts.code(row.get("measurement_concept_id"))
    code = measurement_code(concept, cell_text(row.get("measurement_source_value"))) or (
        _required(row, "measurement_source_value", "measurement_concept_id"))
    unit_concept = concepts.code(row.get("unit_concept_id"))
    unit = cell_text(row.get("unit_source_value")) or (
        unit_concept.concept_code if unit_concept else "")
    value = row.get("value_as_number")
    if value is None or cell_text(value) == "":
        # A coded result: as the source wrote it, else the name of its value concept
        # ('Positive'), which the normaliser reads as it reads the same word in a CSV.
        coded = concepts.code(row.get("value_as_concept_id"))
        value = cell_text(row.get("value_source_value")) or (
            coded.concept_name.strip() if coded else "") or None
    else:
        value = operator_prefix(cell_text(row.get("operator_concept_id"))) + cell_text(value)
    ident = cell_text(row.get("measurement_id"))
    mapped = concept.mapped_from if concept else None
    return RawObservation(
        patient_id=_required(row, "person_id"),
        time=_moment(row, "measurement"),
        code=code,
        value=cell_text(value) if value is not None else None,
        unit=unit or None,
        ref_low=cell_text(row.get("range_low")) or None,
        ref_high=cell_text(row.get("range_high")) or None,
        resource_id=f"measurement/{ident}" if ident else None,
        extra={"code_mapped_from": mapped} if mapped else {},
    )


def operator_prefix(operator: str) -> str:
    """What a result's text starts with under `operator_concept_id` (its text): nothing for an
    exact value, the symbol for a censored one ('<'), and the id itself for an operator thrombo
    does not know, so that the value is refused, not read as exact."""
    if operator in EXACT_OPERATORS:
        return ""
    return OPERATORS.get(operator, f"(operator concept {operator}) ")


def _drug(row: Row, concepts: Concepts) -> RawItem:
    concept = concepts.code(row.get("drug_concept_id"))
    name = cell_text(row.get("drug_source_value")) or (concept.concept_name if concept else "")
    return RawMedication(
        patient_id=_required(row, "person_id"),
        drug=name or _required(row, "drug_concept_id"),
        start=_moment(row, "drug_exposure_start"),
        end=cell_text(row.get("drug_exposure_end_datetime") or row.get("drug_exposure_end_date"))
        or None,
        route=cell_text(row.get("route_source_value")) or None,
        resource_id=f"drug_exposure/{cell_text(row.get('drug_exposure_id'))}",
    )


def _codes(concept: Concept | None) -> tuple[Code, ...]:
    if concept is None or concept.vocabulary_id not in VOCABULARY_SYSTEM:
        return ()
    try:
        return (Code(VOCABULARY_SYSTEM[concept.vocabulary_id], concept.concept_code),)
    except InvalidCodeError:
        return ()


def _name(concept: Concept | None) -> str | None:
    return concept.concept_name or None if concept else None


def _coded(
    row: Row, concepts: Concepts, kind: str
) -> tuple[str, tuple[Code, ...], str | None, str]:
    """A procedure's or condition's person, codes, text and resource id: the `kind`_concept_id's
    concept, the source value (else the concept's name), `kind`_occurrence/id."""
    concept = concepts.code(row.get(f"{kind}_concept_id"))
    text = cell_text(row.get(f"{kind}_source_value")) or _name(concept)
    resource = f"{kind}_occurrence/{cell_text(row.get(f'{kind}_occurrence_id'))}"
    return _required(row, "person_id"), _codes(concept), text, resource


def _procedure(row: Row, concepts: Concepts) -> RawItem:
    person, codes, text, resource = _coded(row, concepts, "procedure")
    return RawProcedure(person, codes, text, _moment(row, "procedure"), resource)


def _condition(row: Row, concepts: Concepts) -> RawItem:
    person, codes, text, resource = _coded(row, concepts, "condition")
    return RawCondition(person, codes, text, _moment(row, "condition_start"), resource)
