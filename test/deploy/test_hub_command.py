"""`npm run hub`'s refusals (scripts/hub.mjs): each names the fix, and none starts anything.

The hub itself, with students, is test/hub (`npm run test:hub`, root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def hub(*arguments: str, user: str | None = None) -> subprocess.CompletedProcess:
    command = ["node", str(ROOT / "scripts" / "hub.mjs"), *arguments]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root to run as another account")
def test_without_root_it_says_that_accounts_need_root_and_what_to_run_instead() -> None:
    result = hub(user="nobody")
    assert result.returncode == 2
    assert "needs root" in result.stderr and "sudo npm run hub" in result.stderr and "npm run lab" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="the options are read after the root check")
@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        (["--port", "0"], "give a free TCP port"),
        (["--port", "http"], "give a free TCP port"),
        (["--max-memory", "lots"], "give bytes or a size such as 3G"),
        (["--lang", "fr"], "use --lang en or --lang ko"),
        (["--students", "30"], "unknown option --students"),
    ],
)
def test_a_bad_option_is_refused_with_the_fix(arguments: list[str], names: str) -> None:
    result = hub(*arguments)
    assert result.returncode == 2, result.stdout + result.stderr
    assert names in result.stderr
    assert "JupyterHub is now running" not in result.stdout


def test_help_lists_every_option() -> None:
    result = hub("--help")
    assert result.returncode == 0
    for option in ["--ip", "--port", "--lang", "--instructor", "--max-memory", "--homes", "--state"]:
        assert option in result.stdout
