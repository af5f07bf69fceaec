"""A policy document's text, from plain text or a PDF, or a one-line message saying what is
wrong with the file and what to do instead (never a traceback)."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

MOST_PAGES = 100  # a school's social media policy runs to a few dozen pages at most
# Common English words: a policy with hardly any of them is in another language.
ENGLISH = re.compile(r"\b(the|and|of|to|a|in|is|be|that|for|on|are|with|will|should|must)\b", re.I)


class PolicyDocumentError(ValueError):
    """A document that cannot be read as a policy; the message says what to do."""


def read_policy(path: Path) -> str:
    """The document's text, checked to be a readable policy in English."""
    name = path.name
    if not path.is_file():
        raise PolicyDocumentError(f"{name}: no such file; check the path")
    if path.stat().st_size == 0:
        raise PolicyDocumentError(f"{name} is empty; export the policy again")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in (".txt", ".md"):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise PolicyDocumentError(
                f"{name} is not UTF-8 text; save it as UTF-8 text, or export it as a PDF"
            ) from None
    else:
        raise PolicyDocumentError(
            f"{name}: cannot read {suffix or 'a file without an extension'}; "
            "save the policy as a PDF or as plain text (.txt)"
        )
    words = text.split()
    if not words:
        raise PolicyDocumentError(
            f"{name} holds no text (a scanned image?); export it from the original as a PDF "
            "with text, or save it as plain text"
        )
    if len(words) >= 50 and len(ENGLISH.findall(text)) < 0.1 * len(words):
        raise PolicyDocumentError(
            f"{name} does not read as English; import the English version of the policy"
        )
    return text


def _pdf_text(path: Path) -> str:
    name = path.name
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PolicyDocumentError(
                f"{name} is protected by a password; save an unprotected copy and import that"
            )
        pages = reader.pages
        if len(pages) > MOST_PAGES:
            raise PolicyDocumentError(
                f"{name} has {len(pages)} pages, more than a social media policy "
                f"({MOST_PAGES} at most); import the social media policy on its own"
            )
        return "\n".join(page.extract_text() or "" for page in pages)
    except PolicyDocumentError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as err:
        raise PolicyDocumentError(
            f"{name} cannot be read as a PDF ({type(err).__name__}); export it again"
        ) from None
