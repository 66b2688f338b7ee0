"""Self-registration rules (GB 11643 resident IDs, GB 32100 credit codes, one account per ID), contact details,
password changes and checking a password at sign-in: engine only (the web's throttling and sessions:
test_web_sign_in_limits.py, test_web_sessions.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import accounts, identifiers, passwords, registration
from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidInput
from engine.models import AuditEvent, User

PERSON = dict(username="lisi2026", password="Lisi-2026pass", real_name="李四", id_number="440524198001010013",
              phone="13900000002", email="lisi@example.cn")
COMPANY = dict(username="haiyun_trade", password="Trade2026abc", name="珠海市海韵贸易有限公司",
               credit_code="91110108551385082Q", legal_representative="王五", contact_name="赵六", phone="0756-5551234")


def count_users(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(User))


def actions_of(db, user_id: int) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user_id)
                                    .order_by(AuditEvent.seq)))


@pytest.mark.parametrize("id_number", ["11010519491231002X", "440524198001010013", "110105199003071239"])
def test_the_standards_example_resident_ids_are_valid(id_number):
    assert registration.resident_id_problem(id_number) is None


@pytest.mark.parametrize("id_number, fragment", [
    ("11010519491231002", "18 位"), ("1101051949123100XX", "18 位"), ("11010519491331002X", "出生日期"),
    ("110105194902300028", "出生日期"), ("110105210001010013", "出生日期"), ("110105194912310021", "校验码"),
])
def test_a_bad_resident_id_says_what_is_wrong(id_number, fragment):
    assert fragment in registration.resident_id_problem(id_number)


@pytest.mark.parametrize("code, valid", [("91350100M000100Y43", True), ("91110108551385082Q", True),
                                         ("91350100M000100Y44", False), ("91350100M00010OY43", False),
                                         ("91350100M000100Y4", False)])
def test_credit_codes_are_checked_with_the_mod_31_character(code, valid):
    assert identifiers.is_credit_code(code) is valid


def test_a_company_with_a_bad_credit_code_is_refused_naming_the_field(db):
    with pytest.raises(InvalidInput) as caught:
        registration.register_company(db, registration.Company(**{**COMPANY, "credit_code": "91110108551385082A"}))
    assert set(caught.value.errors) == {"credit_code"}


def test_a_company_registers_with_a_landline_and_its_representatives(db):
    user = registration.register_company(db, registration.Company(**COMPANY))
    assert (user.applicant_type, user.id_number, user.phone) == ("法人", "91110108551385082Q", "0756-5551234")
    assert (user.legal_representative, user.contact_name) == ("王五", "赵六")


def test_an_individual_registration_creates_an_applicant_with_an_audit_event(db):
    user = registration.register_individual(db, registration.Individual(**PERSON))
    assert (user.kind, user.applicant_type, user.display_name) == ("applicant", "自然人", "李四")
    assert "applicant" in user.role_names
    assert actions_of(db, user.id) == ["register"]
    assert accounts.authenticate(db, "lisi2026", "Lisi-2026pass").user.id == user.id


def test_a_lower_case_x_check_digit_is_stored_upper_case(db):
    form = registration.Individual(**{**PERSON, "id_number": "44040219850615107x"})
    user = registration.register_individual(db, form)
    assert user.id_number == "44040219850615107X"


def test_every_problem_is_named_by_its_field_and_nothing_is_stored(db):
    before = count_users(db)
    with pytest.raises(InvalidInput) as caught:
        registration.register_individual(db, registration.Individual(
            username="1x", password="short", real_name="李", id_number="123", phone="12345", email="no-at-sign",
            password_confirm="other"))
    assert set(caught.value.errors) == {"username", "password", "real_name", "id_number", "phone", "email",
                                        "password_confirm"}
    assert count_users(db) == before


@pytest.mark.parametrize("password, fragment", [("abcdefgh", "字母和数字"), ("12345678", "字母和数字"),
                                                ("lisi2026x1", "用户名"), ("a1", "8–128"), ("password1", "容易被猜中")])
def test_password_rules(password, fragment):
    assert fragment in passwords.password_problem(password, "lisi2026", "440524198001010013")


def test_one_account_per_resident_id_and_per_user_name(db):
    registration.register_individual(db, registration.Individual(**PERSON))
    with pytest.raises(InvalidInput) as caught:
        registration.register_individual(db, registration.Individual(**{**PERSON, "username": "lisi_other"}))
    assert set(caught.value.errors) == {"id_number"}
    with pytest.raises(InvalidInput) as caught:
        registration.register_individual(db, registration.Individual(**{**PERSON, "id_number": "110105199003071239"}))
    assert set(caught.value.errors) == {"username"}


def test_a_registered_credit_code_is_named_as_the_credit_code(db):
    with pytest.raises(InvalidInput) as caught:  # the demo company 'haiyun' holds this code
        registration.register_company(db, registration.Company(**{**COMPANY, "credit_code": "91350100M000100Y43"}))
    assert set(caught.value.errors) == {"credit_code"}


def test_two_registrations_with_one_id_at_once_make_one_account(db):
    from tests.helpers import race

    results = race(lambda: registration.register_individual(db, registration.Individual(**PERSON)),
                   lambda: registration.register_individual(db, registration.Individual(
                       **{**PERSON, "username": "lisi_twin"})))
    assert sum(isinstance(r, User) for r in results) == 1
    (lost,) = [r for r in results if not isinstance(r, User)]
    assert isinstance(lost, InvalidInput) and "id_number" in lost.errors


def test_profile_update_changes_contact_details_and_names_the_fields_in_the_audit_trail(db, users):
    registration.update_profile(db, users["zhangsan"], "13700000007", "zs@example.cn", "珠海市斗门区井岸镇")
    with db.read() as session:
        row = session.get(User, users["zhangsan"].id)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "profile_updated"))
    assert (row.phone, row.email, row.address) == ("13700000007", "zs@example.cn", "珠海市斗门区井岸镇")
    assert set(event.detail["fields"]) == {"phone", "email", "address"}


def test_a_bad_phone_in_the_profile_changes_nothing(db, users):
    with pytest.raises(InvalidInput) as caught:
        registration.update_profile(db, users["zhangsan"], "12", "", "")
    assert set(caught.value.errors) == {"phone"}
    with db.read() as session:
        assert session.get(User, users["zhangsan"].id).phone == users["zhangsan"].phone


def test_password_change_needs_the_current_password_and_is_audited(db, users):
    with pytest.raises(InvalidInput) as caught:
        passwords.change_password(db, users["zhangsan"], "wrong", "NewPass2026")
    assert set(caught.value.errors) == {"current_password"}
    with pytest.raises(InvalidInput) as caught:
        passwords.change_password(db, users["zhangsan"], DEMO_PASSWORD, "NewPass2026", "NewPass2027")
    assert set(caught.value.errors) == {"new_password_confirm"}
    passwords.change_password(db, users["zhangsan"], DEMO_PASSWORD, "NewPass2026", "NewPass2026")
    assert accounts.authenticate(db, "zhangsan", DEMO_PASSWORD).user is None
    assert accounts.authenticate(db, "zhangsan", "NewPass2026").user is not None
    assert "password_changed" in actions_of(db, users["zhangsan"].id)


def test_an_unknown_name_gets_the_wrong_password_message(db):
    assert accounts.authenticate(db, "nobody", "x").message == accounts.authenticate(db, "zhangsan", "x").message
