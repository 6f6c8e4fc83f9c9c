"""FHIR sources through the whole import path: reader, normalisation, store."""

from __future__ import annotations

from pathlib import Path

from thrombo.store.sources import load_source, read_sources
from thrombo.store.sql import Store

FHIR = Path(__file__).parents[1] / "fixtures" / "fhir"


def test_hl7_patient_then_bp_panel_yields_two_observations(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    for name in ("hl7_patient_example.json", "hl7_observation_bp.json"):
        data = read_sources([str(FHIR / name)], known_patients=store.known_patient_ids())
        summary = store.import_dataset(data, actor="test", command="test")
        assert summary.sources[0].balanced
        assert summary.sources[0].quarantined == 0
    (timeline,) = store.timelines()
    assert {o.analyte for o in timeline.observations} == {"systolic_bp", "diastolic_bp"}
    assert all(o.quantity and o.quantity.unit == "mm[Hg]" for o in timeline.observations)


def test_synthea_style_bundle_counts_unknown_types_and_codes_as_skipped() -> None:
    loaded = load_source(str(FHIR / "synthea_bundle.json"))
    assert loaded.summary is not None
    (source,) = loaded.summary.sources
    assert source.balanced
    assert source.quarantined == 0
    assert source.skipped > 0 and source.stored > 0
    reasons = {g.reason for g in loaded.summary.skipped.values()}
    assert "resource type not used by thrombo: Encounter" in reasons
    assert "code not used by thrombo: http://loinc.org|2093-3" in reasons


def test_bulk_ndjson_folder_quarantines_bad_lines_and_loads_the_rest() -> None:
    loaded = load_source(str(FHIR / "bulk"))
    assert loaded.summary is not None
    (source,) = loaded.summary.sources
    assert source.balanced
    assert source.quarantined == len(loaded.summary.quarantine) >= 1
    assert all(
        q.location.startswith("line ") or "/" in q.location for q in loaded.summary.quarantine
    )
    assert loaded.timelines
