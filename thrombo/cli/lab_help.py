"""One help text, shared by every command that reads laboratory results (issue 17).

Censored values, the site's lab-ranges file and derived engraftment change what a command
answers, so each command's `--help` says how it reads them: `lab_results_help` adds the
paragraphs that apply to a command's own summary, the same words on every command.
"""

from __future__ import annotations

from thrombo.rules.model import EngraftmentRule

_ENGRAFTMENT = EngraftmentRule()

CENSORED_HELP = (
    "Censored results ('<10', '<=10', '>2500', '>=2500'; FHIR valueQuantity.comparator; OMOP "
    "operator_concept_id) are kept as bounds with their comparator, never as the number and "
    "never quarantined. A criterion on one is decided by interval logic, on every engine: "
    "platelets '<10' is below 50 (met), '<10' against 5 cannot be told (indeterminate), LDH "
    "'>2500' is above any ULN; a bound is never a number to compute with (baselines, nadirs, "
    "weights skip it).")

LAB_RANGES_FILE_HELP = (
    "Laboratory limits (LDH, sC5b-9, haptoglobin, PT/aPTT are assay-specific): a result's own "
    "reference range wins, then the site's from thrombo-lab-ranges.toml in the dataset folder "
    "(or --lab-ranges FILE: one table per analyte or code with unit, low, high, optional sex "
    "and age_from/age_to in years), then the published fallback with its warning; the evidence "
    "names which one was used.")

ENGRAFTMENT_HELP = (
    "Engraftment: a neutrophil or platelet engraftment date the record does not hold is derived "
    f"from the counts (clinical-reference.md I4): neutrophils, the first of "
    f"{_ENGRAFTMENT.anc_run} consecutive days after the nadir with ANC >= "
    f"{_ENGRAFTMENT.anc_threshold:g} x 10^9/L; platelets, the first of "
    f"{_ENGRAFTMENT.platelet_run} consecutive days (screen's --platelet-engraftment-run) >= "
    f"{_ENGRAFTMENT.platelet_threshold:g} x 10^9/L with no platelet transfusion in the "
    f"{_ENGRAFTMENT.platelet_transfusion_free_days} days before. The derivation is shown as "
    "evidence; a recorded date always wins.")


def lab_results_help(summary: str, *, engraftment: bool = False, more: str = "") -> str:
    """`summary` (the command's first line, as `thrombo --help` lists it), then how results
    are read: censored values, the lab-ranges file, derived engraftment where the command
    screens for TA-TMA, then `more` (the command's own paragraphs)."""
    parts = [summary, CENSORED_HELP, LAB_RANGES_FILE_HELP]
    if engraftment:
        parts.append(ENGRAFTMENT_HELP)
    if more:
        parts.append(more)
    return "\n\n".join(parts)
