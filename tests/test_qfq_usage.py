"""A mistyped `qfq` command gets one French line with the way to help, exit code 2, no English, no trace."""

from __future__ import annotations

import sys

import pytest

from qfq.cli import main

CASES = [
    (["nope"], "Commande inconnue : « nope ». Commandes : ask, eval,", "qfq --help"),
    (["ask"], "Il manque l'argument QUESTION.", "qfq ask --help"),
    (["ask", "RSA", "--limit", "0"], "Valeur invalide pour --limit : au moins 1.", "qfq ask --help"),
    (["ask", "RSA", "--limit", "51"], "Valeur invalide pour --limit : au plus 50.", "qfq ask --help"),
    (["ask", "RSA", "--limit", "beaucoup"], "Valeur invalide pour --limit : un nombre entier est attendu.", "--help"),
    (["ask", "RSA", "--limtt", "3"], "Option inconnue : --limtt. Vouliez-vous dire : --limit ?", "qfq ask --help"),
    (["ask", "RSA", "--org"], "L'option --org attend une valeur.", "--help"),
    (["serve", "--port", "99999"], "Valeur invalide pour --port : au plus 65535.", "qfq serve --help"),
    (["stats", "de", "trop"], "Argument(s) en trop : de trop.", "qfq stats --help"),
    (["ask", "  "], "La question est vide : écrivez par exemple « qui s'occupe du RSA ? ».", ""),
]


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["qfq", *argv])
    with pytest.raises(SystemExit) as done:
        main()
    captured = capsys.readouterr()
    return int(done.value.code or 0), " ".join((captured.out + captured.err).split())


@pytest.mark.parametrize(("argv", "message", "help_hint"), CASES)
def test_usage_errors_are_one_french_line(argv, message, help_hint, monkeypatch, capsys) -> None:
    code, text = run(argv, monkeypatch, capsys)
    assert code == 2
    assert text.startswith("Erreur : ") and message in text and help_hint in text
    for english in ("Error:", "Usage:", "Invalid value", "Missing", "No such", "Traceback", "should be"):
        assert english not in text


def test_help_is_still_shown_when_asked(monkeypatch, capsys) -> None:
    code, text = run(["ask", "--help"], monkeypatch, capsys)
    assert code == 0 and "--limit" in text and "Erreur" not in text


def test_an_unforeseen_usage_error_keeps_its_words_behind_a_french_lead() -> None:
    from typer._click.exceptions import UsageError

    from qfq.usage import french

    assert french(UsageError("Something new.")) == "Utilisation incorrecte : Something new. Aide : qfq --help"


# click's and typer's English defaults, none of which may reach a user of `qfq`
CLICK_ENGLISH = ("Usage", "Show this message", "and exit", "[required]", "Options", "Commands", "Arguments",
                 "default:", "env var", "Error", "Try ", "Aborted", "Missing", "No such", "Got unexpected",
                 "Invalid value", "[OPTIONS]", "COMMAND", "[ARGS]", "<str>", "<int", "<bool>", "<float", "<path>",
                 "range>", "deprecated")


def _english(text: str) -> list[str]:
    """The click words found in `text` (as words: « COMMANDE » is not « COMMAND »)."""
    import re

    return [w for w in CLICK_ENGLISH if re.search(r"(?<![\w])" + re.escape(w) + r"(?![\wÀ-ÿ])", text)]


def _commands() -> list[str]:
    from qfq.app import app
    from qfq.cli import _register_commands

    _register_commands()
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def test_the_commands_are_all_checked() -> None:
    assert {"ask", "eval", "export", "extract", "init", "load", "serve", "stats"} <= set(_commands())


@pytest.mark.parametrize("argv", [["--help"], []] + [[name, "--help"] for name in
                                                     ["ask", "eval", "export", "extract", "init", "load", "serve",
                                                      "stats"]])
def test_help_has_no_english_word_of_click(argv, monkeypatch, capsys) -> None:
    code, text = run(argv, monkeypatch, capsys)
    assert code in (0, 2) and "qfq" in text
    assert "Utilisation : " in text and "Affiche cette aide et quitte." in text
    assert not _english(text), text


@pytest.mark.parametrize(("argv", "message", "help_hint"), CASES)
def test_usage_errors_have_no_english_word_of_click(argv, message, help_hint, monkeypatch, capsys) -> None:
    _, text = run(argv, monkeypatch, capsys)
    assert not _english(text), text
