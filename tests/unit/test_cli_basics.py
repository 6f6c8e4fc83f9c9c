import subprocess
import sys

from thrombo import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from thrombo.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "version" in out.stdout


def test_version_prints_package_version() -> None:
    out = run("version")
    assert out.returncode == 0
    assert out.stdout.strip() == __version__


def test_unknown_command_is_a_usage_error() -> None:
    out = run("no-such-command")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_every_registered_command_is_in_the_entry_point_map() -> None:
    """The entry point loads one module per command: a command missing from the map would
    be reachable only through `thrombo --help`."""
    from thrombo.cli import COMMAND_MODULES
    from thrombo.cli import commands as _all  # noqa: F401  (registers every command)
    from thrombo.cli.app import app

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups if g.name}
    assert names == set(COMMAND_MODULES)


def test_a_single_command_does_not_load_the_others() -> None:
    code = (
        "import sys; sys.argv = ['thrombo', 'version']; from thrombo.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('thrombo.cli.study' in sys.modules, 'lifelines' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_help_page_summaries_are_each_commands_own_help() -> None:
    """`thrombo --help` lists COMMAND_SUMMARIES without importing the commands: each must be
    the first line of the command's own help, and every command must be there."""
    from thrombo.cli import COMMAND_SUMMARIES
    from thrombo.cli import commands as _all  # noqa: F401  (registers every command)
    from thrombo.cli.app import app

    helps = {}
    for c in app.registered_commands:
        name = c.name or (c.callback.__name__ if c.callback else "")
        helps[name] = c.help or (c.callback.__doc__ if c.callback else "") or ""
    for g in app.registered_groups:
        if g.name:
            helps[g.name] = g.help or (g.typer_instance.info.help if g.typer_instance else "")
    first_lines = {name: " ".join(str(text).strip().split("\n\n")[0].split())
                   for name, text in helps.items()}
    assert first_lines == COMMAND_SUMMARIES


def test_help_and_an_unknown_command_load_no_command_module() -> None:
    """The help page and a mistyped command answer at once: no command module, no scientific
    stack is imported for them."""
    for argv in (["thrombo", "--help"], ["thrombo", "scren"], ["thrombo"]):
        code = (
            f"import sys; sys.argv = {argv!r}; from thrombo.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code)\n"
            "heavy = [m for m in ('thrombo.cli.screen', 'thrombo.cli.study', 'lifelines', "
            "'duckdb', 'pandas', 'sqlalchemy') if m in sys.modules]\n"
            "print('heavy', *heavy)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        assert out.stdout.splitlines()[-1] == "heavy", (argv, out.stdout)
    assert "screen" in run("--help").stdout
    unknown = run("scren")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("thrombo: error: No such command 'scren'. Did you mean "
                                     "'screen'?")
    assert len(unknown.stderr.strip().splitlines()) == 1
