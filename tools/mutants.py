"""Mutation testing of the clinical numbers: `make mutants`.

Each numeric literal in a clinical module is changed on its own (integers and whole floats by +1
and -1, other floats by x1.1 and x0.9) and each ordering comparison is flipped (`<` <-> `<=`,
`>` <-> `>=`). For every such mutant the fast tests that import the module (tests/spec and
tests/unit, found from the import graph) are run; a mutant that no test notices "survives" and is
printed, unless tests/mutants-allowed.toml lists it as equivalent, with its reason.

Why not mutmut: mutmut 3 mutates only inside functions (it swaps function bodies through
trampolines), so the module-level constants where this project keeps every clinical threshold are
never mutated; it also mutates strings, calls and arguments, which this check does not want.

How a mutant runs: the parent imports pytest, the third-party libraries and thrombo once, then
forks a child per mutant. The child drops the mutated module, every module that imports it and
every test module, installs an import hook that compiles the mutated syntax tree in place of the
module's file, and runs pytest in-process. The working tree is never written (compiled modules go
to a temporary folder), so others may keep editing it; tests that start a subprocess see the
unmutated code and so cannot kill a mutant (a survivor may be reported that such a test would
have caught).

Usage: tools/mutants.py [MODULE_OR_PATH ...] [--list] [-v] [--max-mutants N] [--json FILE]
                        [--survivors-of FILE] [--ignore TEST_PATH]
Exit status: 0 when no unlisted mutant survives, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.abc
import importlib.util
import json
import os
import signal
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DIRS = ("tests/spec", "tests/unit")
ALLOW_LIST = ROOT / "tests" / "mutants-allowed.toml"
# The clinical modules, in the order the team checks them (issue 25).
DEFAULT_TARGETS = (
    "thrombo/safety",
    "thrombo/physiology",
    "thrombo/rules/tma",
    "thrombo/rules/itp",
    "thrombo/rules",
    "thrombo/response",
    "thrombo/dosing",
)
# A mutant's tests may take this many times the unmutated run, plus a margin, before the
# mutant counts as killed by a timeout (a changed loop bound can make code spin).
TIMEOUT_FACTOR, TIMEOUT_MARGIN_S = 3.0, 60.0
COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
PYCACHE = Path(tempfile.gettempdir()) / "thrombo-mutants-pycache"
# Spark runs the same compiled criteria as DuckDB (the spec's engine fixture runs both), but
# starts a JVM per forked child: its cases are left to DuckDB and the reference evaluator.
SKIP_MARKS = "not spark"
WARM_IMPORTS = ("hypothesis", "fastapi.testclient")
OP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


# --- mutation sites -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mutant:
    path: str  # repository-relative
    module: str
    index: int  # which site, in ast.walk order of a fresh parse
    variant: int  # which change at that site
    line: int
    code: str  # the source line, stripped
    mutation: str  # e.g. "75.0 -> 76.0" or "< -> <="

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Ids of nodes never mutated: annotations and subscript indices (x[-1], row[0])."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        roots: list[ast.AST] = []
        if isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            roots += [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
                      if a.annotation is not None]
            roots += [a.annotation for a in (args.vararg, args.kwarg)
                      if a is not None and a.annotation is not None]
            if node.returns is not None:
                roots.append(node.returns)
        elif isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            roots.append(node.slice)
        for root in roots:
            skip.update(id(n) for n in ast.walk(root))
    return skip


def _number_variants(value: int | float) -> list[int | float]:
    if isinstance(value, int) or float(value).is_integer():
        return [value + 1, value - 1]
    return [round(value * 1.1, 12), round(value * 0.9, 12)]


def _sites(tree: ast.AST) -> Iterator[tuple[int, ast.AST, int | None, list[str]]]:
    """(site index, node, comparison operand position or None, variant labels)."""
    skip = _skipped_nodes(tree)
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            labels = [f"{node.value!r} -> {v!r}" for v in _number_variants(node.value)]
            yield index, node, None, labels
        elif isinstance(node, ast.Compare):
            for pos, op in enumerate(node.ops):
                flipped = COMPARE_FLIPS.get(type(op))
                if flipped is not None:
                    yield index, node, pos, [f"{OP_TEXT[type(op)]} -> {OP_TEXT[flipped]}"]


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").relative_to(ROOT).parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def list_mutants(path: Path) -> list[Mutant]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []
    for index, node, pos, labels in _sites(tree):
        line = getattr(node, "lineno", 0)
        if pos is not None:  # the operator sits with the operand after it
            line = node.comparators[pos].lineno  # type: ignore[attr-defined]
        for variant, label in enumerate(labels):
            found.append(
                Mutant(str(path.relative_to(ROOT)), module_name(path), index,
                       variant if pos is None else pos, line, lines[line - 1].strip(), label)
            )
    return sorted(found, key=lambda m: (m.line, m.index, m.variant))


def mutated_tree(source: str, mutant: Mutant) -> ast.Module:
    tree = ast.parse(source)
    for index, node in enumerate(ast.walk(tree)):
        if index != mutant.index:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            node.value = _number_variants(node.value)[mutant.variant]
        elif isinstance(node, ast.Compare):
            op = node.ops[mutant.variant]
            node.ops[mutant.variant] = COMPARE_FLIPS[type(op)]()
        return tree
    raise LookupError(f"site {mutant.index} vanished from {mutant.path}")


# --- which tests import a module ------------------------------------------------------------------


def _imports(path: Path, package: str, roots: tuple[str, ...] = ("thrombo",)) -> set[str]:
    """The modules under `roots` that `path` imports, anywhere in the file (imports inside
    functions too)."""
    out: set[str] = set()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m.split(".")[0] in roots}


def _test_imports(path: Path, seen: set[Path] | None = None) -> set[str]:
    """The thrombo modules a test file imports, directly or through helpers in the test tree
    (a spec importing `components` from another spec, or `.tables`)."""
    seen = set() if seen is None else seen
    seen.add(path)
    names = _imports(path, module_name(path).rpartition(".")[0], ("thrombo", "tests"))
    out = {m for m in names if m.split(".")[0] == "thrombo"}
    for name in names - out:
        for candidate in (_module_file(name), _module_file(name.rpartition(".")[0])):
            if candidate.is_file() and candidate not in seen:
                out |= _test_imports(candidate, seen)
    return out


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "thrombo").rglob("*.py"):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = _imports(path, package)
    return graph


def _closure(start: set[str], graph: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [m for m in start if m in graph]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        todo += [m for m in graph[mod] if m in graph and m not in seen]
        parent = mod.rpartition(".")[0]  # importing a.b.c runs a/__init__ and a/b/__init__
        if parent in graph and parent not in seen:
            todo.append(parent)
    return seen


def _module_file(name: str) -> Path:
    path = ROOT / name.replace(".", "/")
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def dependents(module: str, graph: dict[str, set[str]]) -> set[str]:
    """The module and every thrombo module that imports it, directly or not. Their cached copies
    must go before a mutant of `module` is imported; the others stay (much faster). Application
    wiring (CLI, API, web) goes whole, so commands and routes are not registered twice."""
    stale = {m for m in graph if module in _closure({m}, graph)} | {module}
    wiring = {".".join(m.split(".")[:2]) for m in stale} & {"thrombo.cli", "thrombo.api",
                                                            "thrombo.web"}
    return stale | {m for m in graph if ".".join(m.split(".")[:2]) in wiring}


def tests_for(module: str, graph: dict[str, set[str]], ignore: Sequence[str] = ()) -> list[str]:
    files = []
    for test_dir in TEST_DIRS:
        for path in sorted((ROOT / test_dir).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if any(relative.startswith(i.rstrip("/") + "/") or relative == i for i in ignore):
                continue
            if module in _closure(_test_imports(path), graph):
                files.append(str(path.relative_to(ROOT)))
    return files


# --- running tests in a forked child --------------------------------------------------------------


class _MutatedLoader(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a mutated syntax tree; every other import is left alone."""

    def __init__(self, name: str, path: Path, tree: ast.Module) -> None:
        self.name, self.path = name, path
        self.code = compile(tree, str(path), "exec")

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=self,
            submodule_search_locations=[str(self.path.parent)]
            if self.path.name == "__init__.py" else None,
        )

    def create_module(self, spec: Any) -> None:
        return None

    def exec_module(self, module: Any) -> None:
        exec(self.code, module.__dict__)


