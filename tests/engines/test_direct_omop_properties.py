"""Generated measurement tables: the DuckDB direct path reads each row as the OMOP reader does.

Rows are drawn from the cells that make a reader decide differently: person ids that exist, do
not or are missing; known, unknown or missing concepts and source values; whole, fractional,
negative, implausible and missing numbers; free text, coded words and value concepts; operators;
units by text, by concept or none; times with and without a time of day, or unreadable; repeated
measurement ids. Tables are written as CSV (all text) and Parquet (typed, a gap making a column
DOUBLE). Counts per kind, examples and reasons, skips, duplicates and verdicts must agree.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engines.test_direct_dataset import assert_accounted_as_normal
from tests.engines.test_direct_omop import (
    CONCEPTS,
    PERSONS,
    PROCEDURES,
    assert_same_verdicts,
    m,
    write_cdm,
)

PERSON = st.sampled_from([1, 1, 1, 3, 3, 2, 9, None])
CONCEPT = st.sampled_from([900001, 900002, 900003, 900004, 0, 123, None])
SOURCE = st.sampled_from([None, "PLT", "718-7", "schistocytes", "dat", "8480-6", " 777-3 "])
NUMBER = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 42.0, 7.25, 1e-05, -4.0, 912.5, 5001.0,
                                               350.0]),
                   st.floats(min_value=0, max_value=2000, allow_nan=False).map(
                       lambda v: round(v, 2)))
TEXT = st.sampled_from([None, "present", "Negative", "abc", "<5", " 12 ", "2+", ""])
UNIT = st.sampled_from(["10*9/L", "g/dL", "U/L", "mm[Hg]", "g/L", "furlongs", None, " U/L"])
UNIT_CONCEPT = st.sampled_from([None, 8848, 4242])
WHEN = st.sampled_from(["2026-02-01 07:30:00", "2026-02-03 23:59:00", "2026-02-02", None,
                        "3rd of February", "2026-02-04T06:00:00+05:00"])
OPERATOR = st.sampled_from([None, None, 4172703, 4171756, 0, 77])
CODED = st.sampled_from([None, None, 900020, 555])
LIMIT = st.sampled_from([None, 150, 320.0, "low"])


@st.composite
def measurement(draw: st.DrawFn, ident: int) -> dict[str, object]:
    when = draw(WHEN)
    return m(draw(st.sampled_from([ident, ident, 1, None])), draw(PERSON), draw(CONCEPT),
             when, draw(NUMBER), draw(UNIT), draw(SOURCE), text=draw(TEXT), low=draw(LIMIT),
             high=draw(LIMIT), unit_concept=draw(UNIT_CONCEPT),
             day=draw(st.sampled_from([None, "2026-02-05"])), operator=draw(OPERATOR),
             coded=draw(CODED))


TABLES = st.integers(1, 14).flatmap(
    lambda n: st.tuples(*(measurement(100 + i) for i in range(n))))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=TABLES)
def test_generated_measurement_tables_read_as_the_omop_reader_reads_them(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, rows: tuple[dict[str, object], ...]
) -> None:
    folder = tmp_path_factory.mktemp("cdm")
    if fmt == "parquet":  # a text column must not hold numbers only by chance
        rows = tuple({k: (str(v) if k in ("range_low", "range_high") and v is not None else v)
                      for k, v in row.items()} for row in rows)
    write_cdm(folder, fmt, {"person": PERSONS, "concept": CONCEPTS,
                            "procedure_occurrence": PROCEDURES, "measurement": list(rows)})
    loaded, accounting = assert_same_verdicts(folder, "Europe/Berlin", date(2026, 2, 28), 4)
    assert_accounted_as_normal(accounting, loaded.input_json(), "/measurement")
