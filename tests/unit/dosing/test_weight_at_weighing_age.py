"""The growth-chart check holds a weight against children of the age it was measured at, for
every drug (it lives in check_weight, not in each caller); a baseline weight is never stale."""

from __future__ import annotations

from datetime import date

from thrombo.dosing.weight_checks import STALE_WEIGHT_DAYS, check_weight

AS_OF = date(2027, 1, 1)


def test_an_old_weight_is_judged_at_the_age_it_was_measured() -> None:
    """12.5 kg is about -2.4 SD for a 5.2-year-old girl (CDC 2000) and far below the chart at
    8.2: measured three years before a dosing day at 8.2 years, it is not questioned."""
    weighed = date(2024, 1, 2)
    assert not check_weight(12.5, age_years=8.2, sex="F", weight_date=weighed,
                            as_of=AS_OF).questions
    assert check_weight(12.5, age_years=8.2, sex="F", as_of=AS_OF).questions
    slip = check_weight(184.0, age_years=8.2, sex="F", weight_date=weighed, as_of=AS_OF)
    assert slip.questions and "aged 5.2 y" in slip.questions[0]


def test_a_baseline_weight_is_never_stale() -> None:
    weighed = date(2026, 1, 1)
    assert (AS_OF - weighed).days > STALE_WEIGHT_DAYS
    assert check_weight(18.0, age_years=5.0, sex="M", weight_date=weighed, as_of=AS_OF).notes
    assert not check_weight(18.0, age_years=5.0, sex="M", weight_date=weighed, as_of=AS_OF,
                            baseline_weight=True).notes
