"""Treatment plans: the TA-TMA protocol plan and the ITP treatment ladder for one patient."""

from thrombo.plans.ladder import itp_ladder
from thrombo.plans.ladder_data import DEFAULT_POLICY, POLICIES
from thrombo.plans.patient_plan import CONDITIONS, NothingToPlanError, condition_of, plan_for
from thrombo.plans.result import OptionStatus, Plan, PlanOption
from thrombo.plans.tma_protocol import tma_protocol

__all__ = [
    "CONDITIONS",
    "DEFAULT_POLICY",
    "POLICIES",
    "NothingToPlanError",
    "OptionStatus",
    "Plan",
    "PlanOption",
    "condition_of",
    "itp_ladder",
    "plan_for",
    "tma_protocol",
]
