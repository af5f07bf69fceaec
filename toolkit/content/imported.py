"""A school's own policy, imported: kept in the data folder, one folder per school, beside the
shipped content. The folder holds what the DSL never has to write by hand:

    schools/<id>/policy.txt     the policy's text as read; every clause is quoted from it
    schools/<id>/<id>.yaml      the school profile: its clauses and the settings as they stand
    schools/<id>/review.yaml    the DSL's review: each setting's proposal, its evidence and
                                whether it is confirmed; each teaching point's proposed clauses
                                and those the DSL confirmed

Only confirmed citations are joined into the content; a teaching point with none is treated
as one the policy says nothing about, so its national guidance is shown, never another
school's words.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from toolkit.content.base import Cite, ContentError, Model, Problem, Slug, Text
from toolkit.content.profile import SchoolProfile
from toolkit.content.strict_yaml import read_yaml

POLICY, REVIEW = "policy.txt", "review.yaml"
REVIEW_VERSION = 1


class SettingReview(Model):
    value: str | int
    evidence: list[Slug] = Field(default_factory=list, description="Clauses that support it.")
    silent: bool = Field(False, description="The policy says nothing: the value is the default.")
    confirmed: bool = False


class CitationReview(Model):
    proposed: list[Slug] = Field(default_factory=list, description="Best first.")
    confirmed: list[Slug] | None = Field(
        None, description="The clauses the DSL confirmed; [] none applies; absent: not reviewed."
    )


class PolicyReview(Model):
    schema_version: int
    school: Slug
    source: Text = Field(description="The name of the file the policy was read from.")
    imported: Text = Field(description="When, as an ISO date.")
    settings: dict[str, SettingReview]
    citations: dict[str, CitationReview]

    @property
    def unconfirmed_settings(self) -> list[str]:
        return [name for name, s in self.settings.items() if not s.confirmed]

    @property
    def unreviewed_points(self) -> list[str]:
        return [key for key, c in self.citations.items() if c.confirmed is None]

    def confirmed_cites(self) -> dict[str, list[Cite]]:
        """The citations to join into the content, by teaching point key."""
        return {
            key: [Cite(f"{self.school}#{clause}") for clause in c.confirmed]
            for key, c in self.citations.items()
            if c.confirmed
        }


def folders(schools: Path | None) -> list[Path]:
    """The imported schools' folders, by id; none where there is no schools folder."""
    if schools is None or not schools.is_dir():
        return []
    return sorted(p for p in schools.iterdir() if profile_file(p).is_file())


def profile_file(folder: Path) -> Path:
    """The school profile, named after its id as every profile is."""
    return folder / f"{folder.name}.yaml"


def profile_files(schools: Path | None) -> list[Path]:
    return [profile_file(folder) for folder in folders(schools)]


def files(schools: Path | None) -> list[Path]:
    """Every file of every imported school: a change to any changes the catalogue."""
    return [
        path
        for folder in folders(schools)
        for path in (folder / POLICY, profile_file(folder), folder / REVIEW)
    ]


def read_review(folder: Path) -> PolicyReview:
    name = f"{folder.name}/{REVIEW}"
    try:
        data = read_yaml((folder / REVIEW).read_text(encoding="utf-8"), name)
        return PolicyReview.model_validate(data)
    except OSError as err:
        raise ContentError([Problem(name, "", f"cannot read: {err.strerror}")]) from None
    except ValidationError as err:
        first = err.errors()[0]
        where = "/" + "/".join(map(str, first["loc"]))
        hint = "import the policy again with 'esafety policy import FILE --id ID --update'"
        raise ContentError([Problem(name, where, first["msg"], hint)]) from None


def check_quotes(profile: SchoolProfile, folder: Path) -> Iterator[Problem]:
    """Every clause is found word for word in the policy's text, as for a shipped profile."""
    try:
        text = " ".join((folder / POLICY).read_text(encoding="utf-8").replace("**", "").split())
    except OSError as err:
        yield Problem(f"{folder.name}/{POLICY}", "", f"cannot read: {err.strerror}")
        return
    for i, clause in enumerate(profile.clauses):
        if " ".join(clause.text.split()) not in text:
            yield Problem(
                f"{folder.name}/{profile_file(folder).name}",
                f"/clauses/{i}/text",
                f"clause {clause.id!r} is not in the policy's text word for word",
                "quote the policy exactly, or import it again",
            )


def join(catalogue, schools: Path | None) -> Iterator[Problem]:
    """Check each imported school against its policy text and join its confirmed citations."""
    from toolkit.content.points import join_citations

    for folder in folders(schools):
        profile = catalogue.profiles.get(folder.name)
        if profile is None:
            continue  # its profile's own problems are reported already
        try:
            review = read_review(folder)
        except ContentError as err:
            yield from err.problems
            continue
        yield from check_quotes(profile, folder)
        known = {c.id for c in profile.clauses}
        cites = review.confirmed_cites()
        for key, found in cites.items():
            for cite in found:
                if cite.item not in known:
                    yield Problem(
                        f"{folder.name}/{REVIEW}",
                        f"/citations/{key}",
                        f"no clause {cite.item!r} in the profile",
                        "confirm the point's citations again",
                    )
        join_citations(catalogue, cites)


# --- writing: whole or not at all ------------------------------------------------------------


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_school(
    schools: Path, school_id: str, policy: str, profile: dict, review: PolicyReview
) -> Path:
    """Write the school's folder whole: into a new folder beside it, then swapped in, so a
    failure part-way leaves the last good import (or nothing) and never half of one."""
    schools.mkdir(parents=True, exist_ok=True)
    final = schools / school_id
    staging = Path(tempfile.mkdtemp(dir=schools, prefix=f".{school_id}-"))
    try:
        (staging / POLICY).write_text(policy, encoding="utf-8")
        (staging / f"{school_id}.yaml").write_text(dump(profile), encoding="utf-8")
        (staging / REVIEW).write_text(
            dump(review.model_dump(mode="json", exclude_defaults=False)), encoding="utf-8"
        )
        if final.exists():
            old = Path(tempfile.mkdtemp(dir=schools, prefix=f".{school_id}-old-"))
            os.replace(final, old / school_id)
            os.replace(staging, final)
            shutil.rmtree(old)
        else:
            os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def save_review(folder: Path, review: PolicyReview, settings: dict | None = None) -> None:
    """Save the DSL's review, and the settings it confirmed into the profile, each file whole."""
    if settings is not None:
        path = profile_file(folder)
        profile = read_yaml(path.read_text(encoding="utf-8"), path.name)
        profile["settings"] = {**profile["settings"], **settings}
        _replace(path, dump(profile))
    _replace(folder / REVIEW, dump(review.model_dump(mode="json")))


def _replace(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
