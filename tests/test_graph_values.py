"""Hostile strings through the store interface: stored and read back unchanged, or refused clearly."""

from __future__ import annotations

import pytest

from graph.errors import BadParameter
from graph.values import check_params
from tests import probe

HOSTILE = ["l'aide", 'dit "oui"', "C:\\chemin\\", "\\'", "$id", "{a: 1}", "}", "MATCH (n) DETACH DELETE n",
           "ligne 1\nligne 2", "a\r\nb", "tab\tulation", "é’«»œ", "😀", "\u2028", "' OR 1=1 //", "a\\nb",
           "x" * 5000, "\x01\x7f", "}) RETURN 1 //"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_round_trips_unchanged(loaded_store, value):
    assert probe.echo(loaded_store, "hostile", value) == [{"value": value}]
    assert probe.read(loaded_store, "hostile") == [{"value": value}]
    assert loaded_store.read("stats_labels")  # the graph is still there and answers


def test_hostile_map_and_list_round_trip(loaded_store):
    value = ["a'b", 'c"d', "e\\f", "$g", "{h}", "i\nj"]
    assert probe.echo(loaded_store, "hostile-list", value) == [{"value": value}]


@pytest.mark.parametrize("value", ["a\x00b", ["ok", "bad\x00"], {"k": "\x00"}])
def test_nul_is_refused_with_a_clear_message(loaded_store, value):
    with pytest.raises(BadParameter, match="NUL"):
        probe.echo(loaded_store, "nul", value)
    assert probe.read(loaded_store, "nul") == []


@pytest.mark.parametrize("value", ["a\ud800b", ["ok", "\udfff"], {"k": "x\ud83d"}])
def test_lone_surrogate_is_refused_with_a_clear_message(loaded_store, value):
    with pytest.raises(BadParameter, match="demi-paire"):
        probe.echo(loaded_store, "surrogate", value)
    assert probe.read(loaded_store, "surrogate") == []


def test_parameter_names_are_checked():
    with pytest.raises(BadParameter):
        check_params({"bad name": 1})
    with pytest.raises(BadParameter):
        check_params({"x": object()})


def test_cleanup(loaded_store):
    probe.clear(loaded_store)
    assert probe.read(loaded_store, "hostile") == []
