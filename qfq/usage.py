"""Command-line usage errors (unknown command or option, missing or invalid value) worded in French.

typer (and the click it vendors) words them in English, and pydantic the reason a value is refused;
everything else `qfq` says is French. They are reworded here from the exceptions' fields (class, parameter,
pydantic error type), not by translating their English text, and fall back on that text only for a case
not foreseen.
"""

from __future__ import annotations

import re
from typing import Any

# pydantic error types → why a value was refused (ctx fields fill the braces)
REASONS = {
    "less_than_equal": "au plus {le}",
    "less_than": "moins de {lt}",
    "greater_than_equal": "au moins {ge}",
    "greater_than": "plus de {gt}",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "float_type": "un nombre est attendu",
    "bool_parsing": "true ou false est attendu",
    "string_too_long": "au plus {max_length} caractères",
    "string_too_short": "au moins {min_length} caractères",
}


def _is(exc: BaseException, name: str) -> bool:
    """Whether `exc` is a click exception of that name (typer vendors click: matched by name)."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def is_usage_error(exc: BaseException) -> bool:
    return _is(exc, "UsageError") and not _is(exc, "NoArgsIsHelpError")


def _param(exc: Any) -> str:
    """The option's flags or the argument's name, as the user typed or saw them."""
    param = getattr(exc, "param", None)
    if param is None:
        hint = getattr(exc, "param_hint", None)
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint or "?")
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    return " / ".join(opts) if opts else str(getattr(param, "name", "?")).upper()


def _reason(exc: BaseException) -> str:
    """Why a value was refused: from pydantic's error type when there is one, else click's own words."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        for e in errors():
            template = REASONS.get(e.get("type", ""))
            if template:
                return template.format(**(e.get("ctx") or {}))
    text = str(getattr(exc, "message", "") or exc)
    m = re.match(r"^(?:Value )?'?(.*?)'? is not one of (.*)\.$", text)
    if m:
        return f"« {m.group(1)} » n'est pas l'un des choix possibles : {m.group(2)}"
    m = re.match(r"^Value '?(.*?)'? is not a valid (\w+)\.$", text)
    if m:
        return f"« {m.group(1)} » n'est pas une valeur valide"
    return text


def french(exc: Any) -> str:
    """One French sentence for a usage error, then where to find help."""
    ctx = getattr(exc, "ctx", None)
    if _is(exc, "MissingParameter"):
        opts = getattr(getattr(exc, "param", None), "opts", None) or [""]
        kind = "l'option" if opts[0].startswith("-") else "l'argument"
        what = f"Il manque {kind} {_param(exc)}."
    elif _is(exc, "NoSuchOption"):
        what = f"Option inconnue : {exc.option_name}."
        if getattr(exc, "possibilities", None):
            what += f" Vouliez-vous dire : {', '.join(sorted(exc.possibilities))} ?"
    elif _is(exc, "BadOptionUsage"):
        what = f"L'option {exc.option_name} attend une valeur."
    elif _is(exc, "BadParameter"):
        what = f"Valeur invalide pour {_param(exc)} : {_reason(exc)}."
    else:
        text = str(getattr(exc, "message", "") or exc)
        if m := re.match(r"^No such command '(.*)'\.$", text):
            commands = sorted(getattr(getattr(ctx, "command", None), "commands", {}) or [])
            what = f"Commande inconnue : « {m.group(1)} »." + (f" Commandes : {', '.join(commands)}." if commands else "")
        elif m := re.match(r"^Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", text):
            what = f"Argument(s) en trop : {m.group(1)}."
        else:
            what = f"Utilisation incorrecte : {text}"
    path = getattr(ctx, "command_path", None) or "qfq"
    return f"{what} Aide : {path} --help"


# ----------------------------------------------------------------------------------------- help in French
HELP_OPTION = "Affiche cette aide et quitte."
USAGE_PREFIX = "Utilisation : "
# the usage line's placeholders, click's words → ours
USAGE_WORDS = {"[OPTIONS]": "[PARAMÈTRES]", "COMMAND [ARGS]...": "COMMANDE [ARGUMENTS]…"}
# what a value must be, as the help shows it (typer writes the Python type's name)
TYPE_NAMES = {"str": "texte", "int": "entier", "float": "nombre", "bool": "oui/non", "int range": "entier",
              "float range": "nombre", "path": "chemin", "file": "fichier", "directory": "dossier",
              "datetime": "date"}
# typer's panel titles and bracketed notes (module constants it reads when printing)
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Paramètres positionnels",
    "OPTIONS_PANEL_TITLE": "Paramètres",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "DEPRECATED_STRING": "(obsolète) ",
    "ABORTED_TEXT": "Interrompu.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}


def french_help() -> None:
    """Word `qfq --help` (and every command's) in French: typer prints click's usage line, panel titles,
    type names and the help option's own help in English, from constants and defaults that are set here.
    Idempotent; tests/test_qfq_usage.py checks no English word of click's is left."""
    from typer import core, rich_utils
    from typer._click import core as click_core
    from typer._click import formatting

    for name, text in RICH_TEXTS.items():
        setattr(rich_utils, name, text)
    if getattr(formatting.HelpFormatter.write_usage, "_qfq", False):
        return

    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for en, fr in USAGE_WORDS.items():
            args = args.replace(en, fr)
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    french_usage._qfq = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = french_usage  # type: ignore[method-assign]

    get_help_option = click_core.Command.get_help_option

    def french_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    click_core.Command.get_help_option = french_help_option  # type: ignore[method-assign]

    display_type = core._TyperParameter.display_type

    def french_type(self: Any, ctx: Any) -> str:
        label = display_type(self, ctx)
        inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
        return f"<{TYPE_NAMES.get(inner, inner)}>"

    core._TyperParameter.display_type = french_type  # type: ignore[method-assign]
