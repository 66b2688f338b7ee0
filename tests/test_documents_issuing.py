"""Numbered documents are issued by the status changes that call for them, generated from the case data."""
from datetime import datetime

from sqlalchemy import select

from engine import cases, clock, progress
from engine.calendar import last_day
from engine.models import AuditEvent, Case
from engine.status import CaseStatus

from .helpers import answer, application, case, documents, drive, item_code, only_open_task, worker_for

YEAR = clock.local_now().year


def _submit(db, users, stem="construction_permit", who="haiyun"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users[who]).case_id


def _pre_review(db, users, case_id, **fields):
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, **fields))


def _kinds(db, case_id):
    return [(d.kind, d.number) for d in documents(db, case_id)]


def test_acceptance_issues_an_acceptance_notice_numbered_in_its_department_series(db, users):
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="accept")
    assert _kinds(db, case_id) == [("acceptance_notice", f"斗建施受〔{YEAR}〕0001号")]
    notice = documents(db, case_id)[0]
    assert (notice.title, notice.seq, notice.year, notice.department_id) == ("受理通知书", 1, YEAR,
                                                                           case(db, case_id).department_id)
    assert len(notice.verify_code) >= 22 and notice.pdf_path is None


def test_acceptance_notice_states_the_promised_due_date_as_its_last_day_and_the_limits(db, users):
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="accept")
    accepted, content = case(db, case_id), documents(db, case_id)[0].content
    due = last_day(accepted.promised_due_at)
    facts = dict(content["facts"])
    assert facts["承诺办结日期"] == f"{due.year}年{due.month}月{due.day}日"
    assert (facts["法定办结时限"], facts["承诺办结时限"]) == ("7个工作日", "5个工作日")
    assert (facts["办件编号"], facts["申请人"], facts["申请事项"]) == (accepted.case_no, "珠海海韵建设有限公司",
                                                                 "建筑工程施工许可证核发")
    assert content["issuer"] == "斗门区住房和城乡建设局"
    assert "《中华人民共和国建筑法》第七条" in content["legal_basis"]
    assert content["addressee"] == "珠海海韵建设有限公司"


def test_supplement_notice_lists_every_field_and_material_the_clerk_named(db, users):
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="supplement", opinion="请一次性补正下列内容。",
                supplement_fields=["工程地址与规划许可证不一致", "联系人手机号码有误"],
                supplement_materials=["contract", "funds_commitment", "消防设计审查意见书"])
    [notice] = documents(db, case_id)
    assert (notice.kind, notice.number) == ("supplement_notice", f"斗建施补〔{YEAR}〕0001号")
    lists = {entry["heading"]: entry["items"] for entry in notice.content["lists"]}
    assert lists["需更正的申请表内容"] == ["工程地址与规划许可证不一致", "联系人手机号码有误"]
    assert lists["需补正的材料"] == ["施工合同（依法必须招标的，附中标通知书）", "建设资金已落实承诺书", "消防设计审查意见书"]
    due = last_day(case(db, case_id).supplement_due_at)
    assert dict(notice.content["facts"])["补正期限"] == f"{due.year}年{due.month}月{due.day}日"
    assert dict(notice.content["facts"])["审查意见"] == "请一次性补正下列内容。"


def test_refusal_issues_a_refusal_decision_with_the_reason_and_no_acceptance_notice(db, users):
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="refuse", opinion="该工程投资额在30万元以下，依法不需要申请施工许可证。")
    [decision] = documents(db, case_id)
    assert (decision.kind, decision.number, decision.title) == ("refusal_decision", f"斗建施不〔{YEAR}〕0001号",
                                                                "不予受理决定书")
    assert "该工程投资额在30万元以下，依法不需要申请施工许可证。" in decision.content["body"]
    assert any("行政复议" in note for note in decision.content["notes"])


def test_approval_issues_the_decision_and_the_certificate_which_name_each_other(db, users):
    case_id = _submit(db, users)
    drive(db, users, case_id)
    assert [kind for kind, _number in _kinds(db, case_id)] == ["acceptance_notice", "approval_decision", "certificate"]
    _acceptance, decision, certificate = documents(db, case_id)
    assert decision.number == f"斗建施许〔{YEAR}〕0001号" and certificate.number == f"斗建施证〔{YEAR}〕0001号"
    assert certificate.title == "建筑工程施工许可证"
    assert any(certificate.number in paragraph for paragraph in decision.content["body"])
    facts = dict(certificate.content["facts"])
    assert facts["许可决定文号"] == decision.number and facts["持证人"] == "珠海海韵建设有限公司"
    assert facts["工程信息·工程名称"] == "禾丰花园二期1#—3#楼"
    assert not any("手机" in label or "身份证" in label for label in facts)  # contacts are never printed


def test_an_approval_whose_result_is_a_written_reply_issues_no_certificate(db, users):
    case_id = _submit(db, users, "env_impact_report")
    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED
    # The environmental item's expert review step stops the clock: the applicant is told in writing.
    assert [kind for kind, _number in _kinds(db, case_id)] == ["acceptance_notice", "special_notice",
                                                               "approval_decision"]


def test_denial_issues_a_denial_decision_with_the_approvers_reason(db, users):
    case_id = _submit(db, users)
    drive(db, users, case_id, {"approve": {"decision": "deny", "opinion": "施工图设计文件未经审查合格。"}})
    assert case(db, case_id).status == CaseStatus.DENIED
    assert [kind for kind, _number in _kinds(db, case_id)] == ["acceptance_notice", "denial_decision"]
    denial = documents(db, case_id)[1]
    assert denial.number == f"斗建施驳〔{YEAR}〕0001号"
    assert "施工图设计文件未经审查合格。" in denial.content["body"]


def test_an_immediate_item_accepted_and_approved_in_one_action_gets_all_its_documents(db, users):
    case_id = _submit(db, users, "business_license_change", "zhangsan")
    _pre_review(db, users, case_id, decision="accept")
    assert case(db, case_id).status == CaseStatus.APPROVED
    assert _kinds(db, case_id) == [("acceptance_notice", f"斗市监个变受〔{YEAR}〕0001号"),
                                   ("approval_decision", f"斗市监个变许〔{YEAR}〕0001号"),
                                   ("certificate", f"斗市监个变证〔{YEAR}〕0001号")]
    assert "当场" in " ".join(documents(db, case_id)[0].content["body"])


def test_every_issued_document_is_in_the_audit_trail_with_its_number(db, users):
    case_id = _submit(db, users)
    drive(db, users, case_id)
    with db.read() as session:
        issued = [e.detail["number"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "document_issued")
            .order_by(AuditEvent.seq))]
    assert issued == [d.number for d in documents(db, case_id)]


def test_revoking_a_case_revokes_its_decision_and_certificate_but_not_its_notices(db, users):
    case_id = _submit(db, users)
    drive(db, users, case_id)
    with db.write() as session:
        progress.set_status(session, session.get(Case, case_id), CaseStatus.REVOKED, users["head"], "许可被依法撤销。")
    revoked = {d.kind: d.revoked_at is not None for d in documents(db, case_id)}
    assert revoked == {"acceptance_notice": False, "approval_decision": True, "certificate": True}
    assert all(isinstance(d.revoked_at, datetime) for d in documents(db, case_id)[1:])
