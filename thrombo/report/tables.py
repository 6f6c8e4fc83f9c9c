"""The report's tables as rows of display strings, with small counts suppressed on request.

Numbers are formatted here and only here; they are computed in thrombo.analytics.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.analytics.cohort import CTCAE_GRADES
from thrombo.analytics.endpoints import Summary
from thrombo.analytics.proportions import DEFAULT_CONFIDENCE
from thrombo.analytics.statistical_results import Json, LandmarkEstimate, ProportionEstimate
from thrombo.analytics.study_disclosure import flow_counts
from thrombo.analytics.study_results import StudyResults, Suppression
from thrombo.report.words import cite, human, term

# The results section of the study this report mirrors (000_56e8c5c5802e858b.txt, "Results"):
# 30 patients; 70% resolution within 28 days of starting defibrotide; 80% 6-month overall
# survival; 60% with marked renal or neurological recovery; no major bleeding; minor adverse
# effects transient hypotension and mild gastrointestinal disturbance.
STUDY_DOCUMENT = cite("seed 000") + ", 30 patients"  # 000_56e8c5c5802e858b.txt
REPORTED_RESOLUTION_BY_DAY_28 = "70%"
REPORTED_SURVIVAL_6_MONTHS = "80%"
REPORTED_ORGAN_RECOVERY = "60%"
REPORTED_MAJOR_BLEEDING = "none"
REPORTED_MINOR_EVENTS = "transient hypotension; mild gastrointestinal disturbance"

Row = tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: Row
    rows: tuple[Row, ...]
    note: str = ""


def count(n: int | None, hide: Suppression) -> str:
    if n is None:
        return "-"
    return f"<{hide.below}" if hide.hides(n) else str(n)


def percent(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{100 * value:.{digits}f}%"


def interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "not estimable"
    return f"{percent(low)} to {percent(high)}"


def proportion_cells(p: ProportionEstimate | None, hide: Suppression) -> Row:
    """(k/n, rate, CI); suppressed counts hide the rate and CI as well."""
    if p is None:
        return ("-", "-", "-")
    if hide.hides(p.k) or hide.hides(p.n - p.k) or hide.hides(p.n):
        return (f"{count(p.k, hide)}/{count(p.n, hide)}", "suppressed", "suppressed")
    return (f"{p.k}/{p.n}", percent(p.rate), interval(p.ci_low, p.ci_high))


def landmark_cells(estimate: LandmarkEstimate | None, n: int | None, hide: Suppression) -> Row:
    if estimate is None:
        return (count(n, hide), "not estimable", "-")
    return (count(n, hide), percent(estimate.estimate),
            interval(estimate.ci_low, estimate.ci_high))


def endpoint_table(results: StudyResults) -> Table:
    """Each endpoint beside what the study document reported, with its method named."""
    hide = results.suppression
    os = results.overall_survival
    cif = results.cif_resolution
    n_followed = os.at_risk[0].at_risk if os and os.at_risk else None
    rows: list[Row] = [
        ("TA-TMA resolution by day 28", *proportion_cells(results.resolution_by_day_28, hide),
         "Clopper-Pearson exact; death first = not resolved", REPORTED_RESOLUTION_BY_DAY_28),
        ("Cumulative incidence of resolution, day 28",
         *landmark_cells(cif.landmark if cif else None, n_followed, hide),
         "Aalen-Johansen, death as competing risk", REPORTED_RESOLUTION_BY_DAY_28),
        ("Overall survival at 6 months (183 days)",
         *landmark_cells(os.landmark if os else None, n_followed, hide),
         "Kaplan-Meier, log-log CI", REPORTED_SURVIVAL_6_MONTHS),
        ("Renal or neurological recovery",
         *proportion_cells(results.organ_recovery.any_organ, hide), "Clopper-Pearson exact",
         REPORTED_ORGAN_RECOVERY),
        ("Renal recovery (renal involvement)",
         *proportion_cells(results.organ_recovery.renal, hide), "Clopper-Pearson exact", "-"),
        ("Neurological recovery (neurological involvement)",
         *proportion_cells(results.organ_recovery.neurological, hide), "Clopper-Pearson exact",
         "-"),
        ("Major bleeding", *proportion_cells(results.major_bleeding, hide),
         "Clopper-Pearson exact", REPORTED_MAJOR_BLEEDING),
    ]
    return Table(("Endpoint", "n (k/n)", "Estimate", f"{confidence(results)} CI", "Method",
                  f"Reported in {STUDY_DOCUMENT}"), tuple(rows),
                 f"Minor adverse events reported in the study document: {REPORTED_MINOR_EVENTS}.")


def confidence(results: StudyResults) -> str:
    estimate = results.resolution_by_day_28
    return percent(estimate.confidence if estimate else DEFAULT_CONFIDENCE, 0)


def _summary(s: Summary | None, unit: str, hide: Suppression) -> str:
    if s is None:
        return "-"
    if hide.on:  # the disclosure policy: no minimum or maximum, nothing over too few patients
        shown = hide.summary(s)
        if not isinstance(shown, dict) or shown.get("suppressed"):
            return "suppressed"
        return f"{shown['median']} {unit} (IQR {shown['q1']}-{shown['q3']}; n = {s.n})"
    # One decimal is the precision a baseline table reports ages and day counts to.
    return (f"{s.median:.1f} {unit} (IQR {s.q1:.1f}-{s.q3:.1f}; "
            f"range {s.minimum:.1f}-{s.maximum:.1f}; n = {s.n})")


def baseline_table(results: StudyResults) -> Table:
    b, hide = results.baseline, results.suppression
    shown_sex = hide.group(list(b.sex.values()), hide.hides(b.n))
    sexes = ", ".join(f"{k}: {count(v, hide) if v is not None else 'suppressed'}"
                      for k, v in zip(b.sex, shown_sex, strict=True)) or "-"
    rows: tuple[Row, ...] = (
        ("Patients treated", count(b.n, hide)),
        ("Age at diagnosis, median", _summary(b.age_years, "years", hide)),
        ("Sex", sexes),
        ("Centres", str(b.centres)),
        ("Days from HSCT to TA-TMA diagnosis", _summary(b.days_hsct_to_diagnosis, "days", hide)),
        ("Days from diagnosis to defibrotide",
         _summary(b.days_diagnosis_to_treatment, "days", hide)),
        ("High-risk TA-TMA", count(b.high_risk, hide)),
        ("Renal involvement", count(b.renal_involvement, hide)),
        ("Neurological involvement", count(b.neurological_involvement, hide)),
    )
    return Table(("Characteristic", "Value"), rows)


def adverse_event_table(results: StudyResults) -> Table:
    """Patients by CTCAE term and worst grade; one row per term."""
    hide = results.suppression
    by_term: dict[str, dict[int, int]] = {}
    for row in results.adverse_events:
        by_term.setdefault(row.term, {})[row.grade] = row.patients
    rows = tuple(_grade_row(term, grades, hide) for term, grades in sorted(by_term.items()))
    return Table(("CTCAE term", *(f"grade {g}" for g in CTCAE_GRADES), "any grade"), rows,
                 "Events on or after defibrotide start; each patient counted once per term, at "
                 "the worst grade.")


def _grade_row(term: str, grades: dict[int, int], hide: Suppression) -> Row:
    """A term's patients by grade and in all: the grades add up to the total, so one hidden
    grade goes with another (complementary suppression)."""
    cells = [grades.get(g, 0) for g in CTCAE_GRADES]
    total = sum(cells)
    shown = hide.group(cells, hide.hides(total))
    return (term, *(shown_count(c, v, hide) for c, v in zip(cells, shown, strict=True)),
            count(total, hide))


def shown_count(n: int, shown: int | None, hide: Suppression) -> str:
    """A count that complementary suppression may hide although it is not small itself."""
    return count(n, hide) if shown is not None or hide.hides(n) else "suppressed"


def at_risk_table(results: StudyResults) -> Table:
    hide, os = results.suppression, results.overall_survival
    if os is None or hide.on:  # differences between rows are small counts of single patients
        return Table(("day",), ())
    return Table(("day", *(f"{r.time:g}" for r in os.at_risk)), (
        ("at risk", *(count(r.at_risk, hide) for r in os.at_risk)),
        ("deaths so far", *(count(r.events_so_far, hide) for r in os.at_risk)),
        ("censored so far", *(count(r.censored_so_far, hide) for r in os.at_risk))))


def centre_table(results: StudyResults) -> Table:
    hide = results.suppression
    treated = [c.treated for c in results.centres]
    shown = hide.group(treated, hide.hides(sum(treated)))
    rows = tuple(
        (c.centre, shown_count(c.treated, n, hide),
         *(proportion_cells(c.resolution_by_day_28, hide)[1:] if n is not None
           else ("suppressed", "suppressed")),
         count(c.deaths_by_landmark, hide) if n is not None else "suppressed")
        for c, n in zip(results.centres, shown, strict=True))
    return Table(("Centre", "Treated", "Resolved by day 28", f"{confidence(results)} CI",
                  "Deaths by 6 months"), rows)


COVARIATES = {"age_years": "age at TA-TMA diagnosis (per year older)",
              "male": "male sex (vs female)"}
"""The Cox model's covariates (analytics.study) in words, with the unit a hazard ratio is per."""


