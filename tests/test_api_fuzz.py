"""Schemathesis fuzzes the API from its own OpenAPI document: no answer is a server error, and every status
code, media type and body an operation answers is one its documentation describes, for valid and for invalid
requests. Bounded: a few examples per
operation, derandomized, well under a minute. (Driven with Hypothesis directly: schemathesis's pytest
plugin does not run under pytest 9 yet.)"""
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,  # noqa: E402
                                               status_code_conformance)

from engine import cases  # noqa: E402
from tests.api_support import new_client  # noqa: E402
from tests.helpers import application, item_code  # noqa: E402

MAX_EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_server_errors_and_only_documented_statuses(app, db, users):
    code = item_code(db, "construction_permit")  # a case and a task, so lists and reads return real rows
    cases.submit(db, code, application(db, code), users["haiyun"])
    app.config["ONEWINDOW_API_RATE_LIMIT"] = app.config["ONEWINDOW_API_STATUS_RATE_LIMIT"] = "100000 per minute"
    headers = {"Authorization": f"Bearer {new_client(db, name='模糊测试系统')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15

    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
            assert mode == GenerationMode.NEGATIVE, operation.label
