"""Czech (and other Latin) text to the printable ASCII (0x20-0x7E) GP webpay accepts.

DESCRIPTION and MD must be printable ASCII; a diacritic, a CR/LF or a trailing space breaks the
request or its digest. Letters lose their accents (``ř`` → ``r``); typographic punctuation
becomes its ASCII look-alike; anything else becomes ``?`` so the length stays meaningful.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = {
    "\u201e": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u201a": "'",
    "\u2018": "'",
    "\u2019": "'",
    "\u00bb": '"',
    "\u00ab": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u00d7": "x",
    "\u00a0": " ",
    "\u00df": "ss",
    "\u00c6": "AE",
    "\u00e6": "ae",
    "\u00d8": "O",
    "\u00f8": "o",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
}
_WHITESPACE = re.compile(r"\s+")


def to_printable_ascii(text: str) -> str:
    """``text`` as single-line printable ASCII: accents dropped, whitespace runs (including CR/LF
    and tabs) made one space, and no leading or trailing space."""
    out: list[str] = []
    for char in _WHITESPACE.sub(" ", text):
        if " " <= char <= "~":
            out.append(char)
            continue
        if char in _PUNCTUATION:
            out.append(_PUNCTUATION[char])
            continue
        base = "".join(
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        )
        out.append(base if base and all(" " <= part <= "~" for part in base) else "?")
    return _WHITESPACE.sub(" ", "".join(out)).strip()


def is_printable_ascii(text: str) -> bool:
    return all(" " <= char <= "~" for char in text)
