"""The README documents every `qfq` command, every option and every QFQ_ setting the code reads."""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CODE_DIRS = ["graph", "schema", "loaders", "api", "lookup", "qfq", "queries"]


def commands() -> dict[str, list[str]]:
    from qfq.app import app
    from qfq.cli import _register_commands

    _register_commands()
    out = {}
    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__.replace("_", "-")
        import inspect

        opts = []
        for p in inspect.signature(cmd.callback).parameters.values():
            default = p.default
            decls = getattr(default, "param_decls", None) or ()
            opts += [d for d in decls if d.startswith("--")]
        out[name] = opts
    return out


def test_every_command_and_option_is_in_the_readme():
    missing = []
    for name, opts in commands().items():
        if f"qfq {name}" not in README:
            missing.append(f"qfq {name}")
        missing += [f"qfq {name} {o}" for o in opts if o not in README]
    assert not missing, f"undocumented in README.md: {missing}"


def test_every_setting_is_in_the_readme():
    used = set()
    for d in CODE_DIRS:
        for path in (REPO / d).rglob("*.py"):
            used |= set(re.findall(r"\bQFQ_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    missing = sorted(v for v in used if v not in README)
    assert not missing, f"settings read by the code but not documented in README.md: {missing}"


def test_every_documented_make_target_is_in_the_readme():
    """A Makefile target introduced by a `##` comment is one of the README's commands."""
    lines = (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
    targets = [nxt.split(":", 1)[0] for line, nxt in zip(lines, lines[1:])
               if line.startswith("## ") and ":" in nxt and not nxt.startswith("#")]
    assert {"run", "test", "check", "lint"} <= set(targets)
    missing = [t for t in targets if f"make {t}" not in README]
    assert not missing, f"Makefile targets undocumented in README.md: {missing}"
