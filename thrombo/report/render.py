"""The study report: one self-contained HTML file (Jinja2, inline SVG figures) and its PDF.

`write_report(results, out_dir)` writes report.html, then prints it to report.pdf with headless
Chromium when one is installed. A missing browser leaves the HTML and says so in
`ReportPaths.pdf_note`; it never fails the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from thrombo.analytics.statistical_results import Json
from thrombo.analytics.study_disclosure import scrub
from thrombo.analytics.study_results import StudyResults
from thrombo.errors import SourceError
from thrombo.report import exposure_tables, tables
from thrombo.report.figures import study_figures
from thrombo.report.pdf import print_to_pdf
from thrombo.report.words import cite

FIGURE_CAPTIONS = {
    "flow": "Patient flow: screened, eligible, diagnosed, treated and evaluable, with the "
            "reasons patients left at each step.",
    "survival": "Overall survival (Kaplan-Meier) with its log-log confidence band; ticks mark "
                "censored follow-up; dashed line at 6 months (183 days).",
    "incidence": "Cumulative incidence of TA-TMA resolution with death before resolution as a "
                 "competing event (Aalen-Johansen); dashed line at day 28.",
    "swimmer": "Each treated patient's course from the time origin, sorted by time to "
               "resolution: defibrotide days as bars shaded by that day's dose intensity, "
               "interruptions as red-outlined gaps with their reason, eculizumab or plasma "
               "exchange under the bar, resolution, death, grade 3 or worse adverse events, "
               "and follow-up of survivors (censored at last contact).",
    "trajectories": "LDH and platelet counts of each treated patient around defibrotide start.",
}


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    pdf: Path | None
    pdf_note: str


def _thrombo_version() -> str:
    try:
        return version("thrombo")
    except PackageNotFoundError:
        return "unknown"


def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("thrombo.report", "templates"),
                              autoescape=select_autoescape(["html"]), trim_blocks=True,
                              lstrip_blocks=True)
    environment.filters["cite"] = cite  # source documents by title and year
    return environment


def render_html(results: StudyResults, source: dict[str, Json] | None = None,
                patient_ids: frozenset[str] = frozenset()) -> str:
    """The report as one HTML document. Under small-count suppression it follows the study
    document's disclosure policy (analytics.study_disclosure): no figure (a curve's steps are
    single patients' days, the flow figure would show counts the flow table hides), no at-risk
    table, and warnings without small counts or patient ids."""
    hide = results.suppression
    individual = not hide.on
    figures = {} if hide.on else {
        name: Markup(svg) for name, svg in study_figures(results, individual).items()}
    warnings = [scrub(hide.warning(w), patient_ids) if hide.on else w for w in results.warnings]
    template = _environment().get_template("report.html")
    return template.render(
        results=results, figures=figures, captions=FIGURE_CAPTIONS, individual=individual,
        rules=tables.settings_table(results.rules, "Criteria set and options"),
        source=None if source is None else tables.settings_table(source, "Input"),
        thrombo_version=_thrombo_version(), warnings=warnings,
        flow=tables.flow_table(results), baseline=tables.baseline_table(results),
        endpoints=tables.endpoint_table(results), at_risk=tables.at_risk_table(results),
        adverse_events=tables.adverse_event_table(results),
        centres=tables.centre_table(results), comparisons=tables.comparison_table(results),
        design=tables.design_table(results),
        exposure=exposure_tables.exposure_table(results),
        exposure_response=exposure_tables.exposure_response_table(results))


def write_report(results: StudyResults, out_dir: Path | str,
                 source: dict[str, Json] | None = None, make_pdf: bool = True,
                 patient_ids: frozenset[str] = frozenset()) -> ReportPaths:
    """Write report.html (and report.pdf when Chromium is available) into `out_dir`; under
    suppression no text names one of `patient_ids`."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise SourceError(f"{folder}: the report folder is a file")
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "report.html"
    html.write_text(render_html(results, source, patient_ids), encoding="utf-8")
    if not make_pdf:
        return ReportPaths(html, None, "PDF not requested")
    printed = print_to_pdf(html, folder / "report.pdf")
    return ReportPaths(html, printed.path, printed.note)
