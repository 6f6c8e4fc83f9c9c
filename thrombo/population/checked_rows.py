"""The observations file checked once, into a scratch table screened patient range by range.

The check (source.checked_observations_sql: the normal reader's row checks, the unit conversion)
is the costly part of the direct screen, so it runs once over the file: every row lands in the
scratch table `scratch.obs_checked` with its problem kind (NULL for a usable row, or the kind,
`unknown-patient` included), the accounting is read from that table, and each patient range
then reads only the usable rows of its own patients.

Measured on the cached 10 M-row folder (2 shared cores, 5 M-row ranges; best of noisy runs):
the check pass into a DuckDB table 5.5 s (in memory 4.8 s, but 700 MB of RAM), into a DuckDB
table sorted by patient 8.2 s, into a Parquet file sorted by patient (100,000-row groups)
8.2 s, unsorted Parquet 7.9 s; selecting a 5 M-row range 1.6-1.9 s from any of the tables and
either Parquet file (the file is written patient by patient, so the unsorted table's row-group
min/max already skip the other ranges). Sorting is 2.7 s of pure cost for a file in patient
order, so the table keeps the file's order. On the same rows shuffled a range of the unsorted
table costs 2.7 s instead of 1.9 s, a loss that grows with the number of ranges (every range
scans the whole table), so a table whose row groups are not clustered by patient is sorted
once (usable_rows).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from thrombo.engines.decisions import text
from thrombo.normalize import row_checks as rc
from thrombo.normalize.labranges import LabRanges
from thrombo.population.row_check_sql import content_key, copy_kind_sql
from thrombo.population.site_ranges import with_site_limits

CHECKED = "scratch.obs_checked"
USABLE_SORTED = "scratch.obs_usable"
# Of a table's row groups, the share whose patient ids may reach back into the previous
# group's beyond which the table counts as mixed and is sorted (a file written patient by
# patient has none; a shuffled one nearly all). A performance choice only. [Design]
MIXED_ROW_GROUP_SHARE = 0.25

# Raw text kept only for refused rows: the accounting quotes the normal reader's reason for
# one example row of each kind, and usable rows need none of it.
_CHECK_PASS_SQL = f"""
    SELECT c.pid AS patient_id, c.seq, c.analyte, c.t_us, c.day, c.value, c.canonical AS unit,
           c.category, {{ref_low}} AS ref_low, {{ref_high}} AS ref_high, c.value_text,
           c.unit AS source_unit, c.code, c.cmp, c.bound,
           COALESCE(c.problem,
                    CASE WHEN p.patient_id IS NULL THEN '{rc.UNKNOWN_PATIENT.name}' END) AS kind,
           CASE WHEN kind IS NOT NULL THEN c.time_text END AS time_text,
           CASE WHEN kind IS NOT NULL THEN c.ref_low_text END AS ref_low_text,
           CASE WHEN kind IS NOT NULL THEN c.ref_high_text END AS ref_high_text,
           CASE WHEN kind IS NOT NULL THEN c.fields END AS fields, c.ident
    FROM obs_checked c LEFT JOIN pat_all p ON p.patient_id = c.pid"""


@contextmanager
def scratch_space(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """A temporary directory for the scratch database and DuckDB's spill files, attached as
    `scratch` and removed on the way out, error or not."""
    with tempfile.TemporaryDirectory(prefix="thrombo-screen-") as folder:
        quoted = folder.replace("'", "''")
        con.execute(f"SET temp_directory = '{quoted}'")
        con.execute(f"ATTACH '{quoted}/scratch.duckdb' AS scratch")
        try:
            yield Path(folder)
        finally:
            con.close()  # the database file and spill files are closed before removal


def check_once(con: duckdb.DuckDBPyConnection, ranges: LabRanges | None = None) -> None:
    """The one pass over the observations file (the view `obs_checked`) into CHECKED; a
    quantity without its own reference limits takes the site's (`ranges`), as normalize does."""
    site = ranges or LabRanges()
    limits = {name: with_site_limits(site, "c", "p", name) for name in ("ref_low", "ref_high")}
    con.execute(f"CREATE TABLE {CHECKED} AS {_CHECK_PASS_SQL.format(**limits)}")


