"""What the child has already had: each ITP course with its IWG response, as ladder reasons.

The response engine (thrombo.response.itp_patient) judges every course; this module only reads
its answers: which drugs and classes failed, which responded, and whether first line is behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from thrombo.domain.evidence import Evidence
from thrombo.plans.result import OptionStatus, Reason
from thrombo.response.itp import TreatmentResponse
from thrombo.rules.itp.drugs import SPLENECTOMY, is_first_line
from thrombo.rules.itp.phase import Phase

RULE = "itp-ladder"
RESPONDED = ("CR", "R")
# [Design] first line is behind the child (the next step is second line) when a first-line course
# has failed and either the ITP is persistent or chronic (ASH 2019 C4: "persistent/chronic ITP not
# responding to first line"), or both first-line classes -- a corticosteroid and IVIG/anti-D --
# have failed (002_135c7129447af5c0.txt: no sustained improvement with corticosteroids or IVIG),
# or the child has had a splenectomy.
FIRST_LINE_CLASSES = frozenset({"corticosteroid", "immunoglobulin"})
LATER_PHASES = frozenset({"persistent", "chronic"})
FIRST_LINE_RULE = (
    "a first-line course failed and (persistent/chronic ITP, or both a corticosteroid and "
    "IVIG/anti-D failed), or splenectomy done"
)


def _iso(day: date | None) -> str:
    return "-" if day is None else day.isoformat()


def course_reason(t: TreatmentResponse) -> Reason:
    """One course as a sentence a clinician reads, with the engine's evidence."""
    course = t.course
    text = f"{course.drug} from {course.start.isoformat()}: IWG response {t.response}"
    if t.response_date is not None:
        text += f" from {t.response_date.isoformat()}"
    if t.lost_response_date is not None:
        text += f", lost on {t.lost_response_date.isoformat()}"
    if t.failure is not None:
        text += f"; failed ({t.failure}) on {_iso(t.failure_date)}"
    elif t.response == "not-evaluable" and t.window_end < course.assessment_until:
        text += (f"; not judged before its {course.window_days}-day assessment window closes "
                 f"on {course.assessment_until.isoformat()}")
    if t.decided_by != "iwg-2009 platelet response" and t.response != "not-evaluable":
        text += f" (decided by {t.decided_by})"
    given = Evidence(
        RULE,
        f"{course.drug} course {course.start} to {course.end}",
        course.start,
        course.record_ids[0] if course.record_ids else None,
    )
    return Reason(text, (given, *t.evidence))


@dataclass(frozen=True)
class History:
    treatments: tuple[TreatmentResponse, ...]

    def courses(self, drug: str) -> list[TreatmentResponse]:
        return [t for t in self.treatments if t.course.drug == drug]

    def failed_in_class(self, drug_class: str) -> list[TreatmentResponse]:
        return [
            t for t in self.treatments
            if t.failure is not None and t.outcome().drug_class == drug_class
        ]  # fmt: skip

    def failed_first_line(self) -> list[TreatmentResponse]:
        return [
            t for t in self.treatments if t.failure is not None and is_first_line(t.course.drug)
        ]

    def splenectomy(self) -> TreatmentResponse | None:
        return next((t for t in self.treatments if t.course.drug == SPLENECTOMY), None)

    def first_line_behind(self, phase: Phase | None) -> tuple[bool, tuple[Reason, ...]]:
        """Whether the next disease-modifying step is second line, and why (one reason)."""
        spleen = self.splenectomy()
        if spleen is not None:
            return True, (
                Reason(
                    f"splenectomy on {spleen.course.start.isoformat()}",
                    (Evidence(RULE, "splenectomy", spleen.course.start),),
                ),
            )
        failed = self.failed_first_line()
        if not failed:
            return False, ()
        classes = {t.course.drug_class for t in failed}
        listed = "; ".join(
            f"{t.course.drug} from {t.course.start.isoformat()} ({t.response}, {t.failure} on "
            f"{_iso(t.failure_date)})"
            for t in failed
        )
        evidence = tuple(e for t in failed for e in course_reason(t).evidence)
        if phase in LATER_PHASES:
            return True, (Reason(f"first line failed in {phase} ITP: {listed}", evidence),)
        if classes >= FIRST_LINE_CLASSES:
            why = f"a corticosteroid and IVIG/anti-D both failed: {listed}"
            return True, (Reason(why, evidence),)
        return False, (Reason(f"first-line failure so far: {listed}", evidence),)


def tried_status(courses: Sequence[TreatmentResponse]) -> tuple[OptionStatus, tuple[Reason, ...]]:
    """The latest course decides: failed, responding, or not yet evaluable; all are reasons."""
    latest = courses[-1]
    reasons = tuple(course_reason(t) for t in courses)
    if latest.failure is not None:
        return OptionStatus.TRIED_FAILED, reasons
    if latest.response in RESPONDED:
        return OptionStatus.TRIED_RESPONDED, reasons
    return OptionStatus.TRIED_NOT_EVALUABLE, reasons
