"""The graphql-http audit suite (GraphQL over HTTP spec: every MUST, SHOULD and MAY) against a live server."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.testing import LiveServer

AUDIT = Path(__file__).resolve().parent.parent / "tools" / "graphql-http-audit"

pytestmark = [
    pytest.mark.slow,  # the graphql-http audit (node subprocess) against a real uvicorn
    pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                       reason="node et npm sont nécessaires pour l'audit graphql-http"),
]


@pytest.fixture(scope="module")
def audit_tool() -> Path:
    if not (AUDIT / "node_modules" / "graphql-http").is_dir():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AUDIT, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"npm ci a échoué dans {AUDIT} :\n{done.stderr}"
    return AUDIT


@pytest.fixture(scope="module")
def server(loaded_store: Any) -> Iterator[LiveServer]:
    with LiveServer(create_app(loaded_store)) as srv:
        yield srv


def test_every_graphql_http_audit_passes(audit_tool: Path, server: LiveServer) -> None:
    done = subprocess.run(["node", "audit.mjs", f"{server.url}/graphql"], cwd=audit_tool, capture_output=True,
                          text=True, timeout=300)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout + done.stderr
    passed, failed = summary.split(", ")
    assert failed == "0 failed" and int(passed.split()[0]) >= 60, summary
