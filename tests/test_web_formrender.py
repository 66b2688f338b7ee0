"""The server-side form renderer: JSON Schema + UI schema to HTML fields, and the POSTed form back to JSON."""
from __future__ import annotations

import pytest
from flask import render_template_string
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.models import ItemVersion
from tests.webpage import Page
from webapp import formrender

COMPANY = {
    "type": "object", "title": "公司登记",
    "properties": {
        "name": {"type": "string", "title": "名称", "maxLength": 50},
        "employees": {"type": "integer", "title": "从业人数", "minimum": 1, "maximum": 500},
        "capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0.01},
        "founded": {"type": "string", "format": "date", "title": "成立日期"},
        "kind": {"type": "string", "title": "类型", "oneOf": [{"const": "llc", "title": "有限责任公司"},
                                                          {"const": "jsc", "title": "股份有限公司"}]},
        "level": {"type": "integer", "title": "等级", "enum": [1, 2, 3]},
        "listed": {"type": "boolean", "title": "上市公司"},
        "address": {"type": "object", "title": "住所", "properties": {
            "city": {"type": "string", "title": "城市"}, "street": {"type": "string", "title": "街道"}},
            "required": ["street"]},
        "shareholders": {"type": "array", "title": "股东", "items": {
            "type": "object", "title": "股东", "properties": {
                "name": {"type": "string", "title": "姓名"}, "share": {"type": "number", "title": "出资额"},
                "natural": {"type": "boolean", "title": "自然人"}},
            "required": ["name"]}},
        "seals": {"type": "array", "title": "印章", "uniqueItems": True,
                  "items": {"type": "string", "enum": ["公章", "财务专用章", "合同专用章"]}},
        "notes": {"type": "array", "title": "备注", "items": {"type": "string", "title": "备注"}},
        "mail": {"type": "boolean", "title": "邮寄送达"},
        "mail_address": {"type": "string", "title": "邮寄地址"},
        "reason": {"type": "string", "title": "理由"},
    },
    "required": ["name", "kind"],
    "allOf": [
        {"if": {"properties": {"mail": {"const": True}}, "required": ["mail"]},
         "then": {"required": ["mail_address"]}},
        {"if": {"properties": {"kind": {"enum": ["jsc"]}}, "required": ["kind"]},
         "then": {"required": ["reason"]}},
    ],
}
COMPANY_UI = {"ui:order": ["name", "kind", "*"], "kind": {"ui:widget": "radio", "ui:help": "按章程填写"},
              "seals": {"ui:widget": "checkboxes"}, "address": {"street": {"ui:placeholder": "路名门牌"}}}
SPEC = {"schema": COMPANY, "ui": COMPANY_UI}
FULL = {
    "name": "海韵科技", "kind": "jsc", "employees": 12, "capital": 100.5, "founded": "2026-03-02", "level": 2,
    "listed": True, "address": {"city": "珠海", "street": "井岸镇新堂路88号"},
    "shareholders": [{"name": "张三", "share": 60, "natural": True},
                     {"name": "海韵公司", "share": 40.5, "natural": False}],
    "seals": ["公章", "合同专用章"], "notes": ["第一条", "第二条"], "mail": False, "reason": "拟上市",
}
TEMPLATE = ("{% from 'formrender/_fields.html' import form_fields %}"
            "<form id='f'>{{ form_fields(form) }}</form>")


class _Html:
    status_code = 200

    def __init__(self, html: str):
        self.html = html

    def get_data(self, as_text=True):
        return self.html


def rendered(app, spec, data=None, errors=None, raw=None) -> Page:
    with app.test_request_context():
        return Page(_Html(render_template_string(TEMPLATE, form=formrender.prepare(spec, data, errors, raw))))


def read(pairs) -> formrender.Submission:
    return formrender.read(SPEC, MultiDict(pairs))


def test_parsing_gives_typed_values_from_indexed_names():
    submission = read([
        ("name", " 海韵科技 "), ("kind", "llc"), ("employees", "12"), ("capital", "100.5"), ("level", "2"),
        ("listed", "true"), ("address[street]", "新堂路88号"), ("shareholders[0][name]", "张三"),
        ("shareholders[0][share]", "60"), ("shareholders[0][natural]", "true"), ("seals[0]", "公章"),
    ])
    assert submission.ok, submission.errors
    assert submission.data == {
        "name": "海韵科技", "kind": "llc", "employees": 12, "capital": 100.5, "level": 2, "listed": True,
        "address": {"street": "新堂路88号"}, "shareholders": [{"name": "张三", "share": 60, "natural": True}],
        "seals": ["公章"], "mail": False}


def test_entirely_empty_rows_are_ignored_and_the_rest_renumbered():
    submission = read([("name", "甲"), ("kind", "llc"), ("address[street]", "路"),
                       ("shareholders[0][name]", ""), ("shareholders[0][share]", ""),
                       ("shareholders[3][name]", "李四"), ("notes[0]", ""), ("notes[5]", "备注")])
    assert submission.data["shareholders"] == [{"name": "李四", "natural": False}]
    assert submission.data["notes"] == ["备注"]


def test_a_blank_optional_nested_object_is_left_out_so_its_own_required_fields_do_not_complain():
    schema = {"type": "object", "properties": {"new_address": COMPANY["properties"]["address"]}}
    blank = MultiDict([("new_address[city]", ""), ("new_address[street]", "")])
    submission = formrender.read({"schema": schema}, blank)
    assert submission.ok and submission.data == {}


