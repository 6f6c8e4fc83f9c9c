"""Hand-checked ITP vignettes: phase, refractoriness per definition, and response with its date.

Each vignette is worked by hand in its docstring from clinical-reference.md C1-C3 (IWG 2009 phase,
response and splenectomy-based refractoriness; the practical-002 project definition of
002_135c7129447af5c0.txt with "persistently" = >= 28 days [Design]). Days count from DAY0.
"""

from __future__ import annotations

from tests.unit.itp.timeline_tables import day, platelets, timeline
from thrombo.response.itp_patient import assess_itp, classify_itp


def iso(n: int) -> str:
    return day(n).isoformat()


def test_chronic_itp_after_failed_splenectomy_with_bleeding() -> None:
    """Diagnosed day 0 with a bleed treated the same day (severe at presentation).

    Prednisone day 0: 9, 12, but IVIG follows on day 10, before prednisone's 14-day assessment
    window closes -> prednisone not evaluable (no failure before the window closes). IVIG day 10
    (baseline 12 on day 5): 85 on day 12 and 90 on day 19 -> R dated day 12; 20, 18 on days 30/32
    -> lost on day 30. Splenectomy day 400, baseline = count before the first-ever treatment (6 on
    day 0): 70, 60, then 14 on day 425 and 11 on day 427 -> NR, established when its 28-day
    window closes on day 428. Romiplostim from day 600: 15, 18 -> NR when its 91-day window
    closes (day 691). Bleed on day 700 on romiplostim, IVIG the same day (a different agent:
    severe). IVIG: 60 (day 702), 55 (day 709) over baseline 8 -> R day 702, lost day 720.
    Day 800: chronic (800 d = 26.3 months). iwg-2009: splenectomy failed (day 428) and severe ITP
    (grade-3 bleed treated at presentation, day 0) -> refractory since day 428, when both hold.
    practical-002: counts < 30 on days 425, 427, 440, 460 (35 d >= 28, >= 3 counts, none more than
    28 days apart) after splenectomy -> refractory since day 460.
    """
    obs = platelets((0, 6), (3, 9), (5, 12), (12, 85), (19, 90), (30, 20), (32, 18), (410, 70),
                    (414, 60), (425, 14), (427, 11), (440, 13), (460, 16), (605, 15), (620, 18),
                    (640, 12), (700, 8), (702, 60), (709, 55), (720, 14), (721, 12))
    meds = "0 prednisone end=6\n10 ivig\n600 romiplostim\n700 ivig hour=12"
    tl = timeline(obs, meds, "0 bleeding grade=3\n700 bleeding grade=3", diagnosis=0,
                  splenectomy=400)
    itp = classify_itp(tl, day(800))
    doc = itp.to_json()
    assert (doc["phase"], doc["months_since_diagnosis"], doc["severe"]) == ("chronic", 26.3, True)
    assert doc["refractory_by_definition"] == {"iwg-2009": True, "practical-002": True}
    assert doc["refractory_since"] == {"iwg-2009": iso(428), "practical-002": iso(460)}
    assert doc["failed_classes"] == {"immunoglobulin": iso(30), "splenectomy": iso(428),
                                     "tpo-ra": iso(691)}
    response = assess_itp(tl, day(800))
    assert [(t.course.drug, t.response, t.response_date) for t in response.treatments] == [
        ("prednisone", "not-evaluable", None), ("ivig", "R", day(12)),
        ("splenectomy", "NR", None),
        ("romiplostim", "NR", None), ("ivig", "R", day(702))]
    current = response.to_json()
    assert (current["treatment"], current["response"], current["response_date"],
            current["lost_response_date"]) == ("ivig", "R", iso(702), iso(720))


