"""Why a photo or video failed, in our own words: a reason code and its Czech and English text.

The media service records a code (``media_assets.failure_code``) and, for support, the
provider's or the pipeline's own message (``failure_reason``), which never reaches the creator.
Notices (the ``media_failed`` email and in-app row) and the creator's post view show the text of
the code in the creator's language. Each text is one or two full sentences ending with its own
full stop; templates add none.

Mux reports a failed asset as ``errors: {type, messages}``; its documentation names
``invalid_input`` (the file cannot be used) and gives the details only as English messages, so
:func:`from_mux` reads the messages for the common cases and falls back on the type. Assumption
(named, not documented by Mux): the messages keep their current wording ("could not be
decoded", "no data", "unsupported", "too large"/"too big", "duration"); an unknown one maps to
``unreadable_file`` for ``invalid_input`` and ``processing_failed`` otherwise, which is still a
true statement to the creator.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class FailureCode(StrEnum):
    UNREADABLE_FILE = "unreadable_file"
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FILE = "unsupported_file"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_LONG = "too_long"
    NO_FILE = "no_file"
    UPLOAD_FAILED = "upload_failed"
    UPLOAD_EXPIRED = "upload_expired"
    UPLOAD_CANCELLED = "upload_cancelled"
    REPLACED = "replaced"
    DELETED_AT_PROVIDER = "deleted_at_provider"
    PROCESSING_FAILED = "processing_failed"


TEXTS: dict[FailureCode, dict[str, str]] = {
    FailureCode.UNREADABLE_FILE: {
        "cs": "Soubor je poškozený nebo neúplný a nedá se přečíst.",
        "en": "The file is damaged or incomplete and cannot be read.",
    },
    FailureCode.EMPTY_FILE: {
        "cs": "Soubor je prázdný.",
        "en": "The file is empty.",
    },
    FailureCode.UNSUPPORTED_FILE: {
        "cs": "Tento typ souboru neumíme zpracovat. Nahrajte fotku jako JPEG, PNG, WebP nebo GIF "
        "a video jako MP4 nebo MOV.",
        "en": "We cannot process this type of file. Upload photos as JPEG, PNG, WebP or GIF and "
        "videos as MP4 or MOV.",
    },
    FailureCode.FILE_TOO_LARGE: {
        "cs": "Soubor je příliš velký.",
        "en": "The file is too large.",
    },
    FailureCode.TOO_MANY_PIXELS: {
        "cs": "Obrázek má příliš mnoho pixelů. Nahrajte menší.",
        "en": "The image has too many pixels. Please upload a smaller one.",
    },
    FailureCode.TOO_LONG: {
        "cs": "Video je příliš dlouhé.",
        "en": "The video is too long.",
    },
    FailureCode.NO_FILE: {
        "cs": "Soubor k nám nedorazil.",
        "en": "The file never reached us.",
    },
    FailureCode.UPLOAD_FAILED: {
        "cs": "Nahrávání se nepovedlo.",
        "en": "The upload failed.",
    },
    FailureCode.UPLOAD_EXPIRED: {
        "cs": "Odkaz pro nahrání vypršel dřív, než soubor dorazil.",
        "en": "The upload link expired before the file arrived.",
    },
    FailureCode.UPLOAD_CANCELLED: {
        "cs": "Nahrávání bylo zrušeno.",
        "en": "The upload was cancelled.",
    },
    FailureCode.REPLACED: {
        "cs": "Nahradilo ho novější nahrání.",
        "en": "A newer upload replaced it.",
    },
    FailureCode.DELETED_AT_PROVIDER: {
        "cs": "Video bylo smazáno u poskytovatele videa.",
        "en": "The video was deleted at our video provider.",
    },
    FailureCode.PROCESSING_FAILED: {
        "cs": "Při zpracování se něco pokazilo.",
        "en": "Something went wrong while processing it.",
    },
}

LOCALES = ("cs", "en")


def text(code: str | None, locale: str) -> str:
    """The sentence for ``code`` in ``locale`` (English for an unknown locale; the generic
    reason for an unknown or missing code, e.g. a row written before codes existed)."""
    try:
        known = FailureCode(code) if code else FailureCode.PROCESSING_FAILED
    except ValueError:
        known = FailureCode.PROCESSING_FAILED
    texts = TEXTS[known]
    return texts.get(locale, texts["en"])


def texts(code: str | None) -> dict[str, str]:
    """The sentence in every language we speak, for the SPA to pick from."""
    return {locale: text(code, locale) for locale in LOCALES}


def from_mux(error_type: str | None, messages: Sequence[str]) -> FailureCode:
    """Our reason for a Mux asset or upload error (see the module docstring)."""
    said = " ".join(messages).lower()
    if "no data" in said or "empty" in said:
        return FailureCode.EMPTY_FILE
    if "too large" in said or "too big" in said or "file size" in said:
        return FailureCode.FILE_TOO_LARGE
    if "duration" in said or "too long" in said:
        return FailureCode.TOO_LONG
    if "unsupported" in said or "not supported" in said or "codec" in said:
        return FailureCode.UNSUPPORTED_FILE
    if "decode" in said or "corrupt" in said or "invalid" in said:
        return FailureCode.UNREADABLE_FILE
    if error_type == "invalid_input":
        return FailureCode.UNREADABLE_FILE
    return FailureCode.PROCESSING_FAILED
