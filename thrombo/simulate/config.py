"""Every rate the simulator draws from, with its default and where the default comes from.

The outcome defaults reproduce, in expectation, the single-centre study of defibrotide for TA-TMA
in children (seed document 000_56e8c5c5802e858b.txt, 30 patients): about 70% resolution by day
28, about 80% overall survival at 6 months, about 60% organ recovery and no major bleeding.
Everything the study does not report is a simulation assumption, marked [Design]: it shapes the
synthetic data, it is not a clinical claim, and no result of thrombo rests on it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from thrombo.errors import ThromboUserError

STUDY = "000_56e8c5c5802e858b.txt"

# The first day a synthetic transplant may take place; cohorts spread over two years after it.
# [Design] a fixed calendar origin so that the same seed always gives the same dates.
COHORT_EPOCH = date(2024, 1, 1)
ENROLMENT_SPAN_DAYS = 730


class SimulationConfigError(ThromboUserError):
    """A simulation setting outside its meaningful range (a rate above 1, a negative count)."""


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """Cohort size, mix and outcome rates. Rates are probabilities per patient."""

    seed: int = 0
    patients: int = 30
    """Transplant recipients (children 0-18 years after allogeneic HSCT)."""
    itp_patients: int = 0
    """Children with immune thrombocytopenia (no transplant)."""
    centers: int = 1

    # --- cohort mix among transplant recipients -------------------------------------------------
    tma_fraction: float = 0.063
    """TA-TMA after paediatric HSCT: overall 1-year incidence 6.3% (95% CI 3.2-9.4) in a
    single-centre paediatric study (clinical-reference.md B2 context, Blood Adv 2021;5(8):2106,
    [S]; 5.6% in the two-centre UK study, B2 [S]). Raise it for a treated-cohort demo."""
    poor_graft_function_fraction: float = 0.05
    """Poor graft function look-alikes: persistent cytopenias and transfusions, no TMA. [Design]"""
    infection_lookalike_fraction: float = 0.08
    """Sepsis/viral infection look-alikes: platelet and haemoglobin fall with raised LDH, no
    proteinuria, hypertension or schistocytes. [Design]"""

    # --- TA-TMA course under defibrotide (seed study) --------------------------------------------
    resolution_by_day_28: float = 0.70
    """70% complete resolution within 28 days of starting defibrotide (seed study, Results)."""
    survival_6_months: float = 0.80
    """6-month overall survival 80%, time origin = defibrotide start (seed study, Results)."""
    organ_recovery: float = 0.60
    """60% with marked recovery of renal/neurological function (seed study, Results). Drawn only
    among patients whose TA-TMA resolved by day 28, so it may not exceed that rate. [Design]"""
    major_bleeding: float = 0.0
    """No major bleeding events reported (seed study, Safety)."""
    deaths_among_unresolved_share: float = 0.75
    """Share of the 6-month deaths that fall on patients whose TA-TMA did not resolve by day 28.
    The study gives no split; death concentrates in non-responders. [Design]"""
    late_resolution_among_unresolved: float = 0.4
    """Survivors not resolved by day 28 who resolve later (day 35-90). [Design]"""
    sc5b9_elevated_in_tma: float = 0.6
    """TA-TMA patients with sC5b-9 >= ULN at work-up (a high-risk feature). [Design]"""

    # --- adverse events during defibrotide -------------------------------------------------------
    # The study reports transient hypotension and mild GI disturbances without rates; the label
    # lists hypotension, diarrhoea, vomiting, nausea and epistaxis as common (>= 10%)
    # (clinical-reference.md B1, [S]). The rates below are [Design] values at that level.
    hypotension: float = 0.20
    minor_bleeding: float = 0.15
    diarrhea: float = 0.15
    nausea: float = 0.15
    vomiting: float = 0.10

    # --- other transplant events -----------------------------------------------------------------
    acute_gvhd: float = 0.30
    """Acute GVHD of any grade after paediatric allogeneic HSCT. [Design]"""
    death_without_tma_6_months: float = 0.05
    """Non-relapse deaths by day 180 without TA-TMA. [Design]"""
    tma_biopsy: float = 0.03
    """Tissue biopsy in TA-TMA (rare in children). [Design]"""
    dialysis_without_recovery: float = 0.15
    """Dialysis among TA-TMA patients without organ recovery. [Design]"""
    calcineurin_hypertension: float = 0.25
    """Transient drug-induced hypertension early after transplant (no TMA). [Design]"""

    # --- ITP cohort ------------------------------------------------------------------------------
    itp_newly_diagnosed_share: float = 0.3
    itp_persistent_share: float = 0.3
    """Phase at last contact; the rest are chronic (IWG 2009 phases, clinical-reference.md C1).
    The mix is [Design]."""
    itp_first_line_response: float = 0.7
    """Children responding to first-line steroids/IVIG. [Design]"""
    itp_later_line_response: float = 0.5
    """Response to each later-line therapy (TPO-RA, rituximab). [Design]"""
    itp_observation_only: float = 0.2
    """Newly diagnosed children with skin-only bleeding who are observed, not treated (ASH 2019,
    clinical-reference.md C4, from memory, unverified). [Design] share."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not 0.0 <= value <= 1.0:
                raise SimulationConfigError(f"{f.name} must lie between 0 and 1, got {value}")
        _require_counts(self)
        _require_consistent_rates(self)

    @property
    def death_by_6_months(self) -> float:
        return 1.0 - self.survival_6_months

    @property
    def death_if_resolved(self) -> float:
        """P(death within 6 months | resolved by day 28), derived so the total is as configured."""
        share = 1.0 - self.deaths_among_unresolved_share
        return self.death_by_6_months * share / self.resolution_by_day_28

    @property
    def death_if_unresolved(self) -> float:
        unresolved = 1.0 - self.resolution_by_day_28
        return self.death_by_6_months * self.deaths_among_unresolved_share / unresolved

    @property
    def organ_recovery_if_resolved(self) -> float:
        return self.organ_recovery / self.resolution_by_day_28


def _require_counts(config: SimulationConfig) -> None:
    if config.patients < 0 or config.itp_patients < 0:
        raise SimulationConfigError("patient counts must not be negative")
    if config.centers < 1:
        raise SimulationConfigError("there must be at least one centre")
    mix = (
        config.tma_fraction
        + config.poor_graft_function_fraction
        + config.infection_lookalike_fraction
    )
    if mix > 1.0:
        raise SimulationConfigError(f"the cohort fractions add up to {mix:.3f}, more than 1")
    if config.itp_newly_diagnosed_share + config.itp_persistent_share > 1.0:
        raise SimulationConfigError("the ITP phase shares add up to more than 1")


def _require_consistent_rates(config: SimulationConfig) -> None:
    """Outcome rates are drawn conditionally; refuse combinations no conditional can give."""
    if not 0.0 < config.resolution_by_day_28 < 1.0:
        raise SimulationConfigError("resolution_by_day_28 must lie strictly between 0 and 1")
    if config.organ_recovery > config.resolution_by_day_28:
        raise SimulationConfigError(
            "organ_recovery is drawn among resolved patients and cannot exceed "
            "resolution_by_day_28"
        )
    if config.death_if_resolved > 1.0 or config.death_if_unresolved > 1.0:
        raise SimulationConfigError(
            "survival_6_months and deaths_among_unresolved_share ask for more deaths in one "
            "response group than it has patients"
        )
