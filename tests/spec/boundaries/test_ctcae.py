"""CTCAE v5.0 grade cut-offs, each at its value, just below and just above.

Source of every expected grade: NCI CTCAE v5.0 (27 Nov 2017) as tabulated in
clinical-reference.md section F. Rows read "value -> grade"; the lower limit of normal (LLN) or
upper limit of normal (ULN) used is named in each table.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from thrombo.errors import ImplausibleValueError
from thrombo.safety import ctcae


def _below_at_above(limits: dict[float, tuple[int, int]], step: float = 0.1
                    ) -> list[tuple[float, int]]:
    """Rows just below, at and just above each "< limit" cut-off: {limit: (grade below it,
    grade at and above it)}."""
    return [(round(value, 2), grade) for limit, (below, at) in limits.items()
            for value, grade in ((limit - step, below), (limit, at), (limit + step, at))]


# F, "Platelet count decreased" (x10^9/L): G1 < LLN-75, G2 < 75-50, G3 < 50-25, G4 < 25.
# LLN 150 (clinical-reference.md E5, usual range 150-450).
PLATELETS = _below_at_above({25.0: (4, 3), 50.0: (3, 2), 75.0: (2, 1), 150.0: (1, 0)})


# F, "Anemia" (Hb g/dL): G1 < LLN-10.0, G2 < 10.0-8.0, G3 < 8.0. LLN 11.5 (WHO 5-11 y, E5).
ANAEMIA = _below_at_above({8.0: (3, 2), 10.0: (2, 1), 11.5: (1, 0)})

Grader = Callable[..., int | None]
BY_LOWER_LIMIT: list[tuple[str, Grader, float, list[tuple[float, int]]]] = [
    ("platelets", ctcae.platelet_grade, 150.0, PLATELETS),
    ("anaemia", ctcae.anemia_grade, 11.5, ANAEMIA),
]


@pytest.mark.parametrize(("grader", "lln", "value", "grade"), [
    pytest.param(grader, lln, value, grade, id=f"{name} {value:g}")
    for name, grader, lln, rows in BY_LOWER_LIMIT for value, grade in rows])
def test_platelet_count_decreased_and_anaemia(grader: Grader, lln: float, value: float,
                                               grade: int) -> None:
    assert grader(value, lln=lln) == grade


@pytest.mark.parametrize(("grader", "value", "grade"), [
    pytest.param(ctcae.platelet_grade, value, grade, id=f"platelets {value:g}")
    for value, grade in [(74.9, 2), (75.0, None), (75.1, None)]
] + [
    pytest.param(ctcae.anemia_grade, value, grade, id=f"anaemia {value:g}")
    for value, grade in [(9.9, 2), (10.0, None), (10.1, None)]
])
def test_grade_1_unknown_without_a_lower_limit(grader: Grader, value: float,
                                               grade: int | None) -> None:
    """Grade 1 is "< LLN": with no LLN a platelet count of 75 or more, or an Hb of 10.0 g/dL
    or more, cannot be graded (F)."""
    assert grader(value, lln=None) == grade


# F, "Creatinine increased": G1 > ULN-1.5 x ULN, G2 > 1.5-3.0 x ULN, G3 > 3.0-6.0 x ULN,
# G4 > 6.0 x ULN. ULN 1.0 mg/dL so the value is the multiple of the ULN.
CREATININE_BY_ULN = [
    (1.0, 0), (1.01, 1),
    (1.49, 1), (1.5, 1), (1.51, 2),
    (2.99, 2), (3.0, 2), (3.01, 3),
    (5.99, 3), (6.0, 3), (6.01, 4),
]


@pytest.mark.parametrize(("value", "grade"), CREATININE_BY_ULN)
def test_creatinine_increased_by_uln(value: float, grade: int) -> None:
    assert ctcae.creatinine_grade(value, uln=1.0, baseline=None) == grade


# F: G2 > 1.5-3.0 x baseline, G3 > 3.0 x baseline (no grade 1 by baseline). Baseline 1.0 mg/dL.
CREATININE_BY_BASELINE = [
    (1.49, 0), (1.5, 0), (1.51, 2),
    (2.99, 2), (3.0, 2), (3.01, 3),
]


@pytest.mark.parametrize(("value", "grade"), CREATININE_BY_BASELINE)
def test_creatinine_increased_by_baseline(value: float, grade: int) -> None:
    assert ctcae.creatinine_grade(value, uln=None, baseline=1.0) == grade


def test_creatinine_takes_the_higher_of_the_two_readings() -> None:
    """1.6 mg/dL with ULN 1.0 (G2 by ULN) and baseline 0.5 (3.2 x baseline, G3 by baseline)."""
    assert ctcae.creatinine_grade(1.6, uln=1.0, baseline=0.5) == 3
    assert ctcae.creatinine_grade(1.6, uln=None, baseline=None) is None


# F, "Proteinuria" (paediatric, UPCR mg/mg): G2 0.5-1.9, G3 > 1.9; there is no paediatric G1.
PROTEINURIA = [
    (0.49, 0), (0.5, 2), (0.51, 2),
    (1.89, 2), (1.9, 2), (1.91, 3),
]


@pytest.mark.parametrize(("upcr", "grade"), PROTEINURIA)
def test_paediatric_proteinuria(upcr: float, grade: int) -> None:
    assert ctcae.proteinuria_grade(upcr) == grade


# F, "Hypertension" (adult): G1 120-139/80-89, G2 140-159/90-99, G3 >= 160/>= 100. Each limit is
# tested with the other pressure normal (SBP 100 or DBP 60), since either one sets the grade.
ADULT_SBP = [
    (119, 0), (120, 1), (121, 1),
    (139, 1), (140, 2), (141, 2),
    (159, 2), (160, 3), (161, 3),
]
ADULT_DBP = [
    (79, 0), (80, 1), (81, 1),
    (89, 1), (90, 2), (91, 2),
    (99, 2), (100, 3), (101, 3),
]


@pytest.mark.parametrize(("sbp", "grade"), ADULT_SBP)
def test_adult_hypertension_by_systolic(sbp: float, grade: int) -> None:
    assert ctcae.adult_hypertension_grade(sbp, 60) == grade


@pytest.mark.parametrize(("dbp", "grade"), ADULT_DBP)
def test_adult_hypertension_by_diastolic(dbp: float, grade: int) -> None:
    assert ctcae.adult_hypertension_grade(100, dbp) == grade


# F: recorded grades run from 1 to the highest grade the term defines: nausea stops at grade 3;
# hypotension, haemorrhage, diarrhoea and vomiting reach grade 5 (death). A term the table does
# not name is allowed the generic 1-5 scale (F, "generic grade meanings").
RECORDED = [
    ("nausea", 0, False), ("nausea", 1, True), ("nausea", 3, True), ("nausea", 4, False),
    ("hypotension", 5, True), ("hypotension", 6, False),
    ("hemorrhage", 5, True), ("hemorrhage", 6, False),
    ("diarrhea", 5, True), ("diarrhea", 6, False),
    ("vomiting", 0, False), ("vomiting", 5, True), ("vomiting", 6, False),
    ("fatigue", 0, False), ("fatigue", 1, True), ("fatigue", 5, True), ("fatigue", 6, False),
]


@pytest.mark.parametrize(("term", "grade", "possible"), RECORDED)
def test_recorded_grade_range(term: str, grade: int, possible: bool) -> None:
    if possible:
        assert ctcae.check_grade(term, grade) == grade
    else:
        with pytest.raises(ImplausibleValueError):
            ctcae.check_grade(term, grade)
