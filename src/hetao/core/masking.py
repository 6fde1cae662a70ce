"""Personal data out of the logs: e-mail addresses, phone numbers and identity document numbers are
replaced by a placeholder naming what was there (``[email]``, ``[phone]``, ``[id]``).

The patterns err on the side of masking: an eight-digit number that only looks like a Hong Kong
telephone number is masked too. Log messages should not carry such values in the first place; this
is the net under them."""

from __future__ import annotations

import logging
import re

# Not preceded or followed by an ASCII letter or digit (``\b`` would not separate 號 from 1).
_L = r"(?<![0-9A-Za-z])"
_R = r"(?![0-9A-Za-z])"

#: (pattern, placeholder), applied in this order: longer and more specific forms first.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
    # Mainland resident identity card: 17 digits and a check digit or X.
    (re.compile(_L + r"\d{17}[\dXx]" + _R), "[id]"),
    # +86 / 0086 mobiles and +852 / 00852 numbers, with optional spaces or hyphens.
    (re.compile(r"(?:\+|00)86[\s-]?1\d{2}[\s-]?\d{4}[\s-]?\d{4}" + _R), "[phone]"),
    (re.compile(r"(?:\+|00)852[\s-]?\d{4}[\s-]?\d{4}" + _R), "[phone]"),
    # Mainland Travel Permit for Hong Kong and Macao Residents (回鄉證): H or M and 8 to 10 digits.
    (re.compile(_L + r"[HMhm]\d{8,10}" + _R), "[id]"),
    # Hong Kong identity card: one or two letters, six digits, a check digit (with or without brackets).
    (re.compile(_L + r"[A-Za-z]{1,2}\d{6}(?:\([0-9Aa]\)|[0-9Aa])" + _R), "[id]"),
    # Mainland mobiles (11 digits from 13x to 19x), optionally grouped 3-4-4.
    (re.compile(_L + r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}" + _R), "[phone]"),
    # Hong Kong fixed and mobile numbers: eight digits from 2 to 9, optionally grouped 4-4.
    (re.compile(_L + r"[2-9]\d{3}[\s-]?\d{4}" + _R), "[phone]"),
)


def mask_personal_data(text: str) -> str:
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class MaskingFilter(logging.Filter):
    """A handler filter that masks the rendered message, the traceback and the stack of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_data(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
