"""JSON Schemas of the API's bodies: they validate requests at run time and fill the OpenAPI document."""
from __future__ import annotations

STRING, INTEGER, OBJECT = {"type": "string"}, {"type": "integer"}, {"type": "object"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
DEPARTMENT = {"type": "object", "properties": {"code": STRING, "name": STRING}, "required": ["code", "name"]}
STATUS_CODE = {"type": "integer", "minimum": 1, "maximum": 15,
               "description": "国家数据交换状态码：1 已接件 … 11 办结·通过 … 15 撤销"}


def page_of(item: dict) -> dict:
    return {"type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": item}, "next_cursor": NULLABLE_STRING}}


ITEM = {"type": "object", "required": ["code", "name", "department", "version"], "properties": {
    "code": STRING, "name": STRING, "item_type": STRING, "level": STRING, "case_kind": STRING,
    "department": DEPARTMENT, "version": INTEGER}}
ITEM_LIST = {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": ITEM}}}
ITEM_GUIDE = {**ITEM, "properties": {**ITEM["properties"], "guide": OBJECT, "application_form": OBJECT}}

OPEN_TASK = {"type": "object", "required": ["id", "name", "state"], "properties": {
    "id": INTEGER, "name": STRING, "step": NULLABLE_STRING, "group": NULLABLE_STRING, "state": STRING,
    "assignee": NULLABLE_STRING, "created_at": TIME, "due_at": TIME}}
CASE_SUMMARY = {"type": "object", "required": ["case_no", "status", "department", "item"], "properties": {
    "case_no": STRING, "title": STRING, "item": {"type": "object", "properties": {"code": STRING, "name": STRING}},
    "department": DEPARTMENT, "applicant_name": STRING, "applicant_type": STRING, "channel": STRING,
    "status": STATUS_CODE, "status_label": STRING, "warning_level": STRING, "received_at": TIME,
    "accepted_at": TIME, "concluded_at": TIME, "promised_due_at": TIME, "statutory_due_at": TIME,
    "version": INTEGER}}
CASE = {**CASE_SUMMARY, "properties": {**CASE_SUMMARY["properties"], "application": OBJECT,
                                       "open_tasks": {"type": "array", "items": OPEN_TASK}}}
CASE_LIST = page_of(CASE_SUMMARY)

SUBMISSION = {
    "type": "object", "title": "申请", "required": ["item_code", "application"], "additionalProperties": False,
    "properties": {
        "item_code": {"type": "string", "title": "事项编码", "minLength": 1, "maxLength": 64},
        "application": {"type": "object", "title": "申请表",
                        "description": "按事项申请表的 JSON Schema 填写（GET /api/v1/items/{code} 的 application_form）"},
        "applicant": {"type": "object", "title": "申请人", "additionalProperties": False,
                      "description": "部门系统代为提交时必填；已登录的申请人本人提交时省略",
                      "properties": {
                          "name": {"type": "string", "title": "申请人名称", "minLength": 1, "maxLength": 200},
                          "type": {"type": "string", "title": "申请人类型", "enum": ["自然人", "法人"]},
                          "id_number": {"type": "string", "title": "证件号码", "minLength": 18, "maxLength": 18}},
                      "required": ["name", "type"]},
        "materials": {"type": "object", "title": "申请材料", "maxProperties": 50,
                      "description": "按办事指南的材料编号（GET /api/v1/items/{code} 的 guide.materials[].id）给出文件，"
                                     "文件内容用 base64 编码；按内容识别类型，只接受 PDF、JPEG、PNG、OFD，每个不超过 20 MB，"
                                     "请求体总共不超过 32 MB。",
                      "additionalProperties": {"type": "array", "title": "材料文件", "minItems": 1, "maxItems": 50,
                                               "items": {"type": "object", "title": "文件", "additionalProperties": False,
                                                         "required": ["name", "content"], "properties": {
                                                             "name": {"type": "string", "title": "文件名",
                                                                      "minLength": 1, "maxLength": 255},
                                                             "content": {"type": "string", "title": "文件内容",
                                                                         "contentEncoding": "base64", "minLength": 1}}}}},
    },
}
SUBMITTED = {"type": "object", "required": ["case_no", "status"], "properties": {
    "case_no": STRING, "query_code": {"type": "string", "description": "查询码，仅在提交的回答（及 24 小时内同一 "
                                                                       "Idempotency-Key 的重试）中返回"},
    "status": STATUS_CODE, "status_label": STRING}}

STATUS_QUERY = {"type": "object", "title": "办件查询", "required": ["case_no", "query_code"],
                "additionalProperties": False, "properties": {
                    "case_no": {"type": "string", "title": "办件编号", "minLength": 1, "maxLength": 32},
                    "query_code": {"type": "string", "title": "查询码", "minLength": 1, "maxLength": 32}}}
CASE_STATUS = {"type": "object", "required": ["case_no", "status"], "properties": {
    "case_no": STRING, "item": STRING, "status": STATUS_CODE, "status_label": STRING, "received_at": TIME,
    "accepted_at": TIME, "concluded_at": TIME, "promised_due_at": TIME}}

TASK = {**OPEN_TASK, "properties": {**OPEN_TASK["properties"], "case_no": STRING, "case_status": STATUS_CODE,
                                    "department": NULLABLE_STRING, "form": {"type": ["object", "null"]},
                                    "decision": NULLABLE_STRING, "opinion": NULLABLE_STRING}}
TASK_LIST = page_of(TASK)
COMPLETION = {"type": "object", "title": "办理", "required": ["data"], "additionalProperties": False,
              "properties": {"data": {"type": "object", "title": "表单数据",
                                      "description": "按任务表单的 JSON Schema 填写（GET /api/v1/tasks/{id} 的 form）"}}}

DEADLINE = {"type": "object", "properties": {
    "kind": STRING, "due_at": TIME, "level": STRING, "overdue": {"type": "boolean"}, "case_no": STRING,
    "title": STRING, "item": STRING, "step": STRING, "task_id": {"type": ["integer", "null"]}, "handler": STRING,
    "department": STRING}}
DEADLINE_LIST = page_of(DEADLINE)
STATISTICS = {"type": "object", "required": ["total", "by_status", "by_department"], "properties": {
    "total": INTEGER, "by_status": {"type": "object", "additionalProperties": INTEGER},
    "by_department": {"type": "array", "items": {"type": "object", "properties": {
        "department": DEPARTMENT, "total": INTEGER,
        "by_status": {"type": "object", "additionalProperties": INTEGER}}}}}}
EVENT = {"type": "object", "required": ["seq", "type", "case_no", "department", "status", "time"], "properties": {
    "seq": INTEGER, "type": STRING, "case_no": STRING, "department": NULLABLE_STRING, "handler": NULLABLE_STRING,
    "status": {"type": ["integer", "null"]}, "status_label": NULLABLE_STRING, "opinion": NULLABLE_STRING,
    "time": {"type": "string", "format": "date-time"}}}
EVENT_LIST = {"type": "object", "required": ["items", "next_after"], "properties": {
    "items": {"type": "array", "items": EVENT}, "next_after": INTEGER}}

SUBSCRIPTION_IN = {"type": "object", "title": "订阅", "required": ["url", "events", "secret"],
                   "additionalProperties": False, "properties": {
                       "url": {"type": "string", "title": "接收地址", "minLength": 1, "maxLength": 500},
                       "events": {"type": "array", "title": "事件类型", "minItems": 1, "maxItems": 50,
                                  "items": {"type": "string", "pattern": r"^(\*|case\.[a-z_]{1,60})$"}},
                       "secret": {"type": "string", "title": "签名密钥", "minLength": 16, "maxLength": 200}}}
SUBSCRIPTION = {"type": "object", "required": ["id", "url", "events"], "properties": {
    "id": INTEGER, "url": STRING, "events": {"type": "array", "items": STRING}, "created_at": TIME}}
SUBSCRIPTION_LIST = {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": SUBSCRIPTION}}}
DELIVERY_LIST = {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {
    "type": "object", "properties": {"id": INTEGER, "event_type": STRING, "event_seq": INTEGER, "state": STRING,
                                     "attempts": INTEGER, "last_error": NULLABLE_STRING, "created_at": TIME,
                                     "sent_at": TIME}}}}}
HEALTH = {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}
