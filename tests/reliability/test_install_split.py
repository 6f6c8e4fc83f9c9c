"""`make install` is the service's runtime only; test, Spark and browser tools come with `make dev`.

A server installed with `make install` should not carry pytest, hypothesis, PySpark or Playwright
(more code to patch and audit, none of it used by the service), and the build backend is pinned so
two installs of the same commit build the same way.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_ONLY = {"pytest", "hypothesis", "ruff", "mypy", "import-linter", "pytest-xdist",
            "schemathesis", "pyspark", "playwright"}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower()


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _recipe(target: str) -> str:
    """The recipe lines of one Makefile rule (the tab-indented lines after `target:`)."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        body.append(line)
    return "\n".join(body)


def test_runtime_dependencies_hold_no_development_tool() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    runtime = {_name(r) for r in project["dependencies"]}
    assert runtime & DEV_ONLY == set()


def test_make_install_installs_the_runtime_and_the_database_extra_only() -> None:
    recipe = _recipe("$(STAMP)")
    extras = re.findall(r"-e '\.\[([^\]]*)\]'", recipe)
    assert extras == ["postgres"]


def test_make_dev_adds_the_tools_and_test_depends_on_it() -> None:
    assert "dev,spark,browser" in _recipe("$(DEV_STAMP)")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lint: \$\(DEV_STAMP\)", makefile, re.M)
    assert re.search(r"^test: lint", makefile, re.M)


def test_build_backend_is_pinned_to_exact_versions() -> None:
    requires = _pyproject()["build-system"]["requires"]  # type: ignore[index]
    assert requires and all("==" in r for r in requires)
    assert any(_name(r) == "setuptools" for r in requires)
