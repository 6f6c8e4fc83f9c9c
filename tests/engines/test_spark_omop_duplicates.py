"""The OMOP duplicate rule on the Spark job, as the OMOP reader applies it (io.omop): one
measurement_id, one record, whoever its patient; rows without an id are copies by content.

The hand-made CDM of test_direct_omop has four duplicates, counted by hand there: row 19
(id 27 again, an unknown person), row 21 (id 10 again, another value), row 22 (id 11 again, for
another person) and row 24 (no id, the same content as row 23). The Spark job must leave out
exactly those four, and screen as many rows as the normal reader stores (the code of each row
given by the shared io.omop.measurement_code_sql).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.engines.test_direct_omop import hand_made
from thrombo.store.sources import load_source


@pytest.mark.spark
@pytest.mark.slow
def test_spark_counts_the_omop_duplicates_as_the_reader(tmp_path: Path,
                                                        spark_session: Any) -> None:
    from thrombo.normalize.row_checks import REPEATED_CONTENT, REPEATED_ID
    from thrombo.population.spark_job import DUPLICATE, register_omop

    folder = hand_made(tmp_path / "cdm", "parquet")
    loaded = load_source(str(folder), fmt="omop")
    document: dict[str, Any] = loaded.input_json()
    (source,) = document["sources"]
    stored = sum(len(t.observations) for t in loaded.timelines)

    _, left_out = register_omop(spark_session, folder)
    kinds = {r["kind"]: int(r["n"]) for r in spark_session.sql(
        "SELECT kind, COUNT(*) AS n FROM obs_read GROUP BY kind").collect()}
    assert (kinds.get(REPEATED_ID), kinds.get(REPEATED_CONTENT)) == (3, 1)
    assert left_out[DUPLICATE] == source["duplicates"] == 4
    screened = spark_session.sql("SELECT COUNT(*) AS n FROM obs").collect()[0]["n"]
    assert screened == stored
