"""`thrombo plan SOURCE --patient ID`: the ITP ladder or TA-TMA protocol plan for one patient."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from thrombo.cli.app import app
from thrombo.cli.lab_help import lab_results_help
from thrombo.cli.options import FormatOpt, JsonOpt, LabRangesOpt, SourceArg, TzOpt, parse_day
from thrombo.cli.output import print_json, stdout
from thrombo.dosing.defibrotide_holds import CLASSES
from thrombo.errors import ThromboUserError
from thrombo.plans import DEFAULT_POLICY, POLICIES, Plan
from thrombo.rules.registry import DEFAULT as DEFAULT_CRITERIA
from thrombo.services.plan import PlanRequest, plan_one
from thrombo.services.sources import SourceRequest, UnknownPatientError, load_patients
from thrombo.store.sources import timezone

PatientOpt = Annotated[str, typer.Option("--patient", help="The patient_id to plan for.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Use what was known by the end of this day (YYYY-MM-DD); a date-time "
        "(YYYY-MM-DDTHH:MM) also checks defibrotide holds at that instant.",
    ),
]
PolicyOpt = Annotated[
    str, typer.Option("--policy", help=f"ITP ladder order: {', '.join(POLICIES)}.")
]
ConditionOpt = Annotated[
    str | None,
    typer.Option("--condition", help="itp or ta-tma (default: from the record)."),
]
CriteriaOpt = Annotated[
    str, typer.Option("--criteria", help="TA-TMA criteria set for the diagnosis.")
]
WASHOUTS = "; ".join(f"{c.name} {c.washout_hours} h" for c in CLASSES)
LineHeparinOpt = Annotated[
    bool,
    typer.Option(
        "--line-heparin-blocks",
        help="Centre policy: heparin for central-line maintenance or reopening also blocks "
        "defibrotide (by default it is the label's exception and only warns). Every systemic "
        "anticoagulant blocks at any intent, prophylactic included, until its washout after "
        f"the last dose has passed ({WASHOUTS}).",
    ),
]


HOURS_PER_DAY = 24
__all__ = ["UnknownPatientError", "parse_when", "plan_command", "render_plan"]


def parse_when(text: str | None, zone_name: str) -> tuple[date, datetime | None]:
    """--as-of as (day, instant or None); today in the site time zone when not given."""
    zone = timezone(zone_name)
    if text is None:
        return datetime.now(zone).date(), None
    if "T" not in text:
        return parse_day(text), None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ThromboUserError(
            f"--as-of must be a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM, got {text!r}"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return moment.astimezone(zone).date(), moment


@app.command("plan", help=lab_results_help(
    "The ITP treatment ladder or the TA-TMA protocol plan for one patient, with doses.",
    engraftment=True))
def plan_command(
    source: SourceArg,
    patient: PatientOpt,
    as_of: AsOfOpt = None,
    policy: PolicyOpt = DEFAULT_POLICY,
    condition: ConditionOpt = None,
    criteria: CriteriaOpt = DEFAULT_CRITERIA,
    line_heparin_blocks: LineHeparinOpt = False,
    tz: TzOpt = "UTC",
    source_format: FormatOpt = None,
    as_json: JsonOpt = False,
    lab_ranges: LabRangesOpt = None,
) -> None:
    """The ITP ladder or the TA-TMA protocol plan (help: lab_results_help)."""
    day, at = parse_when(as_of, tz)
    loaded = load_patients(SourceRequest(source, tz, source_format, lab_ranges, patient))
    plan = plan_one(loaded.timelines[0], PlanRequest(
        day, at, condition=condition, policy=policy, criteria=criteria,
        line_heparin_blocks=line_heparin_blocks))
    if as_json:
        print_json({**plan.to_json(), "input": loaded.input})
        return
    stdout.print(render_plan(plan))


def _dose_text(option: dict[str, Any]) -> str:
    dose = option["dose"]
    if dose is None:
        return f"no dose: {option['dose_missing']}" if option["dose_missing"] else "-"
    amount = f"{dose['dose']['value']:g} {dose['dose']['unit']}"
    if dose["per_kg"]:
        amount += f" ({dose['per_kg']['value']:g} {dose['per_kg']['unit']})"
    if dose["per_m2"]:
        amount += f" ({dose['per_m2']['value']:g} {dose['per_m2']['unit']})"
    hours = dose["interval_hours"]
    if hours:
        amount += (
            f" every {hours:g} h"
            if hours < HOURS_PER_DAY * 2
            else (f" every {hours / HOURS_PER_DAY:g} days")
        )
    return f"{amount} {dose['route']}; {dose['course']}" if dose["course"] else amount


def _options_table(doc: dict[str, Any]) -> Table:
    table = Table(title="Options, in order", show_lines=True)
    for column in ("step", "option", "status", "dose for this child", "why"):
        table.add_column(column, overflow="fold")
    for o in doc["options"]:
        status = f"[bold green]NEXT[/] {o['status']}" if o["next"] else o["status"]
        why = "\n".join(f"- {r['text']}" for r in o["reasons"])
        table.add_row(str(o["step"]), f"{o['drug']}\n({o['class']})", status, _dose_text(o), why)
    return table


def _bullets(title: str, lines: list[str]) -> Panel:
    # A grid cell wraps long lines; a plain string in a panel would be cut at the edge.
    grid = Table.grid()
    grid.add_column(overflow="fold")
    for line in lines:
        grid.add_row(f"- {line}")
    return Panel(grid, title=title, title_align="left")


def _inputs_rows(head: Table, inputs: dict[str, Any]) -> None:
    for name, value in inputs.items():
        if isinstance(value, dict):
            text = f"{value['value']:g} {value['unit']} on {value['date']} ({value['basis']})"
            head.add_row(name.replace("_", " "), text)
        elif value is not None:
            head.add_row(name.replace("_", " "), str(value))


def _hold_line(hold: dict[str, Any]) -> str:
    until = f" until {hold['until']}" if hold["until"] else ""
    return f"{hold['action'].upper()}{until}: {hold['reason']}"


def _course_lines(course: dict[str, Any]) -> list[str]:
    if course["state"] in ("completed", "ended-by-death"):
        return [
            f"{course['state']}: given {course['start']} to {course['last_administration']} "
            f"({course['days_given']} days; day 0 = first dose)"
        ]
    dates = ", ".join(f"day {r['day']}: {r['date']}" for r in course["reassess"])
    return [
        f"{course['state']}: start {course['start']} ({course['start_basis']}); at least "
        f"{course['minimum_days']} days",
        f"reassess {dates}",
    ]


def _state_banner(summary: dict[str, Any]) -> Panel | None:
    state = summary.get("plan_state")
    if state == "ended":
        reason = summary["plan_state_reason"]
        return Panel(f"[bold red]PLAN ENDED[/]: {reason}; nothing is suggested")
    if state == "follow-up":
        return Panel(f"[bold]FOLLOW-UP[/]: TA-TMA resolved on {summary.get('resolution_date')}")
    return None


def render_plan(plan: Plan) -> Group:
    """The plan for people: summary, options with doses and reasons, talk points, holds."""
    doc = plan.to_json()
    rules = doc["rules"]
    head = Table.grid(padding=(0, 2))
    head.add_row("patient", doc["patient_id"])
    head.add_row("condition", doc["condition"])
    head.add_row("as of", doc["as_of"])
    head.add_row("rules", f"{rules['name']} v{rules['version']}")
    if "policy" in rules["options"]:
        head.add_row("policy", f"{rules['options']['policy']}: {doc['summary']['policy_order']}")
    for key, value in doc["summary"].items():
        if key not in ("policy", "policy_order") and not isinstance(value, list | dict):
            head.add_row(key.replace("_", " "), str(value))
    _inputs_rows(head, doc["inputs"])
    banner = _state_banner(doc["summary"])
    parts: list[Any] = [Panel(head, title="Plan", title_align="left"), _options_table(doc)]
    if banner is not None:
        parts.insert(0, banner)
    for o in doc["options"]:
        if o["next"] or o["status"] == "suggested":
            parts.append(_bullets(f"Discuss with the family: {o['drug']}", o["discussion"]))
    if doc["holds"]:
        parts.append(
            _bullets(
                "Defibrotide holds and contraindications", [_hold_line(h) for h in doc["holds"]]
            )
        )
    if doc["course"]:
        parts.append(_bullets("Course", _course_lines(doc["course"])))
    if doc["monitoring"]:
        parts.append(_bullets("Monitoring", doc["monitoring"]))
    if doc["warnings"]:
        parts.append(_bullets("Warnings", doc["warnings"]))
    parts.append(_bullets("Sources", doc["sources"]))
    return Group(*parts)
