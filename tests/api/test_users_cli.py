"""`thrombo users add|list|disable` against a real store, then sign-in through the service."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import thrombo.cli.users  # noqa: F401  (registers the users sub-app until commands.py does)
from tests.api.conftest import settings_for
from thrombo.api.main import create_app
from thrombo.cli.app import app
from thrombo.errors import ThromboUserError
from thrombo.store.audit import verify_chain
from thrombo.store.sql import Store

PASSWORD = "a long enough passphrase"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _refusal(*args: str, stdin: str | None = None) -> str:
    """The user error the command raises (`thrombo.cli.main` prints it as one line, exit 2)."""
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert isinstance(result.exception, ThromboUserError), result.exception
    return str(result.exception)


def test_add_list_disable_and_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    code, out, _ = _run("users", "add", "ward7", "--role", "clinician", "--centre", "C01",
                        "--password-stdin", "--db", url, "--json", stdin=PASSWORD + "\n")
    assert code == 0, out
    assert orjson.loads(out) == {"username": "ward7", "role": "clinician", "centre": "C01",
                                 "active": True}
    client = TestClient(create_app(settings_for(url)))
    signed_in = client.post("/api/v1/auth/token",
                            json={"username": "ward7", "password": PASSWORD})
    assert signed_in.status_code == 200
    token = signed_in.json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"username": "ward7", "role": "clinician", "centre": "C01"}

    code, out, _ = _run("users", "disable", "ward7", "--db", url, "--json")
    assert code == 0
    assert orjson.loads(out)["active"] is False
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401, "disabling ends the open session"
    again = client.post("/api/v1/auth/token", json={"username": "ward7", "password": PASSWORD})
    assert again.status_code == 401

    code, out, _ = _run("users", "list", "--db", url, "--json")
    assert orjson.loads(out)["users"] == [{"username": "ward7", "role": "clinician",
                                           "centre": "C01", "active": False}]
    with Store.open(url).engine.connect() as conn:
        assert verify_chain(conn).ok
        actions = [r.action for r in conn.exec_driver_sql("SELECT action FROM audit ORDER BY id")]
    assert [a for a in actions if a.startswith("user-")] == ["user-created", "user-disabled"]
    assert actions[-1] == "sign-in-failed"


def test_refusals_are_one_line_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    assert "at least 12 characters" in _refusal(
        "users", "add", "x", "--role", "clinician", "--centre", "C01", "--password-stdin",
        "--db", url, stdin="short\n")
    assert "needs a centre" in _refusal("users", "add", "x", "--role", "clinician",
                                        "--password-stdin", "--db", url, stdin=PASSWORD + "\n")
    assert "unknown role" in _refusal("users", "add", "x", "--role", "nurse",
                                      "--password-stdin", "--db", url, stdin=PASSWORD + "\n")
    assert "no user 'nobody'" in _refusal("users", "disable", "nobody", "--db", url)


def test_password_policy_and_user_names(tmp_path: Path) -> None:
    """NIST SP 800-63B 5.1.1.2: common, repetitive or sequential passwords and the user's own
    name are refused; names are stored in one spelling (NFKC, trimmed, lower case) and
    look-alike characters are refused; a centre name holds no direction override."""
    import pytest

    from thrombo.store.users import UserError, create_user, get_user

    store = Store.open(f"sqlite:///{tmp_path / 'policy.db'}")
    with store.engine.begin() as conn:
        for weak in ("Password1234", "aaaaaaaaaaaaaa", "abcdefghijklmn", "xx-ward7-xxxxxx"):
            with pytest.raises(UserError):
                create_user(conn, "ward7", weak, "researcher")
        user = create_user(conn, "  Ward7 ", PASSWORD, "researcher")
        assert user.username == "ward7"
        assert get_user(conn, "WARD7") == user
        with pytest.raises(UserError, match="exists"):
            create_user(conn, "ward7", PASSWORD, "researcher")
        with pytest.raises(UserError, match="letters"):
            create_user(conn, "w\u0430rd7", PASSWORD, "researcher")  # Cyrillic a
        with pytest.raises(UserError, match="centre"):
            create_user(conn, "ward8", PASSWORD, "clinician", "C01\u202e")


def test_list_with_no_accounts_says_so(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    status, out, _ = _run("users", "list", "--db", db)
    assert status == 0
    assert out.strip() == "no accounts yet: add one with thrombo users add NAME --role ROLE"
    status, out, _ = _run("users", "list", "--db", db, "--json")
    assert (status, json.loads(out)) == (0, {"users": []})
