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

from thrombo.errors import SourceError
from thrombo.normalize.analytes import BY_KEY

CODEMAP_FILENAME = "thrombo-codemap.toml"


@dataclass(frozen=True)
class CodeMap:
    analytes: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    def analyte_for(self, code: str, system: str | None = None) -> str | None:
        if system is not None:
            hit = self.analytes.get(f"{system}|{code}")
            if hit is not None:
                return hit
        return self.analytes.get(code)


def load_codemap(path: Path) -> CodeMap:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: code map cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: code map is not valid TOML ({exc})") from exc
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
