"""National guidance: the paragraphs of a statutory or national document that content may cite,
quoted word for word, for what every school's staff must do whatever their own policy says."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from toolkit.content.base import Kind, Model, Problem, Slug, Text, check_file_name, check_unique
from toolkit.content.text import TextFields


class Paragraph(Model):
    id: Slug
    cite_as: Text = Field(description="How a reader finds it, e.g. 'paragraph 103'.")
    section: Text
    text: Text = Field(description="The document's own words (an excerpt may use '...').")


class GuidanceDocument(Model):
    schema_version: int
    id: Slug
    title: Text
    short: Text = Field(description="The name it is known by, e.g. 'KCSIE 2025'.")
    publisher: Text
    published: Text
    url: Text
    paragraphs: list[Paragraph] = Field(min_length=1)

    def paragraph(self, paragraph_id: str) -> Paragraph:
        return next(p for p in self.paragraphs if p.id == paragraph_id)


def check_guidance(data: dict, file: str) -> Iterator[Problem]:
    yield from check_unique(data.get("paragraphs"), "/paragraphs", "paragraph", file)
    yield from check_file_name(data, file)


KIND = Kind(
    name="guidance",
    what="national guidance",
    marker="paragraphs",
    model=GuidanceDocument,
    check=check_guidance,
    text=TextFields(),  # quoted words: nothing is filled in per school
    folder="guidance",
    table="guidance",
    national=True,
)