class _Recorder:
    """A pytest plugin: runs the fastest tests first, skips known failures, notes outcomes, and
    (when `watch` names files) which tests call code in those files."""

    def __init__(self, durations: dict[str, float], deselect: set[str],
                 watch: frozenset[str] = frozenset()) -> None:
        self.durations, self.deselect, self.watch = durations, deselect, watch
        self.failed: list[str] = []
        self.collect_errors: list[str] = []
        self.seen: dict[str, float] = {}
        self.touched: set[str] = set()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
        with self._watching(item.nodeid):
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector: Any) -> Iterator[None]:
        """A test module that calls into the module while it is imported (a criteria set built
        at module level, `BMTCTN = criteria_set("bmtctn-2005")`) reaches it for all its tests,
        though no test calls it again."""
        if not isinstance(collector, pytest.Module):
            yield
            return
        with self._watching(collector.nodeid):
            yield

    @contextlib.contextmanager
    def _watching(self, nodeid: str) -> Iterator[None]:
        """Notes `nodeid` as touched if code in a watched file is called meanwhile."""
        if not self.watch:
            yield
            return
        watch, touched = self.watch, self.touched

        def profile(frame: Any, event: str, arg: Any) -> None:
            # A module body run by an import is not a call into the module's code.
            code = frame.f_code
            if event == "call" and code.co_filename in watch and code.co_name != "<module>":
                touched.add(nodeid)
                sys.setprofile(None)

        threading.setprofile(profile)  # TestClient runs the app in a thread of its own
        sys.setprofile(profile)
        try:
            yield
        finally:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        kept = [i for i in items if i.nodeid not in self.deselect]
        dropped = [i for i in items if i.nodeid in self.deselect]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        kept.sort(key=lambda i: self.durations.get(i.nodeid, 0.0))
        items[:] = kept

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.seen[report.nodeid] = self.seen.get(report.nodeid, 0.0) + report.duration
        if report.failed:
            self.failed.append(report.nodeid)

    def pytest_collectreport(self, report: Any) -> None:
        # A test file that cannot be imported says nothing about the mutant (a tree edited
        # while the run goes on, a missing extra): kept apart from the failing tests.
        if report.failed:
            self.collect_errors.append(report.nodeid)


