"""`thrombo study --suppress-below N`: the document, the printed tables and the report follow the
disclosure policy the service applies to researchers (issue 20, item 1).

One policy (thrombo/analytics/study_disclosure.py): no count from 1 to N-1; complementary
suppression where subtraction from a shown total would give a hidden count back; no minimum,
maximum, curve or at-risk row (single patients' values); no patient id in any text.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

import thrombo.cli.study  # noqa: F401  (registers the command)
from thrombo.analytics.endpoints import AdverseEventRow
from thrombo.analytics.exposure_response import (
    DoseTimeAssociation,
    ExposureResponse,
    GroupComparison,
    exposure_response_json,
)
from thrombo.analytics.proportions import clopper_pearson
from thrombo.analytics.study_disclosure import Suppression
from thrombo.cli.app import app
from thrombo.report.tables import adverse_event_table
from thrombo.simulate.config import SimulationConfig
from thrombo.simulate.writer import write_dataset

runner = CliRunner()
BELOW = 5


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, set[str]]:
    """A 16-patient, two-centre simulated cohort studied with --suppress-below 5."""
    folder = tmp_path_factory.mktemp("cohort")
    write_dataset(SimulationConfig(seed=3, patients=16, tma_fraction=0.6, centers=2), folder)
    report = tmp_path_factory.mktemp("report")
    result = runner.invoke(app, ["study", str(folder), "--suppress-below", str(BELOW), "--json",
                                 "--report", str(report)])
    assert result.exit_code == 0, result.output
    ids = {line.split(",")[0] for line in
           (folder / "patients.csv").read_text().splitlines()[1:]}
    return json.loads(result.stdout), (report / "report.html").read_text(), ids


def test_the_report_shows_no_single_patients_value(study: tuple[dict[str, Any], str, set[str]]
                                                    ) -> None:
    _, html, ids = study
    assert "range " not in html  # a baseline minimum-maximum is two children's values
    assert "<svg" not in html and "data:image" not in html  # curves step on single days
    assert "at risk</td>" not in html
    assert not [pid for pid in ids if re.search(rf"\b{re.escape(pid)}\b", html)]


def test_the_reports_flow_hides_what_the_document_hides(
        study: tuple[dict[str, Any], str, set[str]]) -> None:
    """Each step's patients = the next step's + those left at it: the report shows a count
    only where the document does (complementary suppression), never a derivable one."""
    document, html, _ = study
    flow = html[html.index("Left at this step"):]
    for step in document["flow"][1:]:
        row = re.search(rf"<td>{step['step']}</td>\s*<td>([^<]*)</td>", flow)
        assert row is not None
        shown = row.group(1)
        assert (shown == str(step["n"])) if step["n"] is not None else (
            shown in ("suppressed", f"&lt;{BELOW}")), (step, shown)


def test_exposure_groups_cannot_be_derived_from_the_treated() -> None:
    """34 treated: 20 with dose intensity >= 90% (12 resolved), 12 below (7 resolved), 2 of
    unknown exposure (1 resolved). Hiding the 2 alone would leave it as 34 - 20 - 12, so the
    smaller group goes with it, and Fisher's test (whose table gives the cells back) too."""
    comparison = GroupComparison(
        "relative_dose_intensity", "received over planned", (">= 90%", "< 90%"),
        (clopper_pearson(12, 20), clopper_pearson(7, 12)), unknown=2, p_value=0.66,
        odds_ratio=1.5, note=None, unknown_resolved=1)
    result = ExposureResponse((comparison,), DoseTimeAssociation(14, (), None, None, "none"))
    document: Any = exposure_response_json(result, Suppression(BELOW))
    (shown,) = document["comparisons"]
    high, low = (g["resolution_by_day_28"] for g in shown["groups"])
    assert shown["unknown"] is None
    assert high["n"] == 20 and high["k"] == 12
    assert low["n"] is None and low["k"] is None and low["suppressed"] is True
    assert shown["p_value"] is None and shown["odds_ratio"] is None


def test_a_terms_grades_do_not_give_a_hidden_grade_back() -> None:
    """Hypotension in 9 patients: 6 at grade 1, 3 at grade 2. With the total 9 shown, grade 2
    hidden alone would be 9 - 6: grade 1 is hidden with it."""
    results = SimpleNamespace(suppression=Suppression(BELOW), adverse_events=(
        AdverseEventRow("hypotension", 1, 6), AdverseEventRow("hypotension", 2, 3)))
    (row,) = adverse_event_table(results).rows  # type: ignore[arg-type]
    assert row[0] == "hypotension"
    assert row[1] == "suppressed" and row[2] == f"<{BELOW}" and row[-1] == "9"
