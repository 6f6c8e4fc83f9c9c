"""Properties of the ITP ladder over random treatment histories (hypothesis).

Histories: ladder drugs given in ladder order 30 days apart, each course either failing (counts
stay < 30: IWG NR) or responding (>= 100 twice 7 days apart: CR, then lost 10 days later);
optional splenectomy; Hb and weight vary. Whatever the history, the ladder must keep its rules.
"""

from __future__ import annotations

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.plans.tables import day, patient_timeline, platelets
from thrombo.domain.timeline import PatientTimeline
from thrombo.plans import OptionStatus, itp_ladder
from thrombo.plans.result import Plan

S = OptionStatus
DRUGS = ("prednisone", "ivig", "anti_d", "dexamethasone", "rituximab", "eltrombopag",
         "romiplostim", "vincristine")
TRIED = (S.TRIED_FAILED, S.TRIED_RESPONDED, S.TRIED_NOT_EVALUABLE)


@st.composite
def histories(draw: st.DrawFn) -> tuple[PatientTimeline, int]:
    given_drugs = [d for d in DRUGS if draw(st.booleans())]
    counts: list[tuple[int, float]] = [(0, 10)]
    meds = []
    for i, drug in enumerate(given_drugs):
        start = 30 * (i + 1)
        meds.append(f"{start} {drug}")
        if draw(st.booleans()):
            counts += [(start, 10), (start + 2, 12), (start + 4, 14)]
        else:
            counts += [(start, 10), (start + 2, 150), (start + 9, 160), (start + 19, 12),
                       (start + 20, 11)]
    last = 30 * (len(given_drugs) + 1)
    spleen = draw(st.one_of(st.none(), st.integers(1, last)))
    hb = draw(st.sampled_from((7.2, 9.0, 12.5)))
    weight = draw(st.one_of(st.none(), st.sampled_from((12.0, 24.0, 41.5))))
    obs = platelets(*counts) + f"\n{last} hemoglobin {hb}"
    obs += "" if weight is None else f"\n{last} weight {weight}\n{last} height 130"
    as_of = last + draw(st.integers(0, 400))
    return patient_timeline(obs, "\n".join(meds), diagnosis=0, splenectomy=spleen), as_of


def _status(plan: Plan, drug: str) -> OptionStatus:
    return plan.option(drug).status


@settings(max_examples=100, deadline=None)
@given(histories())
def test_ladder_rules_hold_for_any_history(history: tuple[PatientTimeline, int]) -> None:
    timeline, as_of = history
    plan = itp_ladder(timeline, day(as_of))
    suggested = [o for o in plan.options if o.status is S.SUGGESTED]
    if suggested:
        first = min(o.step for o in suggested)
        assert plan.next_options == tuple(o for o in suggested if o.step == first)
    else:
        assert plan.next_options == ()
    assert [o.step for o in plan.options] == sorted(o.step for o in plan.options)
    if timeline.patient.splenectomy_date is not None:
        assert _status(plan, "anti_d") is S.NOT_SUITABLE
        assert plan.option("anti_d").dose is None
    for cytotoxic in ("vincristine", "cyclophosphamide"):
        if _status(plan, cytotoxic) is S.SUGGESTED:
            failed = plan.summary["failed_classes"]
            assert "anti-cd20" in failed and "tpo-ra" in failed
    if not plan.summary["first_line_behind"]:
        for drug in ("dexamethasone", "rituximab", "eltrombopag", "romiplostim"):
            assert _status(plan, drug) is not S.SUGGESTED
    drugs_given = {m.drug for m in timeline.medications}
    for option in plan.options:
        if option.drug in drugs_given:  # a contraindication outranks the history
            assert option.status in (*TRIED, S.NOT_SUITABLE)
        else:
            assert option.status not in TRIED
        assert option.reasons, option.drug
    orjson.dumps(plan.to_json())


@settings(max_examples=50, deadline=None)
@given(histories())
def test_the_policy_changes_the_order_never_the_status(
    history: tuple[PatientTimeline, int],
) -> None:
    timeline, as_of = history
    seed = itp_ladder(timeline, day(as_of), "seed-002")
    ash = itp_ladder(timeline, day(as_of), "ash-2019")
    assert {o.drug: o.status for o in seed.options} == {o.drug: o.status for o in ash.options}
    assert seed.rules.to_json()["options"]["policy"] == "seed-002"
    assert ash.rules.to_json()["options"]["policy"] == "ash-2019"


@settings(max_examples=50, deadline=None)
@given(histories())
def test_no_weight_means_no_weight_based_dose(history: tuple[PatientTimeline, int]) -> None:
    """Never a guessed weight: without a weight, every mg/kg or mg/m2 option has no dose."""
    timeline, as_of = history
    plan = itp_ladder(timeline, day(as_of))
    if plan.summary and plan.inputs["weight"] is None:
        for option in plan.options:
            if option.drug not in ("eltrombopag", "observation", "rescue"):
                assert option.dose is None, option.drug
