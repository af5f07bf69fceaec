"""Reading a policy document: text, PDF and Word read; a bad document gets one line saying what
to do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from toolkit.content.policy_document import MOST_PAGES, OLE, PolicyDocumentError, read_policy
from toolkit.content.policy_import import draft_clauses

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


def test_an_old_word_file_is_refused_with_what_to_save_instead(tmp_path):
    path = tmp_path / "policy.doc"
    path.write_bytes(OLE + b"\0" * 512)
    with pytest.raises(PolicyDocumentError, match="save the policy as a PDF or as plain text"):
        read_policy(path)


def word_policy(path: Path) -> Path:
    """A short policy as Word writes one: a title, headings, a lead-in and bulleted items,
    a numbered list and a table."""
    document = Document()
    document.add_heading("Oakfield Primary School", level=0)
    document.add_heading("Social Media Policy", level=1)
    document.add_paragraph("Approved by governors: March 2026. Next review: March 2027.")
    document.add_heading("2. Personal accounts", level=2)
    document.add_paragraph("Staff must not:")
    document.add_paragraph("share photographs of pupils on personal accounts;", "List Bullet")
    document.add_paragraph("discuss pupils or parents online.", "List Bullet")
    document.add_paragraph("Staff should set their accounts to private.", "List Number")
    table = document.add_table(rows=2, cols=2)
    for row, (role, person) in zip(
        table.rows, [("Role", "Contact"), ("DSL", "the DSL")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = role, person
    document.add_paragraph("Pupils will be taught how to report unkind messages.")
    document.save(str(path))
    return path


def test_a_word_document_is_read_in_order_with_headings_lists_and_tables(tmp_path):
    text = read_policy(word_policy(tmp_path / "policy.docx"))
    lines = text.splitlines()
    assert "# Oakfield Primary School" in lines and "# 2. Personal accounts" in lines
    assert "- share photographs of pupils on personal accounts;" in lines
    assert "- Staff should set their accounts to private." in lines
    assert "DSL | the DSL" in lines
    assert text.index("Role | Contact") < text.index("Pupils will be taught")


def test_a_paragraph_with_word_numbering_is_a_list_item(tmp_path):
    """A list made with Word's numbering button, not a list style, still reads as items."""
    document = Document()
    paragraph = document.add_paragraph("Staff must keep passwords private.")
    number = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    number.get_or_add_ilvl().val, number.get_or_add_numId().val = 1, 1
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert read_policy(path).splitlines() == ["  - Staff must keep passwords private."]


def test_a_word_lead_in_is_kept_with_each_bulleted_item(tmp_path):
    drafts = {d.text: d for d in draft_clauses(read_policy(word_policy(tmp_path / "p.docx")))}
    for item in (
        "share photographs of pupils on personal accounts;",
        "discuss pupils or parents online.",
    ):
        assert drafts[item].lead_in == "Staff must not" and drafts[item].strength == "must"
        assert drafts[item].section == "2. Personal accounts"


def empty_word(path: Path) -> None:
    Document().save(str(path))


def not_word(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (empty_word, "holds no text"),
        (lambda p: p.write_bytes(b"not a zip at all"), "cannot be read as a Word document"),
        (not_word, "cannot be read as a Word document"),
        (
            lambda p: p.write_bytes(OLE + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64),
            "protected by a password",
        ),
    ],
    ids=["empty-file", "no-text", "not-a-zip", "zip-not-word", "password"],
)
def test_a_broken_word_file_says_what_to_do(tmp_path, make, message):
    path = tmp_path / "policy.docx"
    make(path)
    with pytest.raises(PolicyDocumentError, match=message) as caught:
        read_policy(path)
    assert "\n" not in str(caught.value)
