"""The criteria sets by name: `harmonized-2023` is the default."""

from __future__ import annotations

from collections.abc import Callable

from thrombo.errors import ThromboUserError
from thrombo.rules.model import CriteriaSet
from thrombo.rules.tma import bmtctn_2005, harmonized_2023, iwg_2007, jodele_2014
from thrombo.rules.tma.options import ScreeningOptions

DEFAULT = harmonized_2023.NAME

SETS: dict[str, Callable[[ScreeningOptions | None], CriteriaSet]] = {
    harmonized_2023.NAME: harmonized_2023.definition,
    jodele_2014.NAME: jodele_2014.definition,
    bmtctn_2005.NAME: bmtctn_2005.definition,
    iwg_2007.NAME: iwg_2007.definition,
}


class UnknownCriteriaError(ThromboUserError):
    """A criteria set name that is not registered."""


def criteria_set(name: str = DEFAULT, options: ScreeningOptions | None = None) -> CriteriaSet:
    try:
        build = SETS[name]
    except KeyError:
        known = ", ".join(SETS)
        raise UnknownCriteriaError(f"unknown criteria set {name!r} (known: {known}, all)") from None
    return build(options)


def all_sets(options: ScreeningOptions | None = None) -> list[CriteriaSet]:
    return [build(options) for build in SETS.values()]
