"""schemathesis against the live app: generated GraphQL queries and REST calls never get a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from api.testing import LiveServer

pytestmark = pytest.mark.slow  # fuzz (schemathesis) against a real uvicorn

OPENAPI = Path(__file__).parent / "data" / "rest_openapi.yaml"


@pytest.fixture(scope="module")
def live(loaded_store):
    with LiveServer(create_app(loaded_store)) as srv:
        yield srv


@pytest.fixture(scope="module")
def graphql_schema(live):
    return schemathesis.graphql.from_url(f"{live.url}/graphql")


@pytest.fixture(scope="module")
def rest_schema(live):
    schema = schemathesis.openapi.from_path(str(OPENAPI))
    schema.config.base_url = live.url
    return schema


def run_all(schema, examples: int) -> int:
    """Every operation of `schema`, `examples` generated cases each; returns how many were sent."""
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            nonlocal sent
            response = case.call(timeout=30)
            sent += 1
            assert response.status_code < 500, (case.path, case.query, case.body, response.text[:300])
            assert "Traceback" not in response.text

        check()
    return sent


def test_graphql_never_errors_5xx(graphql_schema):
    sent = run_all(graphql_schema, 12)
    print(f"schemathesis GraphQL: {sent} requests, 0 server errors")
    assert sent >= 100


def test_rest_never_errors_5xx(rest_schema):
    sent = run_all(rest_schema, 200)
    print(f"schemathesis REST: {sent} requests, 0 server errors")
    assert sent >= 150
