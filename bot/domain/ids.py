"""What an id or a typed text must look like before it is stored: Slack's user ids, row numbers
the database can hold, and text the database can keep.

A user id that is not Slack's pattern (`U1> <!channel`) would render as live markup wherever it
is shown; a number past the database's integer, a NUL byte (PostgreSQL refuses it) or half of a
surrogate pair (no encoding can store it) failed deep in the driver with a traceback instead of
one clear line.
"""

from __future__ import annotations

import re

# Slack's ids: a letter for the kind, then capitals and digits (nothing that could be markup).
USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")
CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{1,31}")
# The largest id or number a 32-bit integer column holds.
MAX_ROW_NUMBER = 2**31 - 1
UNSTORABLE = ("it contains characters that cannot be stored (a NUL byte or a broken "
              "character); remove them and try again")


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def is_channel_id(value: object) -> bool:
    return isinstance(value, str) and CHANNEL_ID.fullmatch(value) is not None


def is_row_number(value: object) -> bool:
    """A positive whole number that fits the database's integer columns."""
    return isinstance(value, int) and not isinstance(value, bool) and (
        0 < value <= MAX_ROW_NUMBER)


def row_number(text: str) -> int | None:
    """The number written in `text` (a button's value), or None when it is not one that fits."""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if is_row_number(number) else None


def is_storable(text: str) -> bool:
    """False for text holding a NUL byte or a lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