def comparison_table(results: StudyResults) -> Table:
    c = results.comparisons
    rows: list[Row] = []
    if c.resolution_vs_control is not None:
        t = c.resolution_vs_control
        rows.append(("Resolution by day 28 vs control", f"{t.k}/{t.n} vs {percent(t.p0)}",
                     f"p = {t.p_value:.4f} ({t.alternative})", t.method))
    if c.survival_vs_control is not None:
        s = c.survival_vs_control
        rows.append(("Survival vs control (6-month survival "
                     f"{percent(c.control_survival_6_months)})",
                     f"observed {s.observed} deaths, expected {s.expected:.2f}",
                     f"p = {s.p_value:.4f}", s.method))
    if c.survival_by_centre is not None:
        g = c.survival_by_centre
        rows.append(("Survival between centres", ", ".join(g.groups),
                     f"chi2 = {g.statistic:.2f}, df {g.degrees_of_freedom}, p = {g.p_value:.4f}",
                     g.method))
    if c.cox is not None:
        for h in c.cox.hazard_ratios:
            rows.append((f"Cox: {COVARIATES.get(h.covariate, term(h.covariate))}",
                         f"HR {h.hazard_ratio:.3g}",
                         f"CI {h.ci_low:.3g} to {h.ci_high:.3g}, p = {h.p_value:.4f}",
                         c.cox.method + (" stratified by centre" if c.cox.strata else "")))
    note = f"Historical control: {c.control_source}." if c.control_source else (
        "No historical control was given (thrombo study --control-rate / --control-survival).")
    return Table(("Comparison", "Data", "Result", "Method"), tuple(rows), note)


