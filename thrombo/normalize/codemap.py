"""The user-editable map from local laboratory codes to thrombo analytes.

A TOML file, e.g.:

    [analytes]
    "SC5B9" = "sc5b9"                               # a bare local code, as in the CSV code column
    "http://lab.example.org/codes|HPF-SCHIST" = "schistocytes"   # system|code, as in FHIR

Local codes are mapped only through this file, never by guessing from names (sC5b-9 and
quantitative schistocyte counts have no confirmed LOINC code: clinical-reference.md section H).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thrombo.errors import SourceError
from thrombo.normalize.analytes import BY_KEY

CODEMAP_FILENAME = "thrombo-codemap.toml"

# Codes real exports use for something near a catalogue analyte that thrombo decides not to read
# as it, with the reason a data engineer needs (the skip reason says it). A site whose laboratory
# means the catalogue analyte by such a code maps it in its code map, which is read first.
NOT_READ: dict[str, str] = {
    # Synthea's metabolic panels (and point-of-care analysers) code creatinine in whole blood.
    # clinical-reference.md section H lists serum or plasma creatinine only (2160-0, 14682-9);
    # CKiD eGFR and the renal criteria rest on it, and a whole-blood method is not assumed to
    # agree with it.
    "http://loinc.org|38483-4": (
        "creatinine in whole blood is not read as serum creatinine (clinical-reference.md H "
        "lists 2160-0 and 14682-9, serum or plasma); if the laboratory's result is serum-"
        "equivalent, map the code to creatinine in thrombo-codemap.toml"),
}


def not_used(key: str) -> str:
    """The skip reason of a code no analyte takes (`system|code`), with why when thrombo has
    decided against reading it (NOT_READ)."""
    why = NOT_READ.get(key)
    return f"code not used by thrombo: {key}" + (f": {why}" if why else "")


@dataclass(frozen=True)
class CodeMap:
    analytes: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    def analyte_for(self, code: str, system: str | None = None) -> str | None:
        if system is None and "|" in code:
            system, code = code.rsplit("|", 1)  # 'system|code' as text (an OMOP concept's)
        if system is not None:
            hit = self.analytes.get(f"{system}|{code}")
            if hit is not None:
                return hit
        return self.analytes.get(code)


def read_toml(path: Path, what: str, verb: str = "is") -> dict[str, Any]:
    """A site's TOML file (code map, lab ranges); SourceError naming `what` when it cannot be
    read or is not TOML."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: {what} cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: {what} {verb} not valid TOML ({exc})") from exc


def load_codemap(path: Path) -> CodeMap:
    data = read_toml(path, "code map")
    table = data.get("analytes", {})
    if not isinstance(table, dict):
        raise SourceError(f"{path}: [analytes] must be a table of code = analyte key")
    mapping: dict[str, str] = {}
    for code, key in table.items():
        if not isinstance(key, str) or key not in BY_KEY:
            raise SourceError(f"{path}: code {code!r} maps to unknown analyte {key!r}")
        mapping[str(code)] = key
    return CodeMap(mapping, str(path))


def codemap_for(source: Path, explicit: Path | None = None) -> CodeMap:
    """The explicit code map, else one named thrombo-codemap.toml inside a dataset folder."""
    if explicit is not None:
        return load_codemap(explicit)
    beside = (source if source.is_dir() else source.parent) / CODEMAP_FILENAME
    return load_codemap(beside) if beside.is_file() else CodeMap()
