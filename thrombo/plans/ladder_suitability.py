"""Why a ladder drug does not suit this child: anti-D (WinRho label) and romiplostim (US
paediatric approval). Each reason carries the record it rests on."""

from __future__ import annotations

from datetime import date

from thrombo.domain.evidence import Evidence
from thrombo.domain.quantities import Quantity, satisfies
from thrombo.domain.records import Patient
from thrombo.domain.timeline import PatientTimeline
from thrombo.dosing.immunoglobulins import ANTI_D_HB_MIN_G_DL
from thrombo.dosing.romiplostim import (
    ROMIPLOSTIM_APPROVAL,
    ROMIPLOSTIM_MIN_AGE_YEARS,
    ROMIPLOSTIM_MIN_ITP_MONTHS,
)
from thrombo.physiology.age import completed_years
from thrombo.plans.facts import rh_d_positive
from thrombo.plans.ladder_history import RULE
from thrombo.plans.result import BodyInput, Reason
from thrombo.rules.itp.phase import completed_months

DAT_POSITIVE = "present"


def anti_d_against(timeline: PatientTimeline, hb: BodyInput | None) -> list[Reason]:
    """Why anti-D must not be given to this child (WinRho label, ASH 2011/2019; D, C4)."""
    against: list[Reason] = []
    spleen = timeline.patient.splenectomy_date
    if spleen is not None:
        against.append(Reason(
            f"splenectomised on {spleen.isoformat()}: anti-D is only for non-splenectomised, "
            "Rh(D)-positive children",
            (Evidence(RULE, "splenectomy", spleen),)))
    low = None if hb is None else satisfies(hb.value, hb.comparator, "<", ANTI_D_HB_MIN_G_DL)
    if hb is not None and low is not False:
        # A censored Hb ('<9') that may lie below the limit is not safe either.
        shown = f"{hb.comparator or ''}{hb.value:g}"
        against.append(Reason(
            f"latest Hb {shown} g/dL on {hb.day.isoformat()} {'is' if low else 'may be'} below "
            f"{ANTI_D_HB_MIN_G_DL:g} g/dL: anti-D must not be given",
            (Evidence(RULE, f"latest haemoglobin {shown} {hb.unit}, limit "
                            f"{ANTI_D_HB_MIN_G_DL:g} g/dL", hb.day, hb.record_id,
                      Quantity(hb.value, hb.unit, hb.comparator)),)))
    if rh_d_positive(timeline) is False:
        against.append(Reason("Rh(D)-negative: anti-D works only in Rh(D)-positive children"))
    dat = [o for o in timeline.of("dat") if o.category is not None]
    if dat and dat[-1].category == DAT_POSITIVE:
        last = dat[-1]
        day = timeline.local_day(last.time)
        against.append(Reason(
            f"direct antiglobulin test positive on {day.isoformat()}: anti-D is avoided with "
            "autoimmune haemolysis",
            (Evidence(RULE, "DAT positive", day, last.id),)))
    return against


def romiplostim_against(patient: Patient, as_of: date) -> tuple[list[Reason], list[Reason]]:
    """(why romiplostim does not suit this child, what to confirm first): US paediatric approval
    needs age >= 1 year and ITP of >= 6 months (D2)."""
    against: list[Reason] = []
    years = completed_years(patient.birth_date, as_of)
    if years < ROMIPLOSTIM_MIN_AGE_YEARS:
        against.append(Reason(
            f"age {years} completed years on {as_of.isoformat()} (born "
            f"{patient.birth_date.isoformat()}): under {ROMIPLOSTIM_MIN_AGE_YEARS} year; "
            f"{ROMIPLOSTIM_APPROVAL}",
            (Evidence(RULE, "birth date", patient.birth_date),)))
    diagnosis = patient.itp_diagnosis_date
    if diagnosis is None:
        return against, [Reason(
            f"no ITP diagnosis date: confirm ITP of >= {ROMIPLOSTIM_MIN_ITP_MONTHS} months "
            f"first ({ROMIPLOSTIM_APPROVAL})")]
    months = completed_months(diagnosis, as_of)
    if months < ROMIPLOSTIM_MIN_ITP_MONTHS:
        against.append(Reason(
            f"ITP diagnosed {diagnosis.isoformat()}: {months} completed months by "
            f"{as_of.isoformat()}, less than {ROMIPLOSTIM_MIN_ITP_MONTHS}; {ROMIPLOSTIM_APPROVAL}",
            (Evidence(RULE, "ITP diagnosis date", diagnosis),)))
    return against, []
