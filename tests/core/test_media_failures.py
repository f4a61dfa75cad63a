"""Provider errors map to our own reasons, each with a Czech and an English sentence."""

from __future__ import annotations

import pytest

from pickey_core.media_failures import TEXTS, FailureCode, from_mux, text, texts


@pytest.mark.parametrize(
    ("error_type", "messages", "code"),
    [
        ("invalid_input", ["The file could not be decoded."], FailureCode.UNREADABLE_FILE),
        ("invalid_input", ["The file contains no data."], FailureCode.EMPTY_FILE),
        ("invalid_input", ["Unsupported video codec: prores_raw"], FailureCode.UNSUPPORTED_FILE),
        ("invalid_input", ["Input file too large"], FailureCode.FILE_TOO_LARGE),
        ("invalid_input", ["Input duration exceeds the limit"], FailureCode.TOO_LONG),
        ("invalid_input", ["Something Mux never said before"], FailureCode.UNREADABLE_FILE),
        ("invalid_input", [], FailureCode.UNREADABLE_FILE),
        (None, [], FailureCode.PROCESSING_FAILED),
        ("internal", ["Oops"], FailureCode.PROCESSING_FAILED),
    ],
)
def test_mux_errors_map_to_our_reasons(
    error_type: str | None, messages: list[str], code: FailureCode
) -> None:
    assert from_mux(error_type, messages) is code


def test_every_reason_has_one_czech_and_one_english_sentence() -> None:
    assert set(TEXTS) == set(FailureCode)
    for code, sentences in TEXTS.items():
        assert set(sentences) == {"cs", "en"}, code
        for sentence in sentences.values():
            assert sentence.endswith("."), (code, sentence)
            assert ".." not in sentence, (code, sentence)
            assert "Mux" not in sentence, (code, sentence)


def test_unknown_codes_and_locales_fall_back() -> None:
    assert text(None, "cs") == TEXTS[FailureCode.PROCESSING_FAILED]["cs"]
    assert text("no-such-code", "en") == TEXTS[FailureCode.PROCESSING_FAILED]["en"]
    assert text("empty_file", "de") == "The file is empty."
    assert texts("empty_file") == {"cs": "Soubor je prázdný.", "en": "The file is empty."}
