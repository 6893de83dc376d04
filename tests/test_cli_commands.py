"""Each command's arguments sit beside its handler; only user errors become one-line messages."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from zoo.cli import main
from zoo.cli.commands import COMMANDS, build_parser
from zoo.errors import ZooError


def test_every_command_module_declares_its_arguments_and_handler():
    listed = build_parser().format_help()
    for name, module in COMMANDS.items():
        assert module.NAME == name and module.HELP
        assert callable(module.add_arguments) and callable(module.run)
        assert re.search(rf"^    {re.escape(name)}\s", listed, re.MULTILINE)


def test_a_zoo_error_is_one_line_with_exit_2(monkeypatch, capsys):
    def refuse(args):
        raise ZooError("the thing you asked for is not there")

    monkeypatch.setattr(COMMANDS["list"], "run", refuse)
    assert main(["list"]) == 2
    assert capsys.readouterr().err == "zoo list: error: the thing you asked for is not there\n"


def test_an_os_error_names_the_file(monkeypatch, capsys):
    def refuse(args):
        raise PermissionError(13, "Permission denied", "/somewhere/file")

    monkeypatch.setattr(COMMANDS["list"], "run", refuse)
    assert main(["list"]) == 2
    assert capsys.readouterr().err == "zoo list: error: /somewhere/file: Permission denied\n"


@pytest.mark.parametrize("bug", [ValueError("a bug"), TypeError("another bug"), KeyError("x")])
def test_a_bug_keeps_its_traceback(monkeypatch, bug):
    def broken(args):
        raise bug

    monkeypatch.setattr(COMMANDS["list"], "run", broken)
    with pytest.raises(type(bug)):
        main(["list"])


def test_a_bug_in_a_subprocess_prints_the_traceback(tmp_path):
    script = (
        "import sys, zoo.cli.commands as c\n"
        "def broken(args): raise ValueError('a bug in the code')\n"
        "c.COMMANDS['list'].run = broken\n"
        "sys.exit(c.main(['list']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ValueError: a bug in the code" in result.stderr


@pytest.mark.parametrize("argv, message", [
    (["interpolate", "vae-mnist", "--steps", "1"], "expected a whole number of at least 2, got 1"),
    (["sample", "cdcgan-mnist", "--labels", "three"], "expected class numbers such as 0-9 or 3,3,7"),
    (["sample", "infogan-mnist", "--sweep", "style"], "expected categorical, continuous or continuous:K"),
])
def test_bad_arguments_are_refused_by_the_parser(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_zoo_help_says_where_data_is_looked_for_and_lists_the_datasets(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--data DIR, else $ZOO_DATA, else ./data, then ~/.cache/generative-zoo/data" in out
    for dataset in ("mnist", "fashion-mnist", "crosses"):
        assert f"\n  {dataset} " in out
