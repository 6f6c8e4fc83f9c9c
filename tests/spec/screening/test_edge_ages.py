"""A blood pressure on the eve of an 18th birthday is judged on the paediatric tables.

Born 2008-03-01; on 2026-02-28 the child is 17 in completed years, while days / 365.25 already
reads 18.0. The reading must be decided (no crash), against the 17-year-old's 99th percentile.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.rules.registry import criteria_set
from thrombo.rules.screening import screen_patient


def test_eve_of_eighteenth_birthday_uses_paediatric_tables() -> None:
    patient = Patient("P18", date(2008, 3, 1), "M", hsct_date=date(2026, 1, 1))
    moment = datetime(2026, 2, 28, 8, tzinfo=UTC)
    obs = [
        Observation("s", "P18", "systolic_bp", moment, Quantity(170.0, "mm[Hg]")),
        Observation("d", "P18", "diastolic_bp", moment, Quantity(70.0, "mm[Hg]")),
    ]
    result = screen_patient(
        PatientTimeline.build(patient, obs), criteria_set("harmonized-2023"), date(2026, 3, 1)
    )
    assert "hypertension" in result.criteria_met
