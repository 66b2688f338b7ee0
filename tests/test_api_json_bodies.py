"""Bodies Python's json cannot take safely are refused with a problem document, never a server error:
nesting deeper than engine.jsontext.MAX_DEPTH, a lone surrogate such as "\\ud800", bytes that are not
UTF-8. Nothing is written for them."""
import json

import pytest
from sqlalchemy import func, select

from engine import jsontext
from engine.models import Case, IdempotencyRecord
from tests.api_support import bearer, new_client, submission
from tests.helpers import item_code

JSON = {"Content-Type": "application/json"}
LONE_SURROGATE = '{"item_code": "\\ud800", "application": {}}'
REFUSED_BODIES = {
    "5000_deep": "[" * 5000 + "]" * 5000,
    "100000_open_brackets": "[" * 100_000,
    "lone_surrogate": LONE_SURROGATE,
    "not_utf8": b'{"item_code": "\xed\xa0\x80", "application": {}}',
}


def _count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _assert_invalid_json_problem(response):
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "invalid_json" and body["status"] == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # told in Chinese


@pytest.mark.parametrize("name", sorted(REFUSED_BODIES))
def test_a_submission_body_json_cannot_read_safely_is_a_400_problem_and_writes_nothing(client, db, name):
    token = new_client(db)
    response = client.post("/api/v1/cases", data=REFUSED_BODIES[name], headers={**bearer(token), **JSON})
    _assert_invalid_json_problem(response)
    assert _count(db, Case) == 0 and _count(db, IdempotencyRecord) == 0


@pytest.mark.parametrize("name", sorted(REFUSED_BODIES))
def test_the_public_status_lookup_refuses_the_same_bodies_with_a_problem(client, db, name):
    response = client.post("/api/v1/case-status", data=REFUSED_BODIES[name],
                           headers={"Idempotency-Key": "lookup-1", **JSON})
    _assert_invalid_json_problem(response)


def test_a_body_on_a_post_that_declares_none_is_hashed_without_a_server_error(client, db):
    token = new_client(db)
    response = client.post("/api/v1/tasks/1/claim", data="[" * 100_000, headers={**bearer(token), **JSON})
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_a_surrogate_pair_and_brackets_inside_text_are_accepted(client, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"), name="海韵\U0001F600" + "[" * 100)
    escaped = json.dumps(data, ensure_ascii=True)  # the emoji travels as the pair "\ud83d\ude00"
    assert "\\ud83d\\ude00" in escaped
    response = client.post("/api/v1/cases", data=escaped, headers={**bearer(token), **JSON})
    assert response.status_code == 201, response.get_json()


def test_nesting_exactly_at_the_limit_is_read():
    text = "[" * jsontext.MAX_DEPTH + "]" * jsontext.MAX_DEPTH
    assert jsontext.depth(text) == jsontext.MAX_DEPTH
    assert jsontext.loads(text) is not None
    with pytest.raises(jsontext.UnreadableJSON):
        jsontext.loads("[" + text + "]")
