"""Mairie contacts (data/territories/mairies.csv) as graph values: structured opening hours kept as
data, and their French rendering computed once at load time (« du lundi au vendredi 8 h 45 – 16 h 45 »)."""

from __future__ import annotations

import json


def french_time(hhmm: str) -> str:
    """« 08:45 » → « 8 h 45 », « 17:00 » → « 17 h »."""
    h, _, m = hhmm.partition(":")
    hour = str(int(h)) if h.isdigit() else h
    return f"{hour} h" if m in ("", "00") else f"{hour} h {m}"


def french_hours(raw: str) -> str:
    """Render the compact JSON of tools/territories.py ([[first day, last day, [[open, close]…]]…]) in
    French, spans separated by « ; »: « lundi 13 h 30 – 17 h ; du mardi au vendredi 9 h – 12 h ». Empty
    when the package has no hours or they cannot be read."""
    try:
        spans = json.loads(raw) if raw else []
    except json.JSONDecodeError:
        return ""
    parts: list[str] = []
    for span in spans:
        if not (isinstance(span, list) and len(span) == 3):
            continue
        first, last, slots = span
        days = first if first == last else f"{first} et {last}" if _next(first) == last else f"du {first} au {last}"
        times = " et ".join(f"{french_time(o)} – {french_time(c)}" for o, c in slots)
        parts.append(f"{days} {times}".strip())
    return " ; ".join(parts)


DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _next(day: str) -> str | None:
    return DAYS[DAYS.index(day) + 1] if day in DAYS[:-1] else None
