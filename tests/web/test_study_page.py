"""The study page's survival line (issue 21 item 12): a Kaplan-Meier estimate is exactly 1 only
while no death has been observed, and "1.00 (95% CI 1.00-1.00)" would read as certainty; the
page says "no deaths observed by day 183" instead. An estimate below 1 keeps its interval."""

from __future__ import annotations

from typing import Any

from thrombo.web.pages_common import templates
from thrombo.web.study_page import StudyView


def study_page(survival: dict[str, Any]) -> str:
    document: dict[str, Any] = {
        "as_of": "2026-12-04", "rules": {"name": "harmonized-2023", "version": "1"},
        "time_origin": "treatment-start", "flow": [], "warnings": [],
        "resolution_by_day_28": None, "overall_survival_6_months": survival}
    view = StudyView(document, {}, "all centres")
    return templates.get_template("study.html").render(view=view, user=None)


def test_no_death_is_said_in_words() -> None:
    page = study_page({"time": 183, "estimate": 1.0, "ci_low": 1.0, "ci_high": 1.0,
                       "method": "Kaplan-Meier"})
    assert "no deaths observed by day 183" in page
    assert "1.00" not in page


def test_an_estimate_below_one_keeps_its_interval() -> None:
    page = study_page({"time": 183, "estimate": 0.8, "ci_low": 0.61, "ci_high": 0.9,
                       "method": "Kaplan-Meier"})
    assert "0.80 (95% CI 0.61–0.90)" in page
