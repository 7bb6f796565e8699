"""French text handling: folding, elisions, stop words, stemming, phrases."""

from __future__ import annotations

from lookup.text import contains_phrase, fold, same_name, stem, stems, words


def test_fold_case_accents_apostrophes() -> None:
    assert fold("Élus’ ŒUVRE Déneigement") == "elus' oeuvre deneigement"
    assert same_name("Service évaluations spécifiques en protection de l’enfance",
                     "Service Evaluations spécifiques en protection de l'enfance")
    assert not same_name("Secteur Nord", "Secteur Sud")


def test_elisions_and_stop_words_are_dropped() -> None:
    assert stems("l'aide sociale à l’enfance") == stems("aide sociale enfance")
    assert stems("qui s'occupe de quoi ?") == []
    assert "enfance" in words("l'enfance")


def test_stemming_joins_inflections() -> None:
    assert stem("deneige") == stem("deneigement")
    assert stem("sociale") == stem("sociales")
    assert stems("Collèges") == stems("college")


def test_digits_are_kept() -> None:
    assert "55029" in stems("commune 55029")


def test_contains_phrase() -> None:
    hay = stems("payer une aide à domicile pour ma mère")
    assert contains_phrase(hay, tuple(stems("aide à domicile")))
    assert not contains_phrase(hay, tuple(stems("domicile aide")))
    assert not contains_phrase([], ("a",))


def test_odd_unicode_never_breaks() -> None:
    for t in ["", "\x00\x01", "🙂🙂", "ﬁ ligature", "ẞ", "Ⅻ", "\u202e", "a" * 500]:
        assert isinstance(stems(t), list)