def test_text_that_is_not_a_number_is_kept_and_explained_under_its_field():
    submission = read([("name", "甲"), ("kind", "llc"), ("employees", "十几个"), ("address[street]", "路")])
    assert "employees" not in submission.data
    assert submission.raw == {"employees": "十几个"}
    assert len(submission.errors["employees"]) == 1


def test_full_width_digits_are_read_as_numbers():
    submission = read([("name", "甲"), ("kind", "llc"), ("employees", "１２"), ("address[street]", "路")])
    assert submission.data["employees"] == 12


def test_validation_errors_are_keyed_by_dotted_path():
    submission = read([("kind", "jsc"), ("address[city]", "珠海"), ("shareholders[0][share]", "5")])
    assert {"name", "reason", "address.street", "shareholders.0.name"} <= set(submission.errors)


def test_what_the_person_typed_is_shown_again_with_each_error_next_to_its_field(app):
    submission = read([("kind", "jsc"), ("employees", "很多"), ("address[city]", "珠海"),
                       ("shareholders[0][share]", "5")])
    page = rendered(app, SPEC, submission.data, submission.errors, submission.raw)
    assert page.find("f-employees").get("value") == "很多"
    assert page.find("f-address-city").get("value") == "珠海"
    assert page.find("f-shareholders-0-share").get("value") == "5"
    for key in ("name", "employees", "address-street", "shareholders-0-name", "reason"):
        assert page.find(f"f-{key}-error") is not None, key
    assert page.find("f-kind-1").get("checked") is not None
    assert page.find("form-errors") is not None


def test_widgets_follow_the_schema_and_the_ui_schema(app):
    page = rendered(app, SPEC)
    assert page.find("f-employees").get("type") == "number"
    assert (page.find("f-employees").get("min"), page.find("f-employees").get("max")) == ("1", "500")
    assert page.find("f-founded").get("type") == "date"
    assert page.find("f-kind-0").get("type") == "radio" and page.find("f-kind-help") is not None
    assert page.find("f-level").tag == "select"
    assert page.find("f-listed").get("type") == "checkbox"
    assert page.find("f-seals-2").get("name") == "seals[2]"
    assert page.find("f-address").tag == "fieldset"
    assert page.find("f-address-street").get("placeholder") == "路名门牌"
    assert page.find("f-name").get("maxlength") == "50"


def test_ui_order_puts_listed_fields_first(app):
    fields = [e.get("data-testid") for e in rendered(app, SPEC).all("data-testid", "field-")]
    assert fields[:3] == ["field-name", "field-kind", "field-employees"]


def test_an_array_shows_its_rows_plus_one_blank_row_and_a_template_for_new_rows(app):
    page = rendered(app, SPEC, FULL)
    assert page.find("f-shareholders-1-name").get("value") == "海韵公司"
    assert page.find("f-shareholders-2-name").get("value") == ""
    assert page.find("f-shareholders-__i0__-name") is None  # inside <template>: not a live field
    assert "shareholders[__i0__][name]" in page.html


def test_a_const_condition_marks_its_section_and_an_enum_condition_does_not(app):
    page = rendered(app, SPEC)
    (section,) = page.all("data-testid", "field-mail_address")
    assert section.get("data-show-when") == '[["mail", "true"]]'
    (reason,) = page.all("data-testid", "field-reason")
    assert reason.get("data-show-when") is None


def test_rendering_then_submitting_gives_back_the_same_document(app):
    page = rendered(app, SPEC, FULL)
    submission = read(page.form_values("f"))
    assert submission.ok, submission.errors
    assert submission.data == FULL


def test_every_sample_application_survives_a_render_and_submit_round_trip(app):
    with app.app_context():
        from webapp.extensions import db

        versions = db.session.scalars(select(ItemVersion)).all()
        specs = [(v.stem, v.forms[v.application_form]) for v in versions]
    assert specs
    for stem, spec in specs:
        for example in spec["schema"].get("examples", []):
            submission = formrender.read(spec, MultiDict(rendered(app, spec, example).form_values("f")))
            assert submission.ok, (stem, submission.errors)
            assert submission.data == _with_unchecked_booleans(spec["schema"], example), stem


def test_read_only_display_uses_titles_and_choice_labels(app):
    with app.test_request_context():
        rows = {row.key: row for row in formrender.display(SPEC, FULL)}
    assert rows["kind"].label == "类型" and rows["kind"].text == "股份有限公司"
    assert rows["listed"].text == "是"
    assert [r.text for r in rows["address"].children] == ["珠海", "井岸镇新堂路88号"]
    assert len(rows["shareholders"].entries) == 2


def _with_unchecked_booleans(schema: dict, data):
    """An unchecked checkbox reads as false: the document a form gives back names every yes/no field."""
    if not isinstance(data, dict):
        return data
    result = dict(data)
    for name, sub in (schema.get("properties") or {}).items():
        if sub.get("type") == "boolean" and name not in result and "oneOf" not in sub and "enum" not in sub:
            result[name] = False
        elif name in result and sub.get("type") == "object":
            result[name] = _with_unchecked_booleans(sub, result[name])
        elif name in result and sub.get("type") == "array":
            result[name] = [_with_unchecked_booleans(sub.get("items") or {}, item) for item in result[name]]
    return result


@pytest.mark.parametrize("raw", ["1e400", "nan", "inf", "1,2,3.4.5"])
def test_numbers_that_are_not_finite_or_malformed_are_refused(raw):
    submission = read([("name", "甲"), ("kind", "llc"), ("capital", raw), ("address[street]", "路")])
    assert "capital" in submission.errors and "capital" not in submission.data