def design_table(results: StudyResults) -> Table:
    d = results.design
    if d is None:
        return Table(("Design",), ())
    rows: list[Row] = []
    if d.simon is not None:
        for name, s in (("Simon optimal", d.simon.optimal), ("Simon minimax", d.simon.minimax)):
            rows.append((name, f"{s.r1}/{s.n1}", f"{s.r}/{s.n}", f"{s.en0:.1f}",
                         f"{s.alpha:.4f}", f"{s.power:.3f}"))
    if d.single_stage is not None:
        s1 = d.single_stage
        rows.append(("Exact single stage", "-", f"{s1.r}/{s1.n}", str(s1.n), f"{s1.alpha:.4f}",
                     f"{s1.power:.3f}"))
    return Table(("Design", "stop if <= r1/n1", "promising if > r/n", "EN(p0)", "alpha",
                  "power"), tuple(rows),
                 f"A next single-arm trial from p0 = {percent(d.p0)} (control) to p1 = "
                 f"{percent(d.p1)} (observed), one-sided alpha 0.05, power 80%.")


def flow_table(results: StudyResults) -> Table:
    hide = results.suppression
    steps, excluded = flow_counts(results.flow, hide)  # as the document's: complementary
    rows = tuple((s.step, shown_count(s.n, steps[i], hide),
                  "; ".join(f"{e.reason}: {shown_count(e.n, excluded[i][j], hide)}"
                            for j, e in enumerate(s.excluded)) or "-")
                 for i, s in enumerate(results.flow))
    return Table(("Step", "Patients", "Left at this step (reason: n)"), rows)


def settings_table(document: Json, title: str) -> Table:
    """A JSON document (criteria set and options, input summary) as rows a reader can scan:
    one line per value, nested keys joined with " / ", values in words (report.words)."""
    rows: list[Row] = []

    def walk(value: Json, path: tuple[str, ...]) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(inner, (*path, term(str(key))))
        elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
            for index, inner in enumerate(value, start=1):
                walk(inner, (*path, str(index)))
        else:
            rows.append((" / ".join(path), human(value, "none")))

    walk(document, ())
    return Table((title, "Value"), tuple(rows))
