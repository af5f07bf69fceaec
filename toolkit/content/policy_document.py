"""A policy document's text, from plain text, a PDF or a Word .docx file, or a one-line message
saying what is wrong with the file and what to do instead (never a traceback)."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import PdfReadError

# pypdf logs what it finds wrong in a damaged file; the one-line message here says it instead.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)

MOST_PAGES = 100  # a school's social media policy runs to a few dozen pages at most
# Common English words: a policy with hardly any of them is in another language.
ENGLISH = re.compile(r"\b(the|and|of|to|a|in|is|be|that|for|on|are|with|will|should|must)\b", re.I)
# How Office stores a password-protected .docx: an OLE compound file holding an encrypted package.
OLE = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


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
    elif suffix == ".docx":
        text = _docx_text(path)
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


def _docx_text(path: Path) -> str:
    """A Word document's text in order: headings as "# " lines, list paragraphs as "- " items
    (indented by their level), and each table row as its cells joined by " | "."""
    name = path.name
    with path.open("rb") as file:
        head = file.read(len(OLE))
    if head == OLE:
        if ENCRYPTED_PACKAGE in path.read_bytes():
            raise PolicyDocumentError(
                f"{name} is protected by a password; save an unprotected copy and import that"
            )
        raise PolicyDocumentError(
            f"{name} is an old Word (.doc) file named .docx; save it as .docx or as a PDF"
        )
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise PolicyDocumentError(
            f"{name} cannot be read as a Word document ({type(err).__name__}); open it in Word "
            "and save it again as .docx, or export it as a PDF"
        ) from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_rows(block))
        else:
            lines.append(_paragraph_line(block))
    text = "\n\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise PolicyDocumentError(
            f"{name} holds no text; check it is the policy, then save it again from Word"
        )
    return text


def _paragraph_line(paragraph: Paragraph) -> str:
    text = " ".join(paragraph.text.split())
    style = paragraph.style.name if paragraph.style is not None else ""
    if not text:
        return ""
    if style == "Title" or style.startswith("Heading"):
        return f"# {text}"
    numbering = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if "List" in style or numbering is not None:
        level = numbering.ilvl if numbering is not None else None
        depth = level.get(qn("w:val")) if level is not None else "0"
        return f"{'  ' * int(depth or 0)}- {text}"
    return text


def _table_rows(table: Table) -> list[str]:
    """Each row's cells, a merged cell (repeated by python-docx) given once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows
