"""Where criteria sets disagree about the same patients (`screen --criteria all`)."""

from __future__ import annotations

from datetime import date

from thrombo.rules.screening_results import JsonValue, SetResult


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def disagreements(results: list[SetResult]) -> list[dict[str, JsonValue]]:
    """Patients whose status or diagnosis date differs between sets, one entry each."""
    by_set = [(str(r.rules["name"]), r.by_patient()) for r in results]
    patient_ids = sorted({pid for _, patients in by_set for pid in patients})
    found: list[dict[str, JsonValue]] = []
    for pid in patient_ids:
        status = {name: p[pid].status for name, p in by_set if pid in p}
        first = {name: _iso(p[pid].first_met) for name, p in by_set if pid in p}
        if len(set(status.values())) > 1 or len(set(first.values())) > 1:
            found.append({"patient_id": pid, "status": status, "first_met": first})
    return found
