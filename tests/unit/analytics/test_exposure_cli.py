"""`thrombo study --json` reads exposure from the medication rows of a real dataset.

A simulated cohort, with one treated child's defibrotide order rewritten as administrations
every 6 h for 14 days, the four doses of day 3 not given after a bleed at 01:00 that day, and
eculizumab added on day 5. By hand: planned 14 x 4 = 56 doses, given 52, relative dose intensity
52/56 = 0.929; one interruption of 24 h (four doses) for bleeding; eculizumab from day 5.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import thrombo.cli.study  # noqa: F401  (registers the command)
from thrombo.cli.app import app
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

runner = CliRunner()


def rewrite(folder: Path) -> tuple[str, date]:
    """The first defibrotide order as administrations with a gap; returns (patient, start)."""
    path = folder / "medications.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    index = next(i for i, r in enumerate(body) if r[1] == "defibrotide")
    pid, start, dose = body[index][0], date.fromisoformat(body[index][2]), body[index][4]
    doses = [[pid, "defibrotide", f"{start + timedelta(days=n)}T{h:02d}:00:00", "", dose, "mg",
              "IV", "therapeutic"] for n in range(14) if n != 3 for h in (0, 6, 12, 18)]
    eculizumab = [pid, "eculizumab", f"{start + timedelta(days=5)}T10:00:00", "", "600", "mg",
                  "IV", "therapeutic"]
    body[index:index + 1] = [*doses, eculizumab]
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    with (folder / "events.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow([pid, f"{start + timedelta(days=3)}T01:00:00", "bleeding",
                                     "3", ""])
    return pid, start


@pytest.mark.slow
def test_study_json_carries_the_rewritten_course(tmp_path: Path) -> None:
    write_dataset(SimulationConfig(seed=3, patients=16, tma_fraction=0.6, centers=2), tmp_path)
    pid, start = rewrite(tmp_path)
    result = runner.invoke(app, ["study", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    mine = [e for e in doc["exposure"] if e["patient_id"] == pid]
    assert [e["drug"] for e in mine] == ["defibrotide", "eculizumab"]
    course, add_on = mine
    assert (course["start"], course["course_days"]) == (start.isoformat(), 14)
    assert (course["planned_doses"], course["given_doses"]) == (56, 52)
    assert course["relative_dose_intensity"] == round(52 / 56, 3)
    [gap] = course["interruptions"]
    assert (gap["start"], gap["hours"], gap["missed_doses"], gap["reason"]) == (
        (start + timedelta(days=3)).isoformat(), 24.0, 4, "bleeding")
    assert add_on["day_from_treatment_start"] == 5
    assert doc["exposure_response"]["comparisons"][0]["factor"] == "relative_dose_intensity"
    assert "confounding by indication" in doc["exposure_response"]["caution"]
