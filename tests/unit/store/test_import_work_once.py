"""What an import works out once, not per row (issue 22 item 1): a code's analyte and an
(analyte, unit) pair's row check depend on nothing else, so an import of thousands of rows
asks the code map and pint once per distinct code and pair. Whether the rows are read and
stored the same is tests/integration/test_import_differential.py's question."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from thrombo.normalize import row_checks
from thrombo.store.importer import import_sources
from thrombo.store.sources import plan_sources
from thrombo.store.sql import Store

NORMAL_READER = "thrombo.normalize.canonical_records"
SIMULATED = Path(__file__).parents[2] / "fixtures" / "import_differential" / "simulated_csv"


def test_each_code_and_unit_is_worked_out_once_per_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: Counter[tuple[str, object]] = Counter()
    resolve, check = row_checks.resolve_analyte, row_checks.unit_check

    def counted_resolve(code: Any, codemap: Any) -> Any:
        asked["code", code] += 1
        return resolve(code, codemap)

    def counted_check(analyte: Any, unit: str) -> Any:
        asked["unit", (analyte.key, unit)] += 1
        return check(analyte, unit)

    # Where the normal reader looks them up (normalize.canonical_records).
    monkeypatch.setattr(f"{NORMAL_READER}.resolve_analyte", counted_resolve)
    monkeypatch.setattr(f"{NORMAL_READER}.unit_check", counted_check)
    specs, ctx = plan_sources([str(SIMULATED)])
    summary = import_sources(Store.open(f"sqlite:///{tmp_path / 'store.db'}"), specs, ctx,
                             actor="tester", command="thrombo import")
    (source,) = summary.sources
    assert source.stored == 2789  # 4 patients, 2,764 observations, 20 events, 1 medication
    assert set(asked.values()) == {1}
    # The simulated feed's 14 codes (LOINC and thrombo's own keys), each in one unit.
    assert Counter(kind for kind, _ in asked) == {"code": 14, "unit": 14}
