"""Chinese identifiers: resident ID numbers (GB 11643), unified social credit codes
(GB 32100), phone numbers — validation with check digits, and masking for display."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# --- resident identity card number (居民身份证号码, GB 11643-1999) ----------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
}  # fmt: skip
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(raw: str) -> str:
    return re.sub(r"\s+", "", str(raw or "")).upper()


def validate_id_number(raw: str) -> str:
    """Return the normalised number, or raise ValidationError saying what is wrong."""
    value = normalise_id_number(raw)
    if not _ID_RE.match(value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a digit or X."), code="format"
        )
    if int(value[:2]) not in _PROVINCES:
        raise ValidationError(
            _("The region code %(code)s is not valid."), code="region", params={"code": value[:6]}
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number is not a real date."), code="birth_date"
        ) from None
    if born > timezone.localdate() or born.year < 1880:
        raise ValidationError(
            _("The birth date in the ID number is out of range."), code="birth_date"
        )
    expected = id_check_digit(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check digit is wrong (expected %(expected)s): a character was mistyped."),
            code="check_digit",
            params={"expected": expected},
        )
    return value


def id_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    """'M' or 'F', from the parity of the 17th digit."""
    return "M" if int(value[16]) % 2 else "F"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


# --- unified social credit code (统一社会信用代码, GB 32100-2015) ------------------------------
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    value = re.sub(r"\s+", "", str(raw or "")).upper()
    if not _USCC_RE.match(value):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters (digits and capital letters, "
                "no I, O, S, V or Z)."
            ),
            code="format",
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character is wrong (expected %(expected)s)."),
            code="check_digit",
            params={"expected": expected},
        )
    return value


# --- phone numbers ---------------------------------------------------------------------------
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalise_phone(raw: str) -> str:
    value = re.sub(r"[\s()]", "", str(raw or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def validate_phone(raw: str) -> str:
    value = normalise_phone(raw)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline such as 0533-6123456."), code="phone"
        )
    return value


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "****" + value[-4:]
    return "*" * max(0, len(value) - 4) + value[-4:]


def mask_name(value: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep the first letter."""
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)
