"""Hostile and damaged files: a clean import, or one clear line on stderr and exit 2.

Never a traceback. Each case is run through the real command line, as a user would meet it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.reliability.commands import import_args

PATIENTS = "patient_id,birth_date,sex\nP1,2015-01-01,F\n"
OBSERVATIONS = "patient_id,time,code,value,unit\nP1,2026-02-01,platelets,45,10*9/L\n"


def thrombo_import(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(import_args(path, f"sqlite:///{tmp_path / 'store.db'}"),
                          capture_output=True, text=True, check=False)


def _folder(tmp_path: Path, patients: bytes, observations: bytes | None = None) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "patients.csv").write_bytes(patients)
    if observations is not None:
        (folder / "observations.csv").write_bytes(observations)
    return folder


def _one_clear_line(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in out.stderr


def _clean(out: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    for source in document["sources"]:
        assert source["records"] == (
            source["stored"] + source["duplicates"] + source["skipped"] + source["quarantined"]
        )
    return document


def test_missing_file(tmp_path: Path) -> None:
    _one_clear_line(thrombo_import(tmp_path / "nothing.json", tmp_path), "no such file")


def test_empty_patients_file(tmp_path: Path) -> None:
    _one_clear_line(thrombo_import(_folder(tmp_path, b""), tmp_path), "empty file")


def test_empty_json_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    _one_clear_line(thrombo_import(path, tmp_path))


def test_truncated_bundle(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {')
    _one_clear_line(thrombo_import(path, tmp_path))


def test_binary_junk_as_json_and_as_ndjson(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 40
    for name in ("junk.json", "junk.ndjson"):
        path = tmp_path / name
        path.write_bytes(junk)
        _one_clear_line(thrombo_import(path, tmp_path))


def test_binary_junk_as_csv(tmp_path: Path) -> None:
    _one_clear_line(thrombo_import(_folder(tmp_path, bytes(range(256)) * 10), tmp_path))


def test_latin1_text_is_refused_with_the_reason(tmp_path: Path) -> None:
    latin1 = "patient_id,birth_date,sex,center\nP1,2015-01-01,F,Hôpital Sud\n".encode("latin-1")
    _one_clear_line(thrombo_import(_folder(tmp_path, latin1), tmp_path), "UTF-8")


def test_bom_and_crlf_load_cleanly(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf" + PATIENTS.replace("\n", "\r\n").encode()
    folder = _folder(tmp_path, bom, OBSERVATIONS.replace("\n", "\r\n").encode())
    document = _clean(thrombo_import(folder, tmp_path))
    assert document["sources"][0]["stored"] == 2  # type: ignore[index]
    assert document["quarantine"] == []


def test_damaged_ndjson_keeps_the_good_lines(tmp_path: Path) -> None:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "2016-01-01"}
    lines = [
        json.dumps(patient),
        '{"resourceType": "Observation", "id": ',
        "\x00\x01garbage",
        json.dumps({"resourceType": "Encounter", "id": "e1"}),
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines) + "\n")
    document = _clean(thrombo_import(path, tmp_path))
    (source,) = document["sources"]  # type: ignore[misc]
    assert (source["records"], source["stored"], source["skipped"], source["quarantined"]) == (
        4,
        1,
        1,
        2,
    )
    assert {q["location"] for q in document["quarantine"]} == {"line 2", "line 3"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("header", ["patient_id,sex\n", "id,birth_date\n"])
def test_missing_required_column(tmp_path: Path, header: str) -> None:
    _one_clear_line(thrombo_import(_folder(tmp_path, header.encode()), tmp_path), "column")