def test_newly_diagnosed_itp_responding_to_ivig() -> None:
    """Count 4 at diagnosis, IVIG day 0. 68 (day 2) is R-level (>= 30 and >= 2 x 4); 140 (day 4)
    and 180 (day 11) are >= 100 seven days apart -> CR from day 4. Time to response runs to the
    first R or CR (IWG 2009): the response (68, 140, 180, all >= 30 and >= 8 over 9 days) begins
    on day 2 -> 2 days to response, CR dated day 4. Day 30: newly diagnosed
    (1.0 month), no splenectomy, no persistent count < 30: refractory under neither definition.
    """
    tl = timeline(platelets((0, 4), (2, 68), (4, 140), (11, 180), (25, 210)), "0 ivig",
                  diagnosis=0)
    doc = classify_itp(tl, day(30)).to_json()
    assert (doc["phase"], doc["months_since_diagnosis"], doc["severe"]) == (
        "newly-diagnosed", 1.0, False)
    assert doc["refractory_by_definition"] == {"iwg-2009": False, "practical-002": False}
    assert doc["failed_therapies"] == []
    only = assess_itp(tl, day(30)).treatments[0]
    assert (only.response, only.response_date, only.days_to_response) == ("CR", day(2), 2)
    assert only.complete_response_date == day(4)
    assert only.baseline is not None and only.baseline.value == 4


def test_persistent_itp_failing_steroids_ivig_and_dexamethasone() -> None:
    """Prednisone day 0-6: 11, 14 -> NR, established when its 14-day window closes (day 14).
    IVIG day 20 (baseline 10, day 19): 18, 16 -> NR when its 7-day window closes (day 27).
    Dexamethasone day 40-43 (baseline 12): 20, 22 -> NR on day 54 (< 30). Two steroid courses
    ending day 43 do not span 60 days: no steroid dependence. Day 150: persistent (4.9 months).
    practical-002: counts < 30 from day 19 (past the 7-day lag) reach 28 days on day 60.
    """
    obs = platelets((0, 9), (3, 11), (5, 14), (19, 10), (21, 18), (22, 16), (40, 12), (43, 20),
                    (44, 22), (60, 15), (80, 12), (120, 14))
    meds = "0 prednisone end=6\n20 ivig\n40 dexamethasone end=43"
    tl = timeline(obs, meds, diagnosis=0)
    doc = classify_itp(tl, day(150)).to_json()
    assert (doc["phase"], doc["months_since_diagnosis"], doc["severe"]) == (
        "persistent", 4.9, False)
    assert doc["refractory_by_definition"] == {"iwg-2009": False, "practical-002": True}
    assert doc["refractory_since"]["practical-002"] == "2026-03-02"
    assert [(f["drug"], f["failure_date"]) for f in doc["failed_therapies"]] == [
        ("prednisone", "2026-01-15"), ("ivig", "2026-01-28"), ("dexamethasone", "2026-02-24")]
    assert doc["failed_classes"] == {"corticosteroid": "2026-01-15",
                                     "immunoglobulin": "2026-01-28"}
    response = assess_itp(tl, day(150))
    assert not response.steroid_dependent
    assert response.to_json()["response"] == "NR"


def test_chronic_itp_stable_on_eltrombopag() -> None:
    """Prednisone day 0: 12, 10 -> NR when its window closes (day 14). IVIG day 30 (baseline 9):
    45, 40, then 15 on day 40 breaks the run before 7 days -> no R; 15, 12 -> NR on day 41.
    Counts < 30 on days 40, 41, 60, 65 and 90 (50 d, none more than 28 days apart) ->
    practical-002 refractory since day 90. Eltrombopag from day 100 (baseline 13):
    45 (day 114), 62 (day 128) and every count since >= 30 and >= 26 -> R dated day 114, not lost.
    Day 500: chronic (16.4 months); no splenectomy, so iwg-2009 says not refractory.
    """
    later = [(d, 70.0) for d in range(156, 500, 28)]
    obs = platelets((0, 8), (3, 12), (4, 10), (30, 9), (32, 45), (36, 40), (40, 15), (41, 12),
                    (60, 14), (65, 14), (90, 11), (100, 13), (114, 45), (128, 62), *later)
    tl = timeline(obs, "0 prednisone end=4\n30 ivig\n100 eltrombopag", diagnosis=0)
    doc = classify_itp(tl, day(500)).to_json()
    assert (doc["phase"], doc["months_since_diagnosis"]) == ("chronic", 16.4)
    assert doc["refractory_by_definition"] == {"iwg-2009": False, "practical-002": True}
    assert doc["refractory_since"]["practical-002"] == "2026-04-01"
    current = assess_itp(tl, day(500)).current
    assert current is not None
    assert (current.course.drug, current.response, current.response_date) == (
        "eltrombopag", "R", day(114))
    assert current.lost_response_date is None
    assert current.duration_of_response_days == 386
