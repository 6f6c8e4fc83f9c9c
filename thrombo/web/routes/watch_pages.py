"""The watch-list page (issue 24): the same access rules as the patient list (identified data:
a researcher is sent to the study pages), and the same audited view of the visible patients."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from thrombo.api.deps import ServiceDep, UserDep
from thrombo.api.watch_memo import watched_list
from thrombo.web.pages_common import render
from thrombo.web.watch_page import LEGEND, watch_rows

router = APIRouter(include_in_schema=False)


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request, service: ServiceDep, user: UserDep) -> Response:
    if not user.sees_identified_data:
        return RedirectResponse("/study", status_code=303)
    as_of = service.today()
    version = service.store_version()
    timelines = service.patients(user, purpose="watch-list", version=version)
    found = watched_list(service, timelines, as_of, version)
    return render(request, service, "watch.html", user, rows=watch_rows(found), as_of=as_of,
                  legend=LEGEND, warnings=found.warnings)
