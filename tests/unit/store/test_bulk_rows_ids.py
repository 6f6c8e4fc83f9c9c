"""The lane's observation ids are the per-record path's: canonical_records.content_id hashes
its parts' text in one update, which must give the same bytes, so the same ids, as hashing
each part and its separator one by one (the ids already stored were made that way)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from thrombo.normalize.canonical_records import content_id


def part_by_part(*parts: object) -> str:
    """content_id as it was first written: one update per part."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\x1f" if part is None else str(part).encode() + b"\x1f")
    return digest.hexdigest()[:24]


@pytest.mark.parametrize("parts", [
    ("HSCT-000001", "creatinine", "2024-11-15T06:18:00+00:00", "0.47", "mg/dL"),
    ("P1", "platelets", "2024-01-02T00:00:00+01:00", 150.0, None),
    (None, None),
    ("Zoë", "ldh", datetime(2024, 1, 2, tzinfo=UTC), 1e-7, "U/L"),
    ("", "", 0, False, "µmol/L"),
])
def test_content_id_is_the_part_by_part_digest(parts: tuple[object, ...]) -> None:
    assert content_id(*parts) == part_by_part(*parts)


def test_a_known_id() -> None:
    # sha256("P1\x1fcreatinine\x1f2024-01-02T08:00:00+00:00\x1f0.5\x1fmg/dL\x1f")[:24]
    text = "P1\x1fcreatinine\x1f2024-01-02T08:00:00+00:00\x1f0.5\x1fmg/dL\x1f"
    assert content_id("P1", "creatinine", "2024-01-02T08:00:00+00:00", "0.5", "mg/dL") == (
        hashlib.sha256(text.encode()).hexdigest()[:24])
