"""The ITP treatment ladder as data: its rungs, their talk points, and the named ordering policies.

Two orderings are offered, and the plan names the one it used:

- `seed-002` (default): the ladder of 002_135c7129447af5c0.txt -- first line (corticosteroids or
  IVIG; anti-D as the third first-line option of clinical-reference.md C3/C4) -> monthly
  dexamethasone pulses 0.6 mg/kg -> rituximab -> TPO receptor agonist (eltrombopag; romiplostim
  as the other TPO-RA) -> vincristine / cyclophosphamide, only after counselling.
- `ash-2019`: the ASH 2019 paediatric suggestions (clinical-reference.md C4): for persistent or
  chronic ITP not responding to first line, a TPO-RA rather than rituximab, and rituximab rather
  than splenectomy. The guideline does not place monthly dexamethasone pulses; they follow
  rituximab here [Design], cytotoxics stay last.

Both start with observation for newly diagnosed ITP with no or skin-only bleeding (ICR 2019 C3,
ASH 2019 C4; wording from memory, unverified), and with rescue therapy first for severe bleeding.
"""

from __future__ import annotations

from dataclasses import dataclass

from thrombo.dosing.cytotoxics import CYTOTOXIC_COUNSELLING
from thrombo.dosing.eltrombopag import SAFETY as ELTROMBOPAG_SAFETY
from thrombo.dosing.immunoglobulins import ANTI_D_WARNINGS
from thrombo.dosing.recommendation import UNVERIFIED
from thrombo.dosing.rituximab import WARNINGS as RITUXIMAB_WARNINGS
from thrombo.dosing.romiplostim import WARNINGS as ROMIPLOSTIM_WARNINGS
from thrombo.errors import ThromboUserError

LADDER_VERSION = "1"
SEED_002 = (
    "Refractory paediatric ITP, seed 002_135c7129447af5c0.txt: first-line corticosteroids or IVIG, "
    "monthly dexamethasone pulses 0.6 mg/kg, rituximab, eltrombopag, vincristine or "
    "cyclophosphamide after counselling"
)
ASH_2019 = (
    "Neunert C et al. ASH 2019 ITP guidelines, Blood Adv 2019;3(23):3829-3866, paediatric "
    f"recommendations (clinical reference C4; wording {UNVERIFIED})"
)
ICR_2019 = (
    "Provan D et al. ICR 2019, Blood Adv 2019;3(22):3780-3817: observation for no or mild "
    f"(skin-only) bleeding (clinical reference C3; {UNVERIFIED})"
)
BORUCHOV = (
    "Boruchov DM et al. Blood 2007;110(10):3526: combination rescue in refractory ITP [S] (D)"
)

ASH_UNVERIFIED = (
    f"ash-2019 ordering rests on ASH 2019 paediatric suggestions summarised '{UNVERIFIED}' in "
    "clinical reference C4: check the guideline before use"
)
OBSERVATION_UNVERIFIED = (
    "observation for newly diagnosed ITP with no or skin-only bleeding rests on ICR/ASH 2019 "
    f"wording marked '{UNVERIFIED}' (clinical reference C3, C4)"
)
RESCUE_FIRST = (
    "severe bleeding: give rescue therapy first (IVIG with high-dose IV corticosteroid and "
    "platelet transfusion per local protocol); the ladder below is for after the bleeding is "
    "controlled"
)

# Step keys, in no particular order; a policy orders them.
RESCUE = "rescue"
OBSERVATION = "observation"
FIRST_LINE = "first-line"
DEX_PULSES = "dexamethasone-pulses"
ANTI_CD20 = "rituximab"
TPO_RA = "tpo-ra"
CYTOTOXIC = "cytotoxic"
SECOND_LINE_STEPS = frozenset({DEX_PULSES, ANTI_CD20, TPO_RA})

STEP_NAMES = {
    RESCUE: "rescue therapy for severe bleeding",
    OBSERVATION: "observation (no or skin-only bleeding, newly diagnosed)",
    FIRST_LINE: "first line: short corticosteroid course, IVIG or anti-D",
    DEX_PULSES: "monthly dexamethasone pulses",
    ANTI_CD20: "rituximab",
    TPO_RA: "thrombopoietin receptor agonist",
    CYTOTOXIC: "cytotoxic agents (only with counselling)",
}


@dataclass(frozen=True, slots=True)
class Rung:
    """One option on the ladder: `drug` is a dosing-registry name, or a plan without a drug."""

    drug: str
    drug_class: str
    step: str
    regimen: str | None
    discussion: tuple[str, ...]
    sources: tuple[str, ...]
    dosed: bool = True


