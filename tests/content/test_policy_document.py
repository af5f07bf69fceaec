"""Reading a policy document: text and PDF read; a bad document gets one line saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from toolkit.content.policy_document import MOST_PAGES, PolicyDocumentError, read_policy

POLICY = Path(__file__).parent / "policies" / "oakfield-primary.txt"
LINES = [line for line in POLICY.read_text(encoding="utf-8").splitlines() if line.strip()]


def text_pdf(path: Path, pages: int = 1) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        for i, line in enumerate(LINES[:12]):
            canvas.drawString(40, 800 - 18 * i, line.lstrip("# "))
        canvas.showPage()
    canvas.save()
    return path


def test_plain_text_and_a_pdf_are_read(tmp_path):
    assert read_policy(POLICY).startswith("# Oakfield Primary School")
    text = read_policy(text_pdf(tmp_path / "policy.pdf"))
    assert "Staff must not accept friend requests from pupils." in text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(b"%PDF-1.4 not really"), "cannot be read as a PDF"),
        (lambda p: p.write_text("\u00e9t\u00e9 " * 10, encoding="latin-1"), "is not UTF-8 text"),
    ],
    ids=["empty", "corrupt", "not-utf8"],
)
def test_a_broken_file_says_what_to_do(tmp_path, make, message):
    path = tmp_path / ("policy.pdf" if message.endswith("PDF") else "policy.txt")
    make(path)
    with pytest.raises(PolicyDocumentError, match=message) as caught:
        read_policy(path)
    assert "\n" not in str(caught.value)


def test_an_image_only_pdf_says_it_holds_no_text(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    writer.write(path)
    with pytest.raises(PolicyDocumentError, match="holds no text"):
        read_policy(path)


def test_a_password_protected_pdf_asks_for_an_unprotected_copy(tmp_path):
    source = text_pdf(tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=source)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(PolicyDocumentError, match="protected by a password"):
        read_policy(path)


def test_a_document_far_longer_than_a_policy_is_refused(tmp_path):
    writer = PdfWriter()
    for _ in range(MOST_PAGES + 200):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "handbook.pdf"
    writer.write(path)
    with pytest.raises(PolicyDocumentError, match=f"has {MOST_PAGES + 200} pages"):
        read_policy(path)


def test_a_policy_in_another_language_asks_for_the_english_one(tmp_path):
    path = tmp_path / "polityka.txt"
    path.write_text("Pracownicy nie mogą przyjmować zaproszeń od uczniów. " * 20, encoding="utf-8")
    with pytest.raises(PolicyDocumentError, match="does not read as English"):
        read_policy(path)


def test_a_word_file_is_refused_with_what_to_save_instead(tmp_path):
    path = tmp_path / "policy.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(PolicyDocumentError, match="save the policy as a PDF or as plain text"):
        read_policy(path)
