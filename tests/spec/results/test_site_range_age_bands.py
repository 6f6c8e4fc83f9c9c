"""A site's age-banded range turns on the birthday, on the reference and the DuckDB engine.

The site's thrombo-lab-ranges.toml gives LDH ULN 321 U/L at 1-10 years (age_to 10, exclusive) and
283 U/L from 10 to 15 years (made-up assay ranges shaped like clinical-reference.md E5). A band
edge in whole months or years is a birthday (completed age, as a clinician states it): a boy born
2016-06-01 is 10 on 2026-06-01, although 3652 days / 365.25 reads 9.9986 years. LDH 300 U/L
without a range of its own: on 2026-05-31 (9 years) below 321, not met; on 2026-06-01 (10 years)
above 283, met. Criterion: harmonized-2023 "ldh", LDH above the ULN (A1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from thrombo.engines import screen_with
from thrombo.population.dataset_folder import screen_dataset
from thrombo.population.options import BulkOptions
from thrombo.rules.registry import criteria_set
from thrombo.store.sources import load_source

RANGES = ('[[ldh]]\nunit = "U/L"\nage_from = 1\nage_to = 10\nhigh = 321\n'
          '[[ldh]]\nunit = "U/L"\nage_from = 10\nage_to = 15\nhigh = 283\n')


def folder_with_ldh_on(tmp_path: Path, on: date) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "patients.csv").write_text(
        "patient_id,birth_date,sex,hsct_date,neutrophil_engraftment_date,"
        "platelet_engraftment_date\nB10,2016-06-01,M,2026-01-01,2026-01-21,2026-01-26\n")
    (folder / "observations.csv").write_text(
        f"patient_id,time,code,value,unit\nB10,{on.isoformat()}T08:00:00Z,ldh,300,U/L\n")
    (folder / "thrombo-lab-ranges.toml").write_text(RANGES)
    return folder


@pytest.mark.parametrize(("on", "uln", "met"), [
    (date(2026, 5, 31), 321.0, False),  # the eve of the 10th birthday
    (date(2026, 6, 1), 283.0, True),    # the 10th birthday
    (date(2026, 6, 2), 283.0, True),    # the day after
])
def test_site_ldh_band_at_the_tenth_birthday(tmp_path: Path, on: date, uln: float,
                                             met: bool) -> None:
    folder = folder_with_ldh_on(tmp_path, on)
    (timeline,) = load_source(str(folder)).timelines
    (ldh,) = timeline.observations
    assert ldh.ref_high == uln
    criteria = criteria_set("harmonized-2023")
    reference = screen_with("reference", [timeline], criteria, on)
    duck, _ = screen_dataset(folder, criteria, BulkOptions(on))
    for result in (reference, duck):
        (boy,) = result.patients
        assert ("ldh" in boy.criteria_met) is met
