"""In a real browser: materials.js uploads a picked file at once, puts its id in the form, tells the form (the
autosave listens), shows a refusal next to the material, and removes a file. The partial is rendered by the app
and placed on a signed-in page of the applicant's space, the way the apply page will include it."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string
from playwright.sync_api import expect

from engine import materials, versions
from webapp import materials_form

from . import material_files
from .helpers import item_code
from .test_browser_journey import _login

pytestmark = pytest.mark.browser
FORM = '<form id="apply-form" method="post" enctype="multipart/form-data">{% include "applicant/_materials.html" %}</form>'


def _partial(app, db, owner) -> str:
    code = item_code(db, "construction_permit")
    with db.read() as session:
        guide = versions.content(session, versions.current_version_id(session, code)).guide
    with app.test_request_context("/"):
        return render_template_string(FORM, **materials_form.context(owner, guide, {}))


def _place(page, html: str) -> None:
    """Put the rendered form in the page and load materials.js from the app, as the apply page's tags would."""
    page.evaluate("""html => {
        document.querySelector("main").innerHTML = html;
        window.inputEvents = 0;
        document.getElementById("apply-form").addEventListener("input", () => { window.inputEvents += 1; });
        const script = document.createElement("script");
        script.src = "/static/materials.js";
        document.body.appendChild(script);
    }""", html)
    # Not wait_for_function: the page's CSP forbids evaluating a string when the first check fails.
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))


def test_a_picked_file_is_uploaded_at_once_and_its_id_lands_in_the_form(page, live_server, app, db, users):
    _login(page, live_server, "zhangsan")
    page.goto(f"{live_server}/my/materials")
    _place(page, _partial(app, db, users["zhangsan"]))
    page.set_input_files("#upload-contract", files=[{"name": "施工合同.pdf", "mimeType": "application/pdf",
                                                     "buffer": material_files.pdf()}])
    chosen = page.wait_for_selector('#material-files-contract input[name="materials.contract"]')
    assert chosen.is_checked()
    with db.read() as session:
        [stored] = materials.library(session, users["zhangsan"])
    assert chosen.get_attribute("value") == stored.public_id and stored.label == "施工合同（依法必须招标的，附中标通知书）"
    assert page.evaluate("window.inputEvents") >= 1
    assert page.input_value("#upload-contract") == ""  # not posted a second time with the form

    page.set_input_files("#upload-drawing_review", files=[{"name": "图纸.pdf", "mimeType": "application/pdf",
                                                           "buffer": material_files.exe()}])
    error = page.wait_for_selector("#error-materials-drawing_review:not([hidden])")
    assert "图纸.pdf" in error.inner_text() and "PDF、JPG、PNG" in error.inner_text()

    before = page.evaluate("window.inputEvents")
    page.click('#material-files-contract [data-action="remove-file"]')
    assert page.locator('#material-files-contract input[name="materials.contract"]').count() == 0
    assert page.evaluate("window.inputEvents") > before
