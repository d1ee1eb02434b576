"""Chinese identifiers: check digits, masking, phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from community_brain.core import identifiers as ids
from community_brain.testing import make_id_number, make_uscc


def test_a_valid_id_number_passes_and_is_normalised():
    value = make_id_number("19480312", 2)
    assert ids.validate_id_number(value.lower() + " ") == value.upper()


def test_the_check_digit_catches_a_mistyped_character():
    value = make_id_number("19480312", 2)
    wrong = value[:17] + ("0" if value[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        ids.validate_id_number(wrong)
    assert exc.value.code == "check_digit"


def test_a_known_id_number_with_x_check_digit():
    # GB 11643 worked example: 11010519491231002X
    assert ids.validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "format"),
        ("990322194803120024", "region"),
        ("370322194802300024", "birth_date"),
        ("370322299901010024", "birth_date"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as exc:
        ids.validate_id_number(value)
    assert exc.value.code == code


def test_gender_and_birth_date_are_read_from_the_id_number():
    value = make_id_number("19480312", 3)  # odd sequence: male
    assert ids.id_gender(value) == "M"
    assert ids.id_birth_date(value).isoformat() == "1948-03-12"


def test_masking():
    assert ids.mask_id_number("370322194803120024") == "3703**********0024"
    assert ids.mask_phone("13953312345") == "139****2345"
    assert ids.mask_name("王秀英") == "王**"
    assert ids.mask_name("王") == "王*"
    assert ids.mask_id_number("") == ""


def test_unified_social_credit_code():
    code = make_uscc()
    assert ids.validate_uscc(code.lower()) == code
    with pytest.raises(ValidationError) as exc:
        ids.validate_uscc(code[:17] + ("0" if code[17] != "0" else "1"))
    assert exc.value.code == "check_digit"
    # a published example: 91350100M000100Y43
    assert ids.validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize("raw", ["13953312345", "+86 139 5331 2345", "0533-6961234"])
def test_phone_numbers_accepted(raw):
    assert ids.validate_phone(raw)


@pytest.mark.parametrize("raw", ["12345", "23953312345", "1395331234"])
def test_phone_numbers_refused(raw):
    with pytest.raises(ValidationError):
        ids.validate_phone(raw)