STEROID_TALK = (
    "mood and sleep changes, increased appetite, stomach upset and raised blood sugar during the "
    "course",
)
RUNGS = (
    Rung("rescue", "rescue", RESCUE, None, (
        "the child needs urgent treatment in hospital; the longer-term plan follows once the "
        "bleeding is controlled",
    ), (BORUCHOV,), dosed=False),
    Rung("observation", "observation", OBSERVATION, None, (
        "bleeding precautions: avoid contact sports and activities with a risk of head injury; no "
        "aspirin or NSAIDs",
        "come back at once for nose or mouth bleeding that does not stop, blood in urine or stool, "
        "severe headache, vomiting or drowsiness",
        "follow-up as an outpatient rather than admission; most newly diagnosed children recover",
    ), (ICR_2019, ASH_2019), dosed=False),
    Rung("prednisone", "corticosteroid", FIRST_LINE, "ash-2019", (
        "a short course of at most 7 days (ASH 2019 prefers short courses in children)",
        *STEROID_TALK,
    ), (SEED_002, ASH_2019)),
    Rung("ivig", "immunoglobulin", FIRST_LINE, "single-dose", (
        "a blood product given as an infusion; raises the count faster than steroids",
        "headache, fever and infusion reactions can occur",
    ), (SEED_002, ASH_2019)),
    Rung("anti_d", "immunoglobulin", FIRST_LINE, "winrho-label", ANTI_D_WARNINGS,
         (ASH_2019,)),
    Rung("dexamethasone", "corticosteroid", DEX_PULSES, "monthly-pulses", (
        "4-day pulses repeated every 28 days, reassessed after each pulse",
        *STEROID_TALK,
        "repeated steroid courses: watch growth, bone health and behaviour",
    ), (SEED_002,)),
    Rung("rituximab", "anti-cd20", ANTI_CD20, "standard", (
        *RITUXIMAB_WARNINGS,
        "hypogammaglobulinaemia: IgG is checked before and after treatment",
        "vaccines: B-cell depletion blunts vaccine responses for months; give due vaccines "
        "before if possible and avoid live vaccines during depletion",
    ), (SEED_002, ASH_2019)),
    Rung("eltrombopag", "tpo-ra", TPO_RA, "label", ELTROMBOPAG_SAFETY, (SEED_002, ASH_2019)),
    Rung("romiplostim", "tpo-ra", TPO_RA, "label", (
        "weekly injection under the skin, dose adjusted to the platelet count",
        *ROMIPLOSTIM_WARNINGS,
    ), (ASH_2019,)),
    Rung("vincristine", "cytotoxic", CYTOTOXIC, "standard", CYTOTOXIC_COUNSELLING, (SEED_002,)),
    Rung("cyclophosphamide", "cytotoxic", CYTOTOXIC, "combination", CYTOTOXIC_COUNSELLING,
         (SEED_002,)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    order: tuple[str, ...]
    description: str
    sources: tuple[str, ...]
    warnings: tuple[str, ...] = ()


POLICIES = {
    "seed-002": Policy(
        "seed-002",
        (RESCUE, OBSERVATION, FIRST_LINE, DEX_PULSES, ANTI_CD20, TPO_RA, CYTOTOXIC),
        "first line -> monthly dexamethasone pulses -> rituximab -> TPO-RA -> cytotoxics",
        (SEED_002,),
    ),
    "ash-2019": Policy(
        "ash-2019",
        (RESCUE, OBSERVATION, FIRST_LINE, TPO_RA, ANTI_CD20, DEX_PULSES, CYTOTOXIC),
        "first line -> TPO-RA (preferred over rituximab and splenectomy) -> rituximab -> "
        "monthly dexamethasone pulses [Design] -> cytotoxics",
        (ASH_2019,),
        (ASH_UNVERIFIED,),
    ),
}
DEFAULT_POLICY = "seed-002"


class UnknownPolicyError(ThromboUserError):
    """A ladder ordering policy that is not registered."""


def policy_named(name: str) -> Policy:
    try:
        return POLICIES[name]
    except KeyError:
        raise UnknownPolicyError(
            f"unknown ITP ladder policy {name!r} (known: {', '.join(POLICIES)})"
        ) from None


def ordered_rungs(policy: Policy) -> list[tuple[int, Rung]]:
    """Every rung with its step number (rescue is step 0), in the policy's order."""
    rank = {step: i for i, step in enumerate(policy.order)}
    return sorted(((rank[r.step], r) for r in RUNGS), key=lambda pair: pair[0])
