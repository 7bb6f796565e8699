"""The question files the quality tests read: the dev set in ../shared/eval beside the repository (where
CI and every worktree have it) and the extra set in tests/data. An absent file fails the test that needs it:
a skipped quality threshold would pass without checking anything."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "questions_dev.jsonl"
EXTRA = REPO / "tests" / "data" / "questions_extra.jsonl"


def question_file(path: Path) -> Path:
    """`path`, or the test fails saying where the file is expected."""
    if not path.is_file():
        pytest.fail(f"{path} absent : les questions de développement sont dans ../shared/eval, à côté du dépôt "
                    "(la CI l'y place) ; les autres dans tests/data.")
    return path
