"""How a personal value may be shown (姓名 -> 张*, 电话 -> 138****5678): the one rule, used by
every output (:mod:`cskpi.present.privacy`) and by messages that quote a personal id.

Pure text: it lives below the readers and the writers so both can use it.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from cskpi.rulebook.compiled import Dataset

KEEP_DIGITS = 4  # at most the last four digits of a number are shown
MIN_MASKED = 5  # a value with up to four digits keeps them (a room, an extension)


def _shown_digits(digits: str) -> tuple[int, int]:
    """How many leading and trailing digits stay visible: a Chinese mobile (11 digits from 1,
    optionally after 86/0086) keeps its first 3 (and the country code) and last 4; any other
    number keeps at most its last 4."""
    for prefix in ("", "86", "0086"):
        national = digits[len(prefix) :]
        if digits.startswith(prefix) and len(national) == 11 and national.startswith("1"):
            return len(prefix) + 3, KEEP_DIGITS
    return 0, KEEP_DIGITS


# digits written in Chinese: 〇/零 and 一..九 (and the financial forms) in a phone number typed
# that way are digits like any other
_CN_DIGITS = {
    **{ch: i for i, ch in enumerate("〇一二三四五六七八九")},
    **{ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")},
    "两": 2,
}


def _digit_positions(text: str) -> list[int]:
    """Where ``text`` writes digits. A Chinese numeral is one only beside another (一三八,
    零零): alone it is part of a name (李四, 张一山), which the letter rule masks."""
    out = []
    for i, ch in enumerate(text):
        if ch in _CN_DIGITS and ch != "〇":
            beside = text[i - 1 : i] + text[i + 1 : i + 2]
            if not any(c in _CN_DIGITS for c in beside):
                continue
        if _digit(ch) is not None:
            out.append(i)
    return out


def _digit(ch: str) -> int | None:
    """The value of a character that writes a digit, in any script: 7, ７ (full width), ⑦,
    Ⅶ (a Roman numeral), 七, 〇; None for anything else."""
    if ch in _CN_DIGITS:
        return _CN_DIGITS[ch]
    if ch.isdigit():
        return unicodedata.digit(ch)
    if ch.isnumeric() and not ch.isalpha():  # Ⅶ, ⅻ, ⑳, ¼: a number, whatever its value
        value = unicodedata.numeric(ch)
        return int(value) % 10 if value == int(value) else 0
    return None


def mask_value(value: object) -> object:
    """A personal value as it may be shown, in its own spelling.

    Digits: all the digits of the value are read as one number, wherever they are and
    however they are separated, so no spelling leaks more (``+86 138-1234-5678`` -> ``+86
    138-****-5678``, ``8888-6666`` -> ``****-6666``, ``6543210`` -> ``***3210``,
    ``李四13912345678`` -> ``李*139****5678``); up to four digits are left alone.
    A digit is any character that writes one: full-width ７, circled ⑦, Roman Ⅶ, Chinese 七
    and 〇/零 (``一三八〇〇一二五六七八`` is a mobile number too).
    Letters: the first is kept and the rest are stars (张三 -> 张*, 欧阳娜娜 -> 欧***, so a
    compound surname shows one character); a value with a single letter is all stars.
    Missing stays missing.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value).strip()
    positions = _digit_positions(text)
    hidden: set[int] = set()
    if len(positions) >= MIN_MASKED:
        digits = "".join(str(_digit(text[i])) for i in positions)
        head, tail = _shown_digits(digits)
        hidden = set(positions[head : len(positions) - tail])
    letters = [i for i, ch in enumerate(text) if ch.isalpha() or ch in _CN_DIGITS]
    hidden |= set(letters[1:] if len(letters) > 1 else letters)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def shown_id(spec: Dataset, value: object) -> str:
    """A record id as a message may quote it: masked when the dataset's id column is
    personal (a customer's phone as the id), cut to 40 characters."""
    column = spec.columns.get(spec.id_column or "")
    return str(mask_value(value) if column is not None and column.personal else value)[:40]
