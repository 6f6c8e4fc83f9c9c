"""The yardstick the scale targets are set against: a naive per-patient pandas loop.

design.md measured "a per-patient pandas loop" of a simplified 4-of-7 rule in 14-day windows at
about 5,300 rows/s. This is that loop, written the way a first script would be: for each patient,
for each day with a result, select the window's rows and test seven simplified criteria. It is
not clinical (no baselines beyond the first value, no age tables, fixed adult blood-pressure
limits); it exists only to be timed on a sample and extrapolated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from thrombo.rules.tma.common import (
    ADULT_SBP_MMHG,
    HB_FALL_G_DL,
    PLATELET_FALL_FRACTION,
    UPCR_MG_MG,
)
from thrombo.rules.tma.harmonized_2023 import REQUIRED_CRITERIA, WINDOW_DAYS


@dataclass(frozen=True, slots=True)
class NaiveTiming:
    rows: int
    patients: int
    diagnosed: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _met(window: pd.DataFrame, first: dict[str, float]) -> int:
    def of(analyte: str) -> pd.Series:
        return window.loc[window["analyte"] == analyte, "value"]

    ldh = window[window["analyte"] == "ldh"]
    sc5b9 = window[window["analyte"] == "sc5b9"]
    platelets = of("platelets")
    tests = (
        bool((of("hemoglobin") <= first.get("hemoglobin", float("nan")) - HB_FALL_G_DL).any()),
        bool((platelets <= first.get("platelets", float("nan")) * PLATELET_FALL_FRACTION).any()),
        bool((ldh["value"] > ldh["ref_high"]).any()),
        bool((of("schistocytes") > 0).any()),
        bool((of("systolic_bp") >= ADULT_SBP_MMHG).any()),
        bool((sc5b9["value"] >= sc5b9["ref_high"]).any()),
        bool((of("upcr") >= UPCR_MG_MG).any()),
    )
    return sum(tests)


def naive_loop(frame: pd.DataFrame) -> NaiveTiming:
    """Time the loop over `frame` (columns patient_id, day, analyte, value, ref_high)."""
    started = time.perf_counter()
    diagnosed = 0
    patients = frame["patient_id"].unique()
    for pid in patients:
        rows = frame[frame["patient_id"] == pid].sort_values("day")
        first = rows.groupby("analyte")["value"].first().to_dict()
        previous = False
        for day in rows["day"].unique():
            window = rows[(rows["day"] > day - WINDOW_DAYS) & (rows["day"] <= day)]
            met = _met(window, first) >= REQUIRED_CRITERIA
            if met and previous:
                diagnosed += 1
                break
            previous = met
    return NaiveTiming(len(frame), len(patients), diagnosed, time.perf_counter() - started)
