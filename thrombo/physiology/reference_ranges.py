"""Fallback reference limits by age and sex (clinical-reference.md E5).

The reporting laboratory's own range always wins (interface.md: `ref_low`/`ref_high`); these
are for when a result arrives without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from thrombo.physiology import age
from thrombo.physiology.plausibility import check_age_years, check_sex

MONTHS_PER_YEAR = 12.0
MONTHS_IN_YEAR = age.MONTHS_PER_YEAR  # an int: the bands' edges in completed months
DAYS_PER_YEAR = age.DAYS_PER_YEAR


class WhoEdition(StrEnum):
    WHO_2011 = "2011"
    WHO_2024 = "2024"


# E5 [S] WHO anaemia cut-offs (Hb below the value = anaemia), g/dL. WHO/NMH/NHD/MNM/11.1 (2011)
# and the 2024 guideline. Rows: (age from, in months; age to, exclusive; sex or None; 2011; 2024).
# WHO gives no cut-off under 6 months.
WHO_HB_CUTOFFS_G_DL: tuple[tuple[float, float, str | None, float, float], ...] = (
    (6.0, 24.0, None, 11.0, 10.5),
    (24.0, 60.0, None, 11.0, 11.0),
    (60.0, 144.0, None, 11.5, 11.5),
    (144.0, 180.0, None, 12.0, 12.0),
    (180.0, float("inf"), "F", 12.0, 12.0),
    (180.0, float("inf"), "M", 13.0, 13.0),
)

# E5 [S-2nd] indicative paediatric LDH upper reference limits, U/L: the limits one reporting
# laboratory publishes (Essentia Health test catalog LAB6, LD lactate->pyruvate method); the age
# partitions follow the CALIPER pattern (Adeli K et al. Crit Rev Clin Lab Sci 2017;54(6):358-413),
# though the attribution to CALIPER is unconfirmed. Rows: (age from, age to, exclusive, as
# age.AgeBound; sex, None for both; ULN). "0-14 days" ends before day 15 of life; the year bands
# are completed years (months here): "1-9 y" runs from the 1st birthday to the day before the
# 10th, "15-18 y" ends before the 19th birthday. The assay method changes LDH almost two-fold:
# the reporting laboratory's range always comes first.
LDH_ULN_U_L_BY_AGE: tuple[tuple[age.AgeBound, age.AgeBound, str | None, float], ...] = (
    ((0, "days"), (15, "days"), None, 1222.0),
    ((15, "days"), (1 * MONTHS_IN_YEAR, "months"), None, 452.0),
    ((1 * MONTHS_IN_YEAR, "months"), (10 * MONTHS_IN_YEAR, "months"), None, 321.0),
    ((10 * MONTHS_IN_YEAR, "months"), (15 * MONTHS_IN_YEAR, "months"), "M", 283.0),
    ((10 * MONTHS_IN_YEAR, "months"), (15 * MONTHS_IN_YEAR, "months"), "F", 272.0),
    ((15 * MONTHS_IN_YEAR, "months"), (19 * MONTHS_IN_YEAR, "months"), None, 250.0),
)
UNVERIFIED_LDH = (
    "paediatric LDH upper limit from one laboratory's published intervals (clinical reference "
    "E5 [S-2nd], primary source unverified); LDH is assay-specific: use the reporting "
    "laboratory's range where available"
)

# E5 usual platelet reference range beyond the neonatal period, 10^9/L (from memory, unverified).
PLATELETS_LOW_10E9_L = 150.0
PLATELETS_HIGH_10E9_L = 450.0
UNVERIFIED_PLATELETS = (f"platelet reference range {PLATELETS_LOW_10E9_L:g}-"
                        f"{PLATELETS_HIGH_10E9_L:g} x 10^9/L: from memory, unverified")


@dataclass(frozen=True, slots=True)
class ReferenceLimit:
    value: float
    unit: str
    source: str
    warnings: tuple[str, ...] = ()


def who_anemia_cutoff_g_dl(
    age_years: float, sex: str, edition: WhoEdition = WhoEdition.WHO_2024
) -> ReferenceLimit | None:
    """Hb below which WHO calls a non-pregnant child or adult anaemic; None under 6 months."""
    return _who_cutoff(check_age_years(age_years) * MONTHS_PER_YEAR, sex, edition)


def who_anemia_cutoff_on(
    birth_date: date, on_date: date, sex: str, edition: WhoEdition = WhoEdition.WHO_2024
) -> ReferenceLimit | None:
    """The WHO cut-off on a day. WHO's groups (6-59 months, 5-11 y, 12-14 y, 15 y and over: E5)
    are ages in completed months and years, so a child moves up on the birthday itself; a
    decimal age (days / 365.25) can still read 4.999 years on a fifth birthday."""
    months = age.completed_months(birth_date, on_date)
    check_age_years(age.age_in_years(birth_date, on_date))
    return _who_cutoff(float(months), sex, edition)


def _who_cutoff(age_months: float, sex: str, edition: WhoEdition) -> ReferenceLimit | None:
    sex_code = check_sex(sex)
    for start, end, row_sex, cut_2011, cut_2024 in WHO_HB_CUTOFFS_G_DL:
        if start <= age_months < end and row_sex in (None, sex_code):
            value = cut_2011 if edition is WhoEdition.WHO_2011 else cut_2024
            return ReferenceLimit(value, "g/dL", f"WHO {edition.value} haemoglobin cut-offs")
    return None


def indicative_ldh_uln(child: age.ChildAge, sex: str) -> ReferenceLimit | None:
    """Indicative paediatric LDH ULN (with its warning). None from 19 years, and at 10-14 years
    when sex is unknown ('U'): the limits differ by sex there."""
    found = {uln for start, end, row_sex, uln in LDH_ULN_U_L_BY_AGE
             if child.within(start, end) and row_sex in (None, sex)}
    if len(found) != 1:  # no row, or (never in the table as written) two rows that disagree
        return None
    return ReferenceLimit(found.pop(), "U/L", "paediatric LDH intervals (E5)", (UNVERIFIED_LDH,))


def who_anemia_cutoff_for(child: age.ChildAge, sex: str) -> ReferenceLimit | None:
    """The WHO (2024) cut-off for a child's completed months (as `who_anemia_cutoff_on`)."""
    return _who_cutoff(float(child.months), sex, WhoEdition.WHO_2024)


def platelet_reference_range() -> tuple[ReferenceLimit, ReferenceLimit]:
    """Usual platelet range beyond the neonatal period (unverified, with warning)."""
    source = "clinical reference E5"
    return (
        ReferenceLimit(PLATELETS_LOW_10E9_L, "10*9/L", source, (UNVERIFIED_PLATELETS,)),
        ReferenceLimit(PLATELETS_HIGH_10E9_L, "10*9/L", source, (UNVERIFIED_PLATELETS,)),
    )
