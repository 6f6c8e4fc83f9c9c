"""The import lane's content id (store.bulk_rows._content_id) is the per-record path's
(normalize.canonical_records.content_id) for every kind of value the lane takes: the stored ids
of an observation must not depend on the path that read it."""

from __future__ import annotations

import pytest

from thrombo.normalize.canonical_records import content_id
from thrombo.store.bulk_rows import _content_id


@pytest.mark.parametrize("value", ["0.47", " 7 ", "1e9", "-3", 0.5, 44, 1e-7, 1e22, 3.0,
                                   -0.0, 123456789012345678901234567890])
def test_lane_content_id_is_the_per_record_paths(value: object) -> None:
    parts = (" HSCT-000001", "creatinine", "2024-11-15T06:18:00+00:00", value, "mg/dL")
    assert _content_id(*parts) == content_id(*parts)  # type: ignore[arg-type]
