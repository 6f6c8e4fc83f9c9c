"""One patient's assessment: TA-TMA resolution or IWG ITP response, with graded adverse events.

The single composition the CLI (`thrombo assess`), the service and the demo all call, so that
none of them assembles the answer its own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from thrombo.domain.timeline import PatientTimeline
from thrombo.response.itp_patient import assess_itp, is_itp_patient
from thrombo.response.tma import TmaOptions, assess_tma
from thrombo.safety.summary import safety_since

PLATELET_RULES = ("absolute-50-transfusion-free-7d", "rise-50pct-over-nadir")


def assess_patient(
    timeline: PatientTimeline, as_of: date, options: TmaOptions | None = None
) -> dict[str, Any]:
    """The `assess --json` document for one patient (interface.md)."""
    tma = assess_tma(timeline, as_of, options or TmaOptions())
    if tma is not None:
        return {**tma.to_json(), **safety_since(timeline, tma.treatment_start, as_of).to_json()}
    if is_itp_patient(timeline):
        # An untreated child with ITP is still an ITP patient: condition "itp", response
        # not-evaluable, with the rules that would apply.
        itp = assess_itp(timeline, as_of)
        if not itp.treatments:
            return itp.to_json()
        start = itp.treatments[0].course.start
        return {**itp.to_json(), **safety_since(timeline, start, as_of).to_json()}
    return {
        "patient_id": timeline.patient_id,
        "condition": None,
        "treatment": None,
        "response": "not-evaluable",
        "note": "no TA-TMA or ITP treatment recorded",
    }


def assessment_document(
    timelines: Iterable[PatientTimeline], as_of: date, options: TmaOptions | None = None
) -> dict[str, Any]:
    """The whole `assess --json` document: every patient, the rule sets applied and, once,
    every warning a patient's answer carries (response and adverse-event grading alike), so
    that a reader of the top level sees each unverified source the answers rest on."""
    chosen = options or TmaOptions()
    patients = [assess_patient(t, as_of, chosen) for t in timelines]
    warnings = sorted({w for p in patients
                       for w in (*p.get("warnings", ()), *p.get("safety_warnings", ()))})
    rules = {
        "name": "assess", "version": "1",
        "options": {"ta-tma": chosen.rules().to_json(), "itp": "iwg-2009 response",
                    "adverse_events": "ctcae 5.0, treatment-emergent"},
    }
    return {"as_of": as_of.isoformat(), "rules": rules, "patients": patients,
            "warnings": warnings}