def mark_copies(con: duckdb.DuckDBPyConnection) -> None:
    """Give the copies the normal reader counts as duplicates their kind (row_check_sql.
    copy_kind_sql): a row carrying the identifier of an earlier row that was read (usable, or
    refused only for its patient; an OMOP measurement_id) is rc.REPEATED_ID, whoever its
    patient; a later copy by content of a row refused only for its patient is
    rc.REPEATED_CONTENT. Neither is screened. Copies by content of usable rows, the millions,
    are found range by range (select_range), where the window is small."""
    copy = copy_kind_sql(pid="patient_id", unit="source_unit")
    con.execute(f"""
        UPDATE {CHECKED} SET kind = c.copy FROM (
            SELECT seq, {copy} AS copy FROM {CHECKED}
            WHERE ident IS NOT NULL OR kind = '{rc.UNKNOWN_PATIENT.name}') c
        WHERE {CHECKED}.seq = c.seq AND c.copy IS NOT NULL""")


def mixed_share(con: duckdb.DuckDBPyConnection, table: str) -> float:
    """The share of row groups whose smallest patient id is below the previous group's
    largest (DuckDB's own zone maps, as its range filter uses them)."""
    row = con.execute(f"""
        SELECT avg(CASE WHEN lo < previous_hi THEN 1.0 ELSE 0.0 END)
        FROM (SELECT stats['min'] AS lo, lag(stats['max']) OVER (ORDER BY row_group_id, segment_id)
                       AS previous_hi
              FROM pragma_storage_info({text(table)})
              WHERE column_name = 'patient_id' AND segment_type = 'VARCHAR')""").fetchone()
    return 0.0 if row is None or row[0] is None else float(row[0])


def usable_rows(con: duckdb.DuckDBPyConnection, ranges: int) -> str:
    """Where the ranges read their usable rows: the checked table itself when its row groups
    follow the patients, otherwise its usable rows sorted once by patient."""
    if ranges <= 1 or mixed_share(con, CHECKED) <= MIXED_ROW_GROUP_SHARE:
        return f"(SELECT * FROM {CHECKED} WHERE kind IS NULL)"
    con.execute(f"CREATE TABLE {USABLE_SORTED} AS SELECT * FROM {CHECKED} WHERE kind IS NULL "
                "ORDER BY patient_id, seq")
    return USABLE_SORTED


def patient_ranges(con: duckdb.DuckDBPyConnection, rows_per_range: int) -> list[tuple[str, str]]:
    """Contiguous patient-id ranges covering every patient, of about equal usable rows and
    none (bar a single patient's) above rows_per_range: memory follows the range."""
    total = con.execute(f"SELECT count(*) FROM {CHECKED} WHERE kind IS NULL").fetchone()
    usable = int(total[0]) if total else 0
    buckets = max(1, -(-usable // max(1, rows_per_range)))
    rows = con.execute(f"""
        WITH n AS (SELECT patient_id, count(*) AS n FROM {CHECKED} WHERE kind IS NULL
                   GROUP BY patient_id),
        cum AS (SELECT p.patient_id,
                       sum(COALESCE(n.n, 0)) OVER (ORDER BY p.patient_id) - COALESCE(n.n, 0)
                         AS before
                FROM pat_all p LEFT JOIN n USING (patient_id))
        SELECT min(patient_id), max(patient_id)
        FROM cum GROUP BY least({buckets - 1}, CAST(before * {buckets} // {max(1, usable)}
                                                     AS BIGINT))
        ORDER BY 1""").fetchall()
    return [(str(low), str(high)) for low, high in rows]


def select_range(
    con: duckdb.DuckDBPyConnection, usable: str, low: str, high: str
) -> tuple[int, int]:
    """Point `pat` and `obs` at the patients from `low` to `high`; each usable row is kept
    once (a copy of a row already read is a duplicate, as the normal reader counts it). A row
    with an identifier is its own record whatever its content (an OMOP measurement_id: repeated
    ids are marked before, mark_copies); rows without one (ident NULL, one
    partition) are copies by content."""
    bounds = f"BETWEEN {text(low)} AND {text(high)}"
    content = content_key("patient_id", "source_unit")
    con.execute(f"CREATE OR REPLACE VIEW pat AS SELECT * FROM pat_all WHERE patient_id {bounds}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE obs_range AS
        SELECT patient_id, seq, analyte, t_us, day, value, unit, category, ref_low, ref_high,
               cmp, bound, row_number() OVER (PARTITION BY {content} ORDER BY seq) AS copy
        FROM {usable} WHERE patient_id {bounds}""")
    con.execute("CREATE OR REPLACE VIEW obs AS SELECT * EXCLUDE (copy) FROM obs_range "
                "WHERE copy = 1")
    row = con.execute("SELECT count(*) FILTER (copy = 1), count(*) FILTER (copy > 1) "
                      "FROM obs_range").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])