def _forget(stale: set[str]) -> None:
    """Drop the stale modules and every test module, and their attributes on their packages
    (`from thrombo.safety import ctcae` would otherwise find the old module there)."""
    for name in [m for m in sys.modules if m in stale or m.split(".")[0] == "tests"]:
        del sys.modules[name]
        package, _, attr = name.rpartition(".")
        if package in sys.modules and hasattr(sys.modules[package], attr):
            delattr(sys.modules[package], attr)


def _child(tests: list[str], mutant_tree: tuple[str, Path, ast.Module] | None,
           stale: set[str], durations: dict[str, float], deselect: set[str], stop_first: bool,
           watch: frozenset[str], result_fd: int) -> None:
    _forget(stale)
    if mutant_tree is not None:
        sys.meta_path.insert(0, _MutatedLoader(*mutant_tree))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    recorder = _Recorder(durations, deselect, watch)
    # A test file that cannot be imported (another change half made) costs its own tests only.
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-W", "ignore",
            "--continue-on-collection-errors", "-m", SKIP_MARKS, *tests]
    if stop_first:
        args.insert(0, "-x")
    code = int(pytest.main(args, plugins=[recorder]))
    payload = {"code": code, "failed": recorder.failed, "durations": recorder.seen,
               "collect_errors": recorder.collect_errors,
               "touched": sorted(recorder.touched)}
    os.write(result_fd, json.dumps(payload).encode())
    os.close(result_fd)
    os._exit(0)


def _wait(pid: int, read_fd: int, chunks: list[bytes], deadline: float) -> int | None:
    """The child's exit status, reading its report meanwhile; None (child and its process
    group killed) past the deadline."""
    while True:
        try:
            while chunk := os.read(read_fd, 65536):
                chunks.append(chunk)
        except BlockingIOError:
            pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.05)


def run_forked(tests: list[str], mutant_tree: tuple[str, Path, ast.Module] | None,
               stale: set[str], durations: dict[str, float], deselect: set[str], stop_first: bool,
               timeout_s: float, watch: frozenset[str] = frozenset()) -> dict[str, Any]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)  # a group of its own: a timeout kills what the tests started too
        os.close(read_fd)
        try:
            _child(tests, mutant_tree, stale, durations, deselect, stop_first, watch, write_fd)
        finally:
            os._exit(3)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    chunks: list[bytes] = []
    try:
        status = _wait(pid, read_fd, chunks, time.monotonic() + timeout_s)
    except BaseException:  # interrupted: the child's group goes too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        raise
    if status is None:
        os.close(read_fd)
        return {"code": "timeout", "failed": [], "durations": {}}
    try:
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)
    except BlockingIOError:
        pass
    os.close(read_fd)
    if not chunks:
        return {"code": f"crash (status {status})", "failed": [], "durations": {}}
    result: dict[str, Any] = json.loads(b"".join(chunks))
    return result


