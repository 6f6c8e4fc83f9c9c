"""`thrombo users add|list|disable`: the service's accounts, managed on the store directly.

For the first administrator (before anyone can sign in to the API) and for scripted setups.
Passwords are read from standard input or a hidden prompt, never from the command line, where
they would land in the shell history and the process list. Every change is audited.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from thrombo.cli.app import app
from thrombo.cli.importing import DbOption
from thrombo.cli.output import print_json, stdout
from thrombo.errors import ThromboUserError
from thrombo.store import audit
from thrombo.store.sql import Store, default_url
from thrombo.store.throttle import unlock
from thrombo.store.users import ROLES, User, create_user, disable_user, list_users

users_app = typer.Typer(help="Accounts of the web service and REST API.", no_args_is_help=True)
app.add_typer(users_app, name="users")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _user_json(user: User) -> dict[str, object]:
    return {"username": user.username, "role": user.role, "centre": user.centre,
            "active": user.active}


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ThromboUserError("the two passwords differ")
    return first


@users_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    centre: Annotated[str | None, typer.Option(
        "--centre", help="The clinician's centre (as in the data's centre column).")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input.")]
    = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an account (the password is asked for, or read with --password-stdin)."""
    store = Store.open(db or default_url())
    password = _read_password(password_stdin)
    with store.engine.begin() as conn:
        user = create_user(conn, username, password, role, centre)
        audit.record(conn, _actor(), "user-created",
                     {"username": user.username, "role": user.role, "centre": user.centre})
    _show(user, as_json, "created")


@users_app.command("list")
def list_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every account with its role, centre and whether it may sign in."""
    with Store.open(db or default_url()).engine.connect() as conn:
        found = list_users(conn)
    if as_json:
        print_json({"users": [_user_json(u) for u in found]})
        return
    if not found:
        stdout.print("no accounts yet: add one with thrombo users add NAME --role ROLE")
    for user in found:
        state = "active" if user.active else "disabled"
        stdout.print(f"{user.username}\t{user.role}\t{user.centre or '-'}\t{state}")


@users_app.command("disable")
def disable_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stop an account signing in and end its open sessions (its audit entries stay)."""
    with Store.open(db or default_url()).engine.begin() as conn:
        user = disable_user(conn, username)
        audit.record(conn, _actor(), "user-disabled", {"username": user.username})
    _show(user, as_json, "disabled")


@users_app.command("unlock")
def unlock_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    db: DbOption = None,
) -> None:
    """Lift the sign-in back-off of an account after failed attempts (it ends by itself within
    15 minutes anyway)."""
    with Store.open(db or default_url()).engine.begin() as conn:
        lifted = unlock(conn, username)
        audit.record(conn, _actor(), "user-unlocked", {"username": username})
    stdout.print(f"sign-in back-off of {username} lifted ({lifted} counts cleared)")


def _show(user: User, as_json: bool, done: str) -> None:
    if as_json:
        print_json(_user_json(user))
    else:
        stdout.print(f"user {user.username} ({user.role}"
                     f"{', ' + user.centre if user.centre else ''}) {done}")
