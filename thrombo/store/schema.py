"""The store's tables (SQLAlchemy Core). Changes go through an Alembic migration.

Times are stored as UTC (naive DateTime columns hold UTC) with the reported offset in minutes,
so that the original local time can be shown again. Every row names the import that wrote it.
The SQL is kept portable: SQLite is the embedded default, PostgreSQL the service store.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("actor", String(200), nullable=False),
    Column("command", String(200), nullable=False),
    Column("summary", JSON, nullable=False),
)

patients = Table(
    "patients",
    metadata,
    Column("patient_id", String(200), primary_key=True),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    Column("center", String(200)),
    Column("hsct_date", Date),
    Column("hsct_type", String(20)),
    Column("conditioning_start_date", Date),
    Column("neutrophil_engraftment_date", Date),
    Column("platelet_engraftment_date", Date),
    Column("itp_diagnosis_date", Date),
    Column("splenectomy_date", Date),
    Column("death_date", Date),
    Column("last_contact_date", Date),
    Column("attributes", JSON, nullable=False),
    Column("source", Text),
    Column("location", String(300)),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

observations = Table(
    "observations",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("patient_id", String(200), ForeignKey("patients.patient_id"), nullable=False),
    Column("analyte", String(50), nullable=False),
    Column("time_utc", DateTime, nullable=False),
    Column("utc_offset_minutes", Integer, nullable=False),
    Column("value", Float),
    Column("unit", String(30)),
    Column("category", String(30)),
    Column("ref_low", Float),
    Column("ref_high", Float),
    Column("code_system", String(200)),
    Column("code", String(100)),
    Column("reported_value", Float),
    Column("reported_unit", String(30)),
    Column("version", Integer, nullable=False),
    Column("attributes", JSON),
    Column("source", Text),
    Column("location", String(300)),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    # A censored result ('<10'): the value is a bound and this its side (migration 0004).
    Column("comparator", String(2)),
    # Where ref_low/ref_high came from when not the result's own range (migration 0004).
    Column("ref_source", Text),
    Index("ix_observations_patient_analyte_time", "patient_id", "analyte", "time_utc"),
)

medications = Table(
    "medications",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("patient_id", String(200), ForeignKey("patients.patient_id"), nullable=False),
    Column("drug", String(100), nullable=False),
    Column("start_utc", DateTime, nullable=False),
    Column("start_offset_minutes", Integer, nullable=False),
    Column("end_utc", DateTime),
    Column("end_offset_minutes", Integer),
    Column("dose", Float),
    Column("dose_unit", String(30)),
    Column("route", String(50)),
    Column("intent", String(50)),
    Column("attributes", JSON),
    Column("source", Text),
    Column("location", String(300)),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Index("ix_medications_patient", "patient_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("patient_id", String(200), ForeignKey("patients.patient_id"), nullable=False),
    Column("time_utc", DateTime, nullable=False),
    Column("utc_offset_minutes", Integer, nullable=False),
    Column("event", String(100), nullable=False),
    Column("grade", Integer),
    Column("note", Text),
    Column("attributes", JSON),
    Column("source", Text),
    Column("location", String(300)),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Index("ix_events_patient", "patient_id"),
)

patient_facts = Table(
    "patient_facts",
    metadata,
    Column("patient_id", String(200), ForeignKey("patients.patient_id"), primary_key=True),
    Column("field", String(50), primary_key=True),
    Column("value", Date, primary_key=True),
    Column("detail", String(50)),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("source", Text, nullable=False),
    Column("location", String(300), nullable=False),
    Column("reason", Text, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("patient_id", String(200)),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("hash", name="uq_audit_hash"),
)

screening_results = Table(
    "screening_results",
    metadata,
    # A patient's TA-TMA screening as `screen --json` gives it (interface.md section 3), kept
    # for the data it was computed from (migration 0006; thrombo.store.screenings).
    Column("patient_id", String(200), ForeignKey("patients.patient_id"), primary_key=True),
    Column("rules_key", String(64), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("time_zone", String(100), primary_key=True),
    Column("criteria", String(100), nullable=False),
    Column("rules", JSON, nullable=False),
    Column("rules_version", String(100), nullable=False),
    Column("data_version", String(100), nullable=False),
    Column("result", JSON, nullable=False),
    Column("computed_at", DateTime, nullable=False),
)


IN_LIST_SIZE = 500
"""Ids per `IN (...)` list (SQLite allows 32,766 parameters; PostgreSQL 65,535)."""


def in_chunks(values: list[str], size: int = IN_LIST_SIZE) -> Iterator[list[str]]:
    """`values` in slices of `size`: one `IN` list, or one batch of work, each."""
    for i in range(0, len(values), size):
        yield values[i : i + size]
