"""The OpenAPI 3.1 document is generated from the code: it validates, and lists every /api/v1 route with
each of its methods; the HTML reference is rendered from it on the server, without scripts. The CLI
creates a client, prints its token once, and revokes it."""
import os
import re
import subprocess
import sys
from pathlib import Path

from lxml import html
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

ROOT = Path(__file__).resolve().parent.parent


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_the_document_lists_every_api_route_and_method(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, operations in paths.items() for method in operations}
    assert routes and documented == routes


def test_every_post_documents_its_idempotency_key_and_every_operation_its_problems(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "post":
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path
            assert "429" in operation["responses"], (path, method)
            if operation["security"]:
                assert {"401", "403"} <= set(operation["responses"]), (path, method)


def test_the_reference_page_is_rendered_from_the_document_without_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = html.fromstring(response.data)
    assert page.get_element_by_id("op-submit_post") is not None
    assert page.get_element_by_id("problem-idempotency_key_reused") is not None
    assert not [s for s in page.iter("script") if not s.get("src")]  # inline scripts are forbidden by the CSP


def _onewindow(*args, env):
    command = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_the_cli_creates_a_client_prints_its_token_once_and_revokes_it(app, database_url, tmp_path):
    env = dict(os.environ, ONEWINDOW_DATA_DIR=str(tmp_path / "data"), DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    made = _onewindow("api-client", "create", "住建局系统", "--department", "dm_construction",
                      "--scope", "cases:read", "--scope", "events:read", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("ow_")
    client = app.test_client()
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = _onewindow("api-client", "list", env=env)
    assert "住建局系统" in listed.stdout and token not in listed.stdout
    assert _onewindow("api-client", "sync-groups", "住建局系统", env=env).returncode == 0
    assert _onewindow("api-client", "revoke", "住建局系统", env=env).returncode == 0
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = _onewindow("api-client", "create", "x", "--department", "nowhere", "--scope", "cases:read", env=env)
    assert refused.returncode != 0 and "nowhere" in refused.stderr


def test_real_case_and_task_answers_match_their_documented_schemas(client, db, users):
    from jsonschema import Draft202012Validator

    from engine import cases
    from tests.api_support import bearer, new_client
    from tests.helpers import application, item_code, only_open_task

    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    token = new_client(db, departments=["dm_construction", "dm_center"])
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    task_id = only_open_task(db, submitted.case_id).id
    for path, url in (("/api/v1/cases/{case_no}", f"/api/v1/cases/{submitted.case_no}"),
                      ("/api/v1/cases", "/api/v1/cases"), ("/api/v1/tasks/{task_id}", f"/api/v1/tasks/{task_id}"),
                      ("/api/v1/tasks", "/api/v1/tasks"), ("/api/v1/events", "/api/v1/events"),
                      ("/api/v1/statistics", "/api/v1/statistics"), ("/api/v1/items/{code}", f"/api/v1/items/{code}")):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 200, (url, response.get_json())
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert list(Draft202012Validator(schema).iter_errors(response.get_json())) == [], url
