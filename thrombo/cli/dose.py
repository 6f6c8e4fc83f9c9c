"""`thrombo dose DRUG`: a dose for one patient (interface.md, "dose --json").

Thin: the arithmetic lives in thrombo.dosing; this module parses options and shows the plan so
that a pharmacist can check each step by hand.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from thrombo.cli.app import app
from thrombo.cli.options import TzOpt, parse_as_of, parse_day
from thrombo.cli.output import print_json, stdout
from thrombo.dosing.inputs import WEIGHT_PLAUSIBLE_KG, Ancestry
from thrombo.dosing.recommendation import Amount, DoseRecommendation
from thrombo.dosing.registry import DRUGS
from thrombo.dosing.weight_checks import (
    CDC_MODIFIED_Z_HIGH,
    CDC_MODIFIED_Z_LOW,
    RECORDED_WEIGHT_TOLERANCE,
    STALE_WEIGHT_DAYS,
    WEIGHT_ALERT,
    WEIGHT_Z_LIMIT,
)
from thrombo.physiology.body import BsaFormula
from thrombo.report.words import interval
from thrombo.services.dose import DoseRequest
from thrombo.services.dose import dose as dose_service

LOW_KG, HIGH_KG = WEIGHT_PLAUSIBLE_KG
DOSE_HELP = (
    "Dose, schedule, caps, practical rounding, warnings and sources for one patient.\n\n"
    "A research aid: every dose must be checked by a paediatric haematology pharmacist.\n\n"
    f"The weight is checked first: outside {LOW_KG:g}-{HIGH_KG:g} kg (the importer's range) it "
    f"is refused; with an age, a weight beyond z +-{WEIGHT_Z_LIMIT:g} of the CDC 2000 "
    f"weight-for-age chart (or the CDC's implausible-value modified z below "
    f"{CDC_MODIFIED_Z_LOW:g} or above +{CDC_MODIFIED_Z_HIGH:g}), or more than "
    f"{RECORDED_WEIGHT_TOLERANCE:.0%} away from --recorded-weight-kg, is questioned (a typing or "
    "unit slip such as 184 for 18.4 kg) and no dose is given until --confirm-weight confirms "
    f"it. A weight measured more than {STALE_WEIGHT_DAYS} days before --as-of is dosed with a "
    "re-weigh warning."
)
DRUG_HELP = "Drug: " + ", ".join(
    f"{name} ({'/'.join(entry.regimens)})" for name, entry in DRUGS.items()
)


@app.command("dose", help=DOSE_HELP)
def dose(
    drug: Annotated[str, typer.Argument(help=DRUG_HELP)],
    weight_kg: Annotated[
        float | None,
        typer.Option(help="Body weight in kg (defibrotide: the weight before conditioning)."),
    ] = None,
    height_cm: Annotated[float | None, typer.Option(help="Height in cm (mg/m2 drugs).")] = None,
    age_years: Annotated[
        float | None,
        typer.Option(help="Age in years (eltrombopag, eculizumab, vincristine; weight check)."),
    ] = None,
    birth_date: Annotated[
        str | None,
        typer.Option(help="Birth date YYYY-MM-DD, instead of --age-years (age on --as-of)."),
    ] = None,
    sex: Annotated[str | None, typer.Option(help="M or F.")] = None,
    ancestry: Annotated[
        Ancestry, typer.Option(help="Eltrombopag starting dose depends on ancestry.")
    ] = Ancestry.OTHER,
    indication: Annotated[
        str | None, typer.Option(help="defibrotide: ta-tma (default) or vod.")
    ] = None,
    regimen: Annotated[
        str | None, typer.Option(help="Another regimen than the default (e.g. petit2).")
    ] = None,
    hb_g_dl: Annotated[float | None, typer.Option(help="Haemoglobin in g/dL (anti-D).")] = None,
    hepatic_impairment: Annotated[
        bool, typer.Option("--hepatic-impairment", help="Any hepatic impairment (Child-Pugh A-C).")
    ] = False,
    bsa_formula: Annotated[
        BsaFormula, typer.Option(help="BSA formula for mg/m2 drugs.")
    ] = BsaFormula.MOSTELLER,
    recorded_weight_kg: Annotated[
        float | None,
        typer.Option(help="The last recorded weight: a dosing weight more than "
                     f"{RECORDED_WEIGHT_TOLERANCE:.0%} away is questioned."),
    ] = None,
    weight_date: Annotated[
        str | None,
        typer.Option(help="Day the weight was measured (YYYY-MM-DD): warned when more than "
                     f"{STALE_WEIGHT_DAYS} days before --as-of."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Dosing day (default today), for the ages.")
    ] = None,
    tz: TzOpt = "UTC",
    confirm_weight: Annotated[
        bool,
        typer.Option(
            "--confirm-weight",
            help="Dose with a weight the check questions (far outside the CDC 2000 "
            "weight-for-age chart, or more than "
            f"{RECORDED_WEIGHT_TOLERANCE:.0%} from --recorded-weight-kg); the dose then "
            "carries a warning.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Dose, schedule, caps, practical rounding, warnings and sources (help: DOSE_HELP)."""
    recommendation = dose_service(DoseRequest(
        drug=drug, weight_kg=weight_kg, height_cm=height_cm, age_years=age_years,
        birth_date=None if birth_date is None else parse_day(birth_date, "--birth-date"),
        sex=sex, ancestry=ancestry.value, hb_g_dl=hb_g_dl, indication=indication,
        regimen=regimen, hepatic_impairment=hepatic_impairment, bsa_formula=bsa_formula.value,
        recorded_weight_kg=recorded_weight_kg,
        weight_date=None if weight_date is None else parse_day(weight_date, "--weight-date"),
        as_of=parse_as_of(as_of, tz), confirm_weight=confirm_weight,
    ))  # fmt: skip
    if as_json:
        print_json(recommendation.to_json())
    else:
        stdout.print(render(recommendation), soft_wrap=False)


