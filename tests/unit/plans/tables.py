"""Timelines for plan tests: the ITP test tables plus the patient fields plans read.

Days count from DAY0 (2026-01-01) as in tests/unit/itp/timeline_tables.py, whose row syntax
this reuses: `12 weight 24` is a weight of 24 kg on 2026-01-13.
"""

from __future__ import annotations

from dataclasses import replace

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.domain.timeline import PatientTimeline

__all__ = ["day", "patient_timeline", "platelets"]


def patient_timeline(
    obs: str = "",
    meds: str = "",
    events: str = "",
    *,
    conditioning: int | None = None,
    neutrophil_engraftment: int | None = None,
    platelet_engraftment: int | None = None,
    attributes: dict[str, str] | None = None,
    **fields: int | None,
) -> PatientTimeline:
    """`timeline(...)` plus conditioning and engraftment days and dataset attributes (rh_d)."""
    base = timeline(obs, meds, events, **fields)  # type: ignore[arg-type]

    def opt(n: int | None):  # type: ignore[no-untyped-def]
        return None if n is None else day(n)

    patient = replace(
        base.patient,
        conditioning_start_date=opt(conditioning),
        neutrophil_engraftment_date=opt(neutrophil_engraftment),
        platelet_engraftment_date=opt(platelet_engraftment),
        attributes=attributes or {},
    )
    return PatientTimeline.build(patient, base.observations, base.medications, base.events)
