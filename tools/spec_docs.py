"""The criteria document: `make docs` renders tests/spec/ into docs/criteria.md.

The spec tests are the project's criteria written so a clinician can check them: each says what
it checks and its source in its docstring, gives its inputs (pipe tables, parameter rows) and the
answer it expects. This reads them as text (Python's `ast`, nothing is imported or run, so it
takes a second) and writes one Markdown document: per chapter (a tests/spec folder) and module,
the module's docstring, then per test its name in words, its docstring, its parameter rows as a
table (each row's trailing comment as a note, comment lines between rows as headings) and the
test's body, which holds the inputs and the expected answer.

docs/criteria.md is built on demand and not committed (so it never goes stale beside the tests).
Usage: tools/spec_docs.py [--spec tests/spec] [--out docs/criteria.md]
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def spec_modules(spec: Path) -> list[Path]:
    """Every spec test module, in reading order (folder, then file name)."""
    return sorted(spec.rglob("test_*.py"), key=lambda p: p.relative_to(spec).parts)


@dataclass(frozen=True)
class Source:
    """One module's text, its syntax tree, its comments by line and its module-level names."""

    text: str
    tree: ast.Module
    comments: dict[int, str]
    names: dict[str, ast.expr]
    records: dict[str, list[str]]
    """NamedTuple classes of the module and their fields, in order (a row's `Case(...)`)."""

    @classmethod
    def read(cls, path: Path) -> Source:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        comments = {tok.start[0]: tok.string.lstrip("#").strip()
                    for tok in tokenize.generate_tokens(io.StringIO(text).readline)
                    if tok.type == tokenize.COMMENT}
        names: dict[str, ast.expr] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name):
                names[target.id] = value
        return cls(text, tree, comments, names, _records(tree))

    def code(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.unparse(node)


def _records(tree: ast.Module) -> dict[str, list[str]]:
    return {node.name: [f.target.id for f in node.body
                        if isinstance(f, ast.AnnAssign) and isinstance(f.target, ast.Name)]
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            and any(ast.unparse(b).endswith("NamedTuple") for b in node.bases)}


def cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code_cell(text: str) -> str:
    """A value as code, so `10*9/L` or `<10` is shown as written, not read as Markdown."""
    return "`" + cell(text).replace("`", "'") + "`"


def words(test_name: str) -> str:
    """`test_ldh_above_the_uln` -> `LDH above the ULN`-like heading: the name in words."""
    text = test_name.removeprefix("test_").replace("_", " ")
    return text[:1].upper() + text[1:]


def _is_parametrize(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "parametrize"


def _arg_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, ast.Tuple | ast.List):
        return [str(e.value) for e in node.elts if isinstance(e, ast.Constant)]
    return [ast.unparse(node)]


def _row(src: Source, element: ast.expr, width: int) -> tuple[list[ast.expr], str]:
    """One parameter row's values and its note (a `pytest.param` id or the row's comment)."""
    if (isinstance(element, ast.Call) and isinstance(element.func, ast.Attribute)
            and element.func.attr == "param"):
        note = next((src.code(k.value) for k in element.keywords if k.arg == "id"), "")
        return list(element.args), note
    if width > 1 and isinstance(element, ast.Tuple) and len(element.elts) == width:
        return list(element.elts), ""
    return [element], ""


def _record_args(src: Source, node: ast.expr | None) -> dict[str, str] | None:
    """A row value built by a record of the module (`Case("ldh 319", H, ...)`): field -> text."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in src.records):
        return None
    fields = src.records[node.func.id]
    args = {f: src.code(a) for f, a in zip(fields, node.args, strict=False)}
    return args | {k.arg: src.code(k.value) for k in node.keywords if k.arg}


def _columns(src: Source, names: list[str],
             rows: list[list[ast.expr]]) -> tuple[list[str], list[list[str]]]:
    """Header and cells; a column of records is spread over the fields the rows give."""
    header: list[str] = []
    table: list[list[str]] = [[] for _ in rows]
    for j, name in enumerate(names):
        column = [r[j] if j < len(r) else None for r in rows]
        records = [_record_args(src, n) for n in column]
        if all(r is not None for r in records) and isinstance(column[0], ast.Call) \
                and isinstance(column[0].func, ast.Name):
            given = [r for r in records if r is not None]
            used = [f for f in src.records[column[0].func.id] if any(f in r for r in given)]
            header += used
            for cells, r in zip(table, given, strict=True):
                cells += [code_cell(r[f]) if f in r else "" for f in used]
        else:
            header.append(name)
            for cells, n in zip(table, column, strict=True):
                cells.append("" if n is None else code_cell(src.code(n)))
    return header, table


def param_table(src: Source, decorator: ast.Call) -> str:
    """A parametrize mark as a Markdown table: one column per argument, plus notes."""
    names = _arg_names(decorator.args[0])
    rows = decorator.args[1] if len(decorator.args) > 1 else None
    rows = next((k.value for k in decorator.keywords if k.arg == "argvalues"), rows)
    if isinstance(rows, ast.Name) and rows.id in src.names:
        rows = src.names[rows.id]
    if not isinstance(rows, ast.List | ast.Tuple):
        return f"Parameters {', '.join(names)}: `{src.code(rows) if rows else '?'}`\n"
    headings: dict[int, list[str]] = {}  # row index -> comment lines before it
    values, notes = [], []
    last_line = rows.lineno
    ends = [e.end_lineno or e.lineno for e in rows.elts]
    lines = src.text.splitlines()
    for i, element in enumerate(rows.elts):
        headings[i] = [src.comments[n] for n in range(last_line + 1, element.lineno)
                       if n in src.comments and lines[n - 1].strip().startswith("#")]
        row, note = _row(src, element, len(names))
        if not note and ends[i] in src.comments and ends[i + 1:i + 2] != [ends[i]]:
            note = src.comments[ends[i]]
        values.append(row)
        notes.append(note)
        last_line = ends[i]
    header, table = _columns(src, names, values)
    out = ["| " + " | ".join(header) + " | note |", "|" + " --- |" * (len(header) + 1)]
    for i, cells in enumerate(table):
        out += [f"| **{cell(h)}** |" + " |" * len(header) for h in headings[i]]
        out.append("| " + " | ".join(cells) + f" | {cell(notes[i])} |")
    return "\n".join(out) + "\n"


def body_code(src: Source, fn: ast.FunctionDef) -> str:
    """The test's statements after its docstring: the inputs and the answer it expects."""
    body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
    if not body:
        return ""
    lines = src.text.splitlines()[body[0].lineno - 1:fn.end_lineno]
    return textwrap.dedent("\n".join(lines)).strip()


def render_test(src: Source, fn: ast.FunctionDef) -> str:
    parts = [f"### {words(fn.name)}\n", f"`{fn.name}`\n"]
    doc = ast.get_docstring(fn)
    if doc:
        parts.append(doc + "\n")
    for decorator in fn.decorator_list:
        if isinstance(decorator, ast.Call) and _is_parametrize(decorator):
            parts.append(param_table(src, decorator))
        else:
            parts.append(f"Marked: `@{src.code(decorator)}`\n")
    code = body_code(src, fn)
    if code:
        parts.append(f"```python\n{code}\n```\n")
    return "\n".join(parts)


def render_module(path: Path, spec: Path) -> str:
    src = Source.read(path)
    name = path.relative_to(spec).as_posix()
    parts = [f"## {name}\n"]
    doc = ast.get_docstring(src.tree)
    if doc:
        parts.append(doc + "\n")
    tests = [n for n in src.tree.body
             if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    parts.extend(render_test(src, fn) for fn in tests)
    if not tests:
        parts.append("(No test functions: its cases are generated; read the module.)\n")
    return "\n".join(parts)


def render(spec: Path) -> str:
    """The whole criteria document for the spec folder."""
    modules = spec_modules(spec)
    out = ["# thrombo criteria, as the spec tests state them\n",
           f"Generated by `make docs` (tools/spec_docs.py) from {len(modules)} modules of "
           "tests/spec/; do not edit by hand. Each test gives its inputs, the answer it expects "
           "and its source; `pytest tests/spec` checks every one of them.\n"]
    out += [f"- [{m.relative_to(spec).as_posix()}](#{_anchor(m, spec)})" for m in modules]
    out.append("")
    out += [render_module(m, spec) for m in modules]
    return "\n".join(out)


def _anchor(path: Path, spec: Path) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped (`/` and `.` removed)."""
    text = path.relative_to(spec).as_posix().lower()
    return "".join(c for c in text if c.isalnum() or c in "-_ ").replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "tests" / "spec")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "criteria.md")
    args = parser.parse_args(argv)
    text = render(args.spec)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(spec_modules(args.spec))} spec modules, {len(text):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
