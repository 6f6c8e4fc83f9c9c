"""Pure types: codes, quantities, records and the patient timeline. Imports nothing of ours."""

from thrombo.domain.codes import Code
from thrombo.domain.quantities import Quantity
from thrombo.domain.records import Event, Medication, Observation, Patient, Provenance
from thrombo.domain.timeline import PatientTimeline

__all__ = [
    "Code",
    "Event",
    "Medication",
    "Observation",
    "Patient",
    "PatientTimeline",
    "Provenance",
    "Quantity",
]
