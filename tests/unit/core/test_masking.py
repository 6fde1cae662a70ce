"""The log masker: table-driven, personal data in all the forms people write it, and what it must
leave alone."""

from __future__ import annotations

import io
import logging

import pytest

from hetao.core.masking import MaskingFilter, mask_personal_data

MASKED = [
    ("e-mail", "mail chan.tai-man+x@example.org.hk now", "mail [email] now"),
    ("e-mail, upper case", "FROM: Someone@Example.COM", "FROM: [email]"),
    ("mainland ID", "身份證號110101199003071234", "身份證號[id]"),
    ("mainland ID with X", "id 11010119900307123X.", "id [id]."),
    ("mainland ID with x", "11010119900307123x", "[id]"),
    ("HKID with brackets", "HKID A123456(7) given", "HKID [id] given"),
    ("HKID with A check digit", "Z987654(A)", "[id]"),
    ("HKID without brackets", "A1234567", "[id]"),
    ("HKID two letters", "AB9876543", "[id]"),
    ("HKID in Chinese text", "證件號碼A123456(7)。", "證件號碼[id]。"),
    ("home return permit, 8 digits", "H12345678", "[id]"),
    ("home return permit, Macao, 10 digits", "回鄉證M1234567890", "回鄉證[id]"),
    ("+852 spaced", "phone +852 9123 4567", "phone [phone]"),
    ("+852 solid", "+85291234567", "[phone]"),
    ("00852", "00852-2345-6789", "[phone]"),
    ("+86 mobile hyphens", "(+86) 138-0013-8000", "(+86) [phone]"),
    ("+86 mobile solid", "+8613800138000", "[phone]"),
    ("mainland mobile in Chinese text", "手機13800138000", "手機[phone]"),
    ("mainland mobile grouped", "138 0013 8000", "[phone]"),
    ("HK number grouped", "HK 2345 6789", "HK [phone]"),
    ("HK number solid", "call 98765432.", "call [phone]."),
    ("two in one line", "a@b.org / 91234567", "[email] / [phone]"),
]
KEPT = [
    ("timing", "GET /{lp}/services/{slug} 200 12.3 ms"),
    ("date and time", "2026-11-29T15:30:00+00:00"),
    ("short numbers", "page 20 of 300, 1234567 rows"),
    ("hex request id", "3f2a8b12c0de4e11a0b3c9d2e5f60718"),
    ("a uuid", "6f1c2a3b-1234-4abc-9def-0123456789ab"),
    ("long run of digits", "version 12345678901234567890"),
    ("10-digit number", "1234567890"),
    ("item code", "SZ-AMR-0001"),
]


@pytest.mark.parametrize(("what", "text", "expected"), MASKED, ids=[m[0] for m in MASKED])
def test_personal_data_is_masked(what, text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(("what", "text"), KEPT, ids=[k[0] for k in KEPT])
def test_other_text_is_left_alone(what, text):
    assert mask_personal_data(text) == text


def test_the_filter_masks_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sign-in failed for %s from %s", "chan@example.org", "+852 9123 4567")
        try:
            raise ValueError("duplicate HKID A123456(7)")
        except ValueError:
            logger.exception("could not save")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "sign-in failed for [email] from [phone]" in out
    assert "duplicate HKID [id]" in out
    assert "example.org" not in out and "A123456" not in out and "9123" not in out