PRACTICAL_LABELS = {
    "vials": "vials per dose",
    "concentrate_ml": "concentrate (mL)",
    "bag_volume_ml": "final bag volume (mL)",
    "final_concentration_mg_per_ml": "final concentration (mg/mL)",
    "diluted_volume_ml": "diluted volume (mL)",
    "infusion_minutes_range": "infusion time (min)",
    "max_rate_ml_per_h": "fastest rate (mL/h)",
    "weight_tier_kg": "weight tier (kg)",
    "dose_iu": "dose in IU",
    "tablets_mg": "tablets (mg)",
    "tablet_dose_mg": "tablet dose (mg)",
    "suspension": "oral suspension",
    "concentration_mcg_per_ml": "concentration (mcg/mL)",
    "vial_mcg": "vial (mcg)",
    "injection_volume_ml": "injection volume (mL)",
    "delivered_mcg": "delivered (mcg)",
}


def _amount(amount: Amount | None) -> str:
    """Doses to the 0.1 they were rounded to (0.01 for the few finer doses, vincristine), so
    the printed figure is always the checked one."""
    if amount is None:
        return "-"
    text = f"{amount.value:.1f}"
    return f"{text if float(text) == amount.value else f'{amount.value:g}'} {amount.unit}"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        if {"low", "high"} <= value.keys():
            return f"{_value(value['low'])} to {_value(value['high'])}"
        if {"value", "unit"} <= value.keys():
            return f"{value['value']:g} {value['unit']}"
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " + ".join(_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value is None else str(value)


def _over(r: DoseRecommendation) -> str:
    """", over 60-240 min" where the label gives a range (eculizumab in children)."""
    span = r.practical.get("infusion_minutes_range")
    if isinstance(span, dict):
        return f", over {_value(span['low'])}-{_value(span['high'])} min"
    return f", over {r.infusion_minutes:g} min" if r.infusion_minutes else ""


def _summary(r: DoseRecommendation) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    rate = r.per_kg or r.per_m2
    rows: list[tuple[str, str]] = [
        ("dose", _amount(r.dose) + (" (capped at the maximum)" if r.capped else "")),
        ("rate", f"{rate}" if rate else "-"),
        ("every", interval(r.interval_hours).removeprefix("every ") or "-"),
        ("per day", _amount(r.per_day)),
        ("range", _value(r.range.to_json()) + f" {r.range.unit}" if r.range else "-"),
        ("route", r.route + _over(r)),
        ("course", r.course or "-"),
    ]
    rows += [
        (PRACTICAL_LABELS.get(key, key.replace("_", " ")), _value(value))
        for key, value in r.practical.items()
    ]
    for key, value in rows:
        table.add_row(escape(key), escape(value))
    return table


def _schedule(r: DoseRecommendation) -> Table:
    table = Table(title="schedule", title_justify="left")
    for heading in ("phase", "dose", "every (days)", "count", "from day"):
        table.add_column(heading)
    for phase in r.schedule:
        count = "until reassessed" if phase.count is None else str(phase.count)
        table.add_row(
            escape(phase.phase),
            escape(_amount(phase.dose)),
            f"{phase.every_days:g}",
            count,
            str(phase.start_day),
        )
    return table


def _lines(title: str, lines: tuple[str, ...], style: str) -> Table:
    """A titled bullet list whose wrapped lines keep their indent."""
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column(style=style)
    table.title = title
    table.title_justify = "left"
    table.title_style = "bold"
    for line in lines:
        table.add_row("-", escape(line))
    return table


def render(r: DoseRecommendation) -> Panel:
    """A panel a pharmacist can check by hand: result, arithmetic, schedule, cautions."""
    alerts = tuple(w for w in r.warnings if w.startswith(WEIGHT_ALERT))
    sections: list[Any] = [_lines("CHECK THE WEIGHT", alerts, "bold red")] if alerts else []
    sections += [_summary(r), _lines("calculation", r.calculation, "")]
    if r.schedule:
        sections.append(_schedule(r))
    others = tuple(w for w in r.warnings if w not in alerts)
    if others:
        sections.append(_lines("warnings", others, "yellow"))
    if r.counselling:
        sections.append(_lines("discuss with the family", r.counselling, "cyan"))
    sections.append(_lines("sources", r.sources, "dim"))
    parts: list[Any] = []
    for section in sections:
        parts += [section, Text("")]
    title = f"{r.drug} - {r.indication} - regimen {r.regimen}"
    return Panel(
        Group(*parts[:-1]), title=escape(title), subtitle="check every dose with a pharmacist"
    )
