"""The ITP ladder as given, on a hand-built child of 20 kg: prednisone 40 mg a day for 7 days
(2 mg/kg), then romiplostim 20 mcg weekly (1 mcg/kg). Doses per kg by hand; the response is the
IWG engine's (thrombo.response.itp_patient), which this module only carries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from thrombo.analytics.itp_exposure import itp_ladder
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Medication, Observation, Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.response.itp_patient import assess_itp

DAY0 = date(2025, 3, 1)
AS_OF = date(2025, 6, 1)


def at(n: int) -> datetime:
    day = DAY0 + timedelta(days=n)
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def child(itp: bool = True) -> PatientTimeline:
    patient = Patient("I1", date(2018, 1, 1), "M", itp_diagnosis_date=DAY0 if itp else None,
                      hsct_date=None if itp else date(2024, 1, 1))
    counts = [(-1, 12.0), (3, 45.0), (6, 80.0), (10, 35.0), (20, 15.0), (30, 60.0), (45, 120.0),
              (52, 130.0)]
    observations = [Observation(f"p{n}", "I1", "platelets", at(n),
                                quantity=Quantity(v, "10*9/L")) for n, v in counts]
    observations.append(Observation("w", "I1", "weight", at(-1), quantity=Quantity(20.0, "kg")))
    meds = [Medication("m1", "I1", "prednisone", at(0), at(6), Quantity(40.0, "mg"), "PO"),
            *(Medication(f"r{k}", "I1", "romiplostim", at(21 + 7 * k), None,
                         Quantity(20.0, "ug"), "SC") for k in range(4))]
    return PatientTimeline.build(patient, observations, meds)


def test_each_course_with_dates_dose_per_kg_and_the_engine_response() -> None:
    steps = itp_ladder(child(), AS_OF)
    engine = assess_itp(child(), AS_OF).treatments
    assert [s.drug for s in steps] == ["prednisone", "romiplostim"]
    prednisone, romiplostim = steps
    assert (prednisone.start, prednisone.end, prednisone.days) == (DAY0, DAY0 + timedelta(6), 7)
    assert prednisone.dose == (40.0, "mg")
    assert prednisone.dose_per_kg is not None and romiplostim.dose_per_kg is not None
    assert prednisone.dose_per_kg[0] == pytest.approx(2.0)  # 40 mg / 20 kg
    assert prednisone.dose_per_kg[1] == "mg/kg"
    assert romiplostim.dose_per_kg[0] == pytest.approx(1.0)  # 20 mcg / 20 kg
    assert romiplostim.dose_per_kg[1] == "mcg/kg"
    assert romiplostim.administrations == 4
    assert romiplostim.start == DAY0 + timedelta(21)
    # IWG 2009 response (R): at least 30 and more than double the baseline of 12, first on day 3.
    assert (prednisone.response, prednisone.response_date) == ("R", DAY0 + timedelta(3))
    assert [(s.response, s.response_date) for s in steps] == [
        (t.response, t.response_date) for t in engine]
    assert prednisone.to_json()["dose_per_kg"] == {"value": 2.0, "unit": "mg/kg"}


def test_no_ladder_for_a_transplant_child_without_itp() -> None:
    assert itp_ladder(child(itp=False), AS_OF) == ()
