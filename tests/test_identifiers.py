"""Case numbers, query codes, resident IDs and credit codes: the formats people type."""
from engine import case_numbers, identifiers


def test_case_number_carries_a_valid_check_character():
    for _ in range(200):
        number = case_numbers.new_case_no()
        assert case_numbers.is_valid_case_no(number), number


def test_case_number_with_one_digit_changed_is_rejected_before_any_lookup():
    number = case_numbers.new_case_no()
    wrong = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    assert not case_numbers.is_valid_case_no(wrong)


def test_case_numbers_are_not_sequential():
    numbers = {case_numbers.new_case_no()[8:16] for _ in range(100)}
    assert len(numbers) > 95


def test_query_code_is_checked_against_its_hash_only():
    code = case_numbers.new_query_code()
    stored = case_numbers.hash_query_code("20261122123456785", code)
    assert code not in stored
    assert case_numbers.query_code_matches("20261122123456785", code.lower(), stored)
    assert not case_numbers.query_code_matches("20261122123456785", "WRONG123", stored)


def test_resident_id_check_digit_follows_gb_11643():
    assert identifiers.is_resident_id("11010519491231002X")
    assert not identifiers.is_resident_id("110105194912310021")
    assert not identifiers.is_resident_id("11010519491331002X".replace("1331", "1331"))  # month 13


def test_credit_code_check_character_follows_gb_32100():
    assert identifiers.is_credit_code("91350100M000100Y43")
    assert not identifiers.is_credit_code("91350100M000100Y44")
    body = "91440403MA4W12345"
    assert identifiers.is_credit_code(body + identifiers.credit_code_check(body))


def test_personal_data_is_masked_for_publication():
    assert identifiers.mask_name("张三") == "张*"
    assert identifiers.mask_name("欧阳娜娜") == "欧**娜"
    assert identifiers.mask_id("11010519491231002X") == "110*************2X"
