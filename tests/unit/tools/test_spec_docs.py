"""`make docs`: tools/spec_docs.py renders tests/spec/ into one criteria document.

Checked on a small spec module written here (its docstrings, a parameter table with notes and
headings, a test body) and on the real tests/spec folder (every module appears: a count guard).
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_docs", ROOT / "tools" / "spec_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_docs"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


spec_docs = _tool()

SMALL = '''\
"""Platelet thresholds (clinical-reference.md A1)."""

import pytest

ROWS = [
    # below the limit
    (49, "met"),      # < 50
    (50, "not_met"),
]


@pytest.mark.parametrize(("platelets", "expected"), ROWS)
def test_platelets_below_50(platelets: int, expected: str) -> None:
    """Platelets < 50 x10^9/L (A2)."""
    assert outcome(f"40 | platelets | {platelets} | 10*9/L |") == expected


def helper() -> None:
    """Not a test: not in the document."""
'''


def _small(tmp_path: Path) -> Path:
    spec = tmp_path / "spec"
    (spec / "screening").mkdir(parents=True)
    (spec / "screening" / "test_small.py").write_text(SMALL)
    (spec / "screening" / "tables.py").write_text('"""A helper module, not a spec."""\n')
    return spec


def test_a_small_spec_module_renders_its_docstrings_table_and_body(tmp_path: Path) -> None:
    text = spec_docs.render(_small(tmp_path))
    expected = textwrap.dedent('''\
        ## screening/test_small.py

        Platelet thresholds (clinical-reference.md A1).

        ### Platelets below 50

        `test_platelets_below_50`

        Platelets < 50 x10^9/L (A2).

        | platelets | expected | note |
        | --- | --- | --- |
        | **below the limit** | | |
        | `49` | `"met"` | < 50 |
        | `50` | `"not_met"` |  |

        ```python
        assert outcome(f"40 | platelets | {platelets} | 10*9/L |") == expected
        ```
        ''')
    assert expected in text
    assert "helper" not in text and "tables.py" not in text
    assert "from 1 modules of tests/spec/" in text


RECORDS = '''\
from typing import NamedTuple

import pytest


class Case(NamedTuple):
    label: str
    rows: str
    on: int = 40


@pytest.mark.parametrize(("case", "expected"), [
    (Case("ldh 321", "40 | ldh | 321 | U/L | 320"), "met"),
    (Case("ldh 320", "41 | ldh | 320 | U/L | 320", on=41), "not_met"),
])
def test_ldh(case: Case, expected: str) -> None:
    assert outcome(case) == expected
'''


def test_a_column_of_records_is_spread_over_the_fields_its_rows_give(tmp_path: Path) -> None:
    """`Case(label, rows, on=...)` rows: one column per field given, blank where left default."""
    (tmp_path / "test_records.py").write_text(RECORDS)
    text = spec_docs.render(tmp_path)
    assert "| label | rows | on | expected | note |\n" in text
    assert '| `"ldh 321"` | `"40 \\| ldh \\| 321 \\| U/L \\| 320"` |  | `"met"` |  |\n' in text
    shown = '| `"ldh 320"` | `"41 \\| ldh \\| 320 \\| U/L \\| 320"` | `41` | `"not_met"` |  |\n'
    assert shown in text


def test_main_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "criteria.md"
    assert spec_docs.main(["--spec", str(_small(tmp_path)), "--out", str(out)]) == 0
    assert out.read_text().startswith("# thrombo criteria")


def test_every_spec_module_appears_in_the_document() -> None:
    """Count guard: each tests/spec/**/test_*.py has its heading, with at least one test."""
    spec = ROOT / "tests" / "spec"
    modules = sorted(spec.rglob("test_*.py"))
    text = spec_docs.render(spec)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(modules) >= 50 and len(headings) == len(modules)
    for module in modules:
        assert f"## {module.relative_to(spec).as_posix()}\n" in text
    assert text.count("\n### ") >= len(modules)
