"""`make run` on a fresh clone: every management command the Makefile calls exists, and the run
is a demo (DEBUG on) so that load_demo creates the accounts demo_logins prints.

The full `make run` (venv, install, migrate, serve) is checked by hand as described in
docs/running.md; it takes minutes, so it stays out of the suite.
"""
import re
from pathlib import Path

from django.core.management import get_commands

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def target_recipe(name: str) -> list[str]:
    lines = MAKEFILE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def prerequisites(name: str) -> list[str]:
    line = next(line for line in MAKEFILE.read_text().splitlines() if line.startswith(f"{name}:"))
    return line.split(":", 1)[1].split()


def commands_of(*targets: str) -> list[str]:
    found = []
    for target in targets:
        for line in target_recipe(target):
            found += re.findall(r"manage\.py (\w+)", line)
    return found


def test_run_chain_calls_existing_commands_in_order():
    assert prerequisites("run") == ["demo"]
    assert prerequisites("demo") == ["migrate"]
    assert prerequisites("migrate") == ["install", "messages"]
    commands = commands_of("migrate", "demo", "run")
    assert commands == ["migrate", "load_demo", "collectstatic", "demo_logins", "runserver"]
    available = get_commands()
    missing = [c for c in commands if c not in available]
    assert missing == []


def test_run_is_a_debug_demo_and_the_port_is_configurable():
    text = MAKEFILE.read_text()
    assert re.search(r"^export DEBUG \?= 1$", text, re.M)
    assert "runserver $(HOST):$(PORT)" in "\n".join(target_recipe("run"))
    # The tests never run with DEBUG on, whatever the shell says.
    assert all("DEBUG=0" in line for line in target_recipe("test") if "pytest" in line)
