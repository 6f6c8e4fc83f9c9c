"""The dashboard's study page: the API's study document (thrombo.api.study_document) with its
figures. Researchers see aggregates only: no individual-level figure (swimmer plot,
trajectories), and no curve at all when small counts are suppressed."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from thrombo.analytics.study_results import StudyResults
from thrombo.api.service import Service
from thrombo.api.study_document import scope, study_document, study_results, suppress_below
from thrombo.report.figures import study_figures
from thrombo.store.users import User


@dataclass(frozen=True)
class StudyView:
    document: dict[str, Any]
    figures: dict[str, Markup]
    scope: str


def study_view(service: Service, user: User) -> StudyView:
    """The document and its figures as inline SVG (individual-level ones only for roles that see
    identified data)."""
    results = study_results(service, user)
    document = study_document(service, user)
    key = ("study-figures", scope(user), user.sees_identified_data, document["as_of"],
           service.store_version())
    svgs: dict[str, str] = service.memo(key, lambda: _figures(results, user))
    return StudyView(document, {k: _as_image(v) for k, v in svgs.items()}, scope(user))


def _figures(results: StudyResults, user: User) -> dict[str, str]:
    figures = study_figures(results, individual=user.sees_identified_data)
    if suppress_below(user) is None:
        return figures
    # Steps of a survival or incidence curve give small counts back, and the flow figure would
    # show the counts the flow table hides by complementary suppression: the table stands alone.
    return {}


def _as_image(svg: str) -> Markup:
    """matplotlib's SVG styles its shapes with style attributes, which the dashboard's strict
    Content-Security-Policy (no inline styles) would strip from inline <svg>; as a data: image
    it renders intact, still inside the page."""
    encoded = base64.b64encode(svg.encode()).decode()
    return Markup('<img class="figure" alt="" src="data:image/svg+xml;base64,{}">').format(encoded)