# --- allow-list and reporting ---------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    module: str
    mutants: int = 0
    killed: int = 0
    timeouts: int = 0  # counted among the killed
    survivors: list[Mutant] = field(default_factory=list)
    allowed: list[Mutant] = field(default_factory=list)
    # Runs that named no failing test yet did not pass (a test file that could not be
    # collected, pytest interrupted): neither killed nor survived, to be run again.
    unsure: list[Mutant] = field(default_factory=list)
    note: str = ""


def load_allowed(path: Path = ALLOW_LIST) -> list[dict[str, str]]:
    if not path.exists():
        return []
    entries: list[dict[str, str]] = tomllib.loads(path.read_text(encoding="utf-8")).get(
        "allowed", [])
    for entry in entries:
        missing = {"file", "code", "mutation", "reason"} - entry.keys()
        if missing:
            raise SystemExit(f"{path}: an allowed mutant lacks {sorted(missing)}: {entry}")
    return entries


def is_allowed(mutant: Mutant, allowed: Sequence[dict[str, str]]) -> bool:
    return any(
        a["file"] == mutant.path and a["code"] == mutant.code and a["mutation"] == mutant.mutation
        for a in allowed
    )


def target_files(targets: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        path = ROOT / target
        if path.is_dir():  # a package's own modules; subpackages are targets of their own
            found = sorted(p for p in path.glob("*.py") if p.name != "__init__.py")
        elif path.suffix == ".py":
            found = [path]
        else:
            found = [ROOT / (target.replace(".", "/") + ".py")]
        files += [f for f in found if f not in files]
    return files


def previous_survivors(path: Path) -> set[tuple[str, str, str]]:
    """(file, code, mutation) of each survivor in an earlier --json report."""
    reports = json.loads(path.read_text(encoding="utf-8"))
    return {
        (r["module"], s["code"], s["mutation"]) for r in reports for s in r["survivors"]
    }


def _reaching(base: dict[str, Any]) -> set[str]:
    """The tests that reach the module: touched while they ran, or in a test file whose import
    touched it (a touched node id without "::" is a test file)."""
    touched = set(base["touched"])
    files = {t for t in touched if "::" not in t}
    return {t for t in base["durations"] if t in touched or t.split("::")[0] in files}


def check_module(path: Path, graph: dict[str, set[str]], allowed: Sequence[dict[str, str]],
                 max_mutants: int | None, verbose: bool = False,
                 only: set[tuple[str, str, str]] | None = None,
                 ignore: Sequence[str] = ()) -> Report:
    name = module_name(path)
    report = Report(str(path.relative_to(ROOT)))
    mutants = list_mutants(path)[:max_mutants]
    if only is not None:
        mutants = [m for m in mutants if (m.path, m.code, m.mutation) in only]
    if not mutants:
        return report
    tests = tests_for(name, graph, ignore)
    if not tests:
        report.note = "no fast test imports this module"
        report.mutants, report.survivors = len(mutants), mutants
        return report
    stale = dependents(name, graph)
    start = time.monotonic()
    # Which tests reach the module: a call into it or into a module that imports it directly
    # (a constant may be read there). Only those run against its mutants.
    watch = frozenset(str(_module_file(m)) for m in graph if name in graph[m] or m == name)
    base = run_forked(tests, None, stale, {}, set(), False, 3600.0, watch)
    base_s = time.monotonic() - start
    deselect = set(base["failed"]) | (set(base["durations"]) - _reaching(base))
    if base["code"] not in (0, 1):
        report.note = f"unmutated tests did not run (pytest exit {base['code']})"
        return report
    if base["failed"]:
        report.note = f"{len(base['failed'])} test(s) failing without any mutant were left out"
    durations = base["durations"]
    source = path.read_text(encoding="utf-8")
    timeout = base_s * TIMEOUT_FACTOR + TIMEOUT_MARGIN_S
    if verbose:
        print(f"  {len(tests)} test files, {len(durations)} tests ({len(_reaching(base))} reach "
              f"the module), {base_s:.1f} s unmutated", flush=True)
    for mutant in mutants:
        tree = mutated_tree(source, mutant)
        result = run_forked(tests, (name, path, tree), stale, durations, deselect, True, timeout)
        report.mutants += 1
        if result["code"] in (0, 5):  # all passed, or nothing ran
            (report.allowed if is_allowed(mutant, allowed) else report.survivors).append(mutant)
        elif is_kill(result):
            report.killed += 1
            report.timeouts += result["code"] == "timeout"
        else:
            report.unsure.append(mutant)
        if verbose:
            print(f"  {mutant.where} {mutant.mutation}: {result['code']} "
                  f"{(result['failed'] or [''])[0]}", flush=True)
    return report


def is_kill(result: dict[str, Any]) -> bool:
    """A mutant is killed by a failing test, a timeout or a crash of the run; a run that failed
    with no test named (only collection errors, or pytest stopped) proves nothing."""
    return bool(result["failed"]) or not isinstance(result["code"], int)


def write_json(path: Path, reports: Sequence[Report]) -> None:
    path.write_text(json.dumps([
        {"module": r.module, "mutants": r.mutants, "killed": r.killed, "timeouts": r.timeouts,
         "note": r.note,
         "survivors": [{"where": m.where, "mutation": m.mutation, "code": m.code}
                       for m in r.survivors],
         "unsure": [{"where": m.where, "mutation": m.mutation, "code": m.code}
                    for m in r.unsure],
         "allowed": len(r.allowed)} for r in reports], indent=1), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=list(DEFAULT_TARGETS),
                        help="packages, files or dotted modules (default: the clinical modules)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--max-mutants", type=int, default=None, help="per module (for a try)")
    parser.add_argument("-v", "--verbose", action="store_true", help="each mutant's outcome")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    parser.add_argument("--ignore", action="append", default=[], metavar="TEST_PATH",
                        help="leave these test files or folders out (e.g. to measure a 'before')")
    parser.add_argument("--survivors-of", type=Path, default=None, metavar="JSON",
                        help="rerun only the survivors of an earlier --json report")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    files = target_files(args.targets)
    if args.list:
        for path in files:
            for m in list_mutants(path):
                print(f"{m.where}  {m.mutation:<24} {m.code}")
        return 0
    # Compiled modules are cached outside the tree (children re-import many of them), even
    # where the environment asks for no bytecode.
    sys.pycache_prefix = str(PYCACHE)
    sys.dont_write_bytecode = False
    for name in WARM_IMPORTS:  # imported once here, shared by every forked child
        importlib.import_module(name)
    graph = import_graph()
    for name in sorted(graph):  # each child re-imports only the mutated module's dependents
        with contextlib.suppress(Exception):  # an optional extra (Spark, browser) may be missing
            importlib.import_module(name)
    allowed = load_allowed()
    reports: list[Report] = []
    for path in files:
        started = time.monotonic()
        only = None if args.survivors_of is None else previous_survivors(args.survivors_of)
        report = check_module(path, graph, allowed, args.max_mutants, args.verbose, only,
                              args.ignore)
        reports.append(report)
        took = time.monotonic() - started
        print(f"{report.module}: {report.mutants} mutants, {report.killed} killed "
              f"({report.timeouts} by a timeout), "
              f"{len(report.survivors)} survived, {len(report.allowed)} allowed "
              f"({took:.0f} s){'; ' + report.note if report.note else ''}", flush=True)
        for m in report.survivors:
            print(f"  SURVIVED {m.where}  {m.mutation:<24} {m.code}", flush=True)
        for m in report.unsure:
            print(f"  UNSURE (no test named; run again) {m.where}  {m.mutation:<24} {m.code}",
                  flush=True)
        if args.json:  # after each module, so a long run can be read while it goes on
            write_json(args.json, reports)
    total = sum(len(r.survivors) for r in reports)
    unsure = sum(len(r.unsure) for r in reports)
    print(f"total: {sum(r.mutants for r in reports)} mutants, {total} survived "
          f"(not in {ALLOW_LIST.relative_to(ROOT)}), {unsure} unsure")
    return 1 if total or unsure else 0


if __name__ == "__main__":
    sys.exit(main())
