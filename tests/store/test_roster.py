"""Roster CSV import: every bad row reported by line, and nothing half-imported."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.store import CODE_SCRYPT_N, check_code, hash_code, new_access_code
from toolkit.store import codes as codes_module
from toolkit.store.roster import RosterError, import_roster, parse_roster, update_roster

GOOD = (
    "name,email,role,start_date\n"
    "Amira Khan,Amira.Khan@school.example,Teacher,2026-09-01\n"
    "Ben Ode,ben.ode@school.example,support,01/09/2026\n"
)


def test_a_good_roster_imports_everyone_with_a_code(store):
    """Does each person get an account and a one-off access code that signs them in?"""
    created = import_roster(store, GOOD.encode())
    assert [(p.email, p.role, p.start_date) for p, _ in created] == [
        ("amira.khan@school.example", "teacher", date(2026, 9, 1)),
        ("ben.ode@school.example", "support", date(2026, 9, 1)),
    ]
    for learner, code in created:
        assert store.sign_in(learner.email, code).id == learner.id


def test_a_spreadsheet_export_with_a_bom_and_extra_columns_reads(store):
    """Does an Excel 'CSV UTF-8' file, with a byte order mark and more columns, import?"""
    data = "\ufeffName,Email,Role,Start date,Department\nCat Ng,cat@school.example,volunteer,2026-01-05,Library\n"
    assert len(import_roster(store, data.encode())) == 1


def test_every_bad_row_is_reported_and_nothing_is_imported(store):
    """Are all bad rows listed with their line numbers, and is the store left unchanged?"""
    data = (
        "name,email,role,start_date\n"
        "Good Person,good@school.example,teacher,2026-09-01\n"
        ",blank@school.example,teacher,2026-09-01\n"
        "No Email,not-an-email,teacher,2026-09-01\n"
        "Odd Role,odd@school.example,headmaster,2026-09-01\n"
        "Bad Date,date@school.example,teacher,31/02/2026\n"
        "Again,GOOD@school.example,teacher,2026-09-01\n"
        "Short,short@school.example\n"
    )
    with pytest.raises(RosterError) as caught:
        import_roster(store, data.encode(), "staff.csv")
    message = str(caught.value)
    for expected in (
        "staff.csv: line 3: name is empty",
        "line 4: 'not-an-email' is not an email address",
        "line 5: role 'headmaster' is not one of teacher, support, volunteer, governor",
        "line 6: start date '31/02/2026' is not a date",
        "line 7: good@school.example is already on line 2",
        "line 8: expected 4 cells, found 2",
        "Nothing was imported",
    ):
        assert expected in message
    assert store.learner_count() == 0


def test_an_updated_staff_list_changes_the_roster_only_if_every_row_is_good(store):
    """Does `--update` with one bad row change no one, and a good file add, change and list?"""
    import_roster(store, GOOD.encode())
    broken = GOOD.replace("Teacher", "Head Teacher") + "Cat Ng,cat@school.example,volunteer,soon\n"
    with pytest.raises(RosterError) as raised:
        update_roster(store, broken.encode(), "staff.csv")
    assert [p.line for p in raised.value.problems] == [2, 4]
    assert store.learner_count() == 2
    assert store.person("amira.khan@school.example").role == "teacher"
    newer = (
        "name,email,role,start_date\n"
        "Amira Khan,amira.khan@school.example,support,2026-09-01\n"
        "Cat Ng,cat@school.example,volunteer,2026-09-01\n"
    )
    update = update_roster(store, newer.encode())
    assert [p.email for p, _ in update.added] == ["cat@school.example"]
    assert [(b.role, a.role) for b, a in update.updated] == [("teacher", "support")]
    assert [p.email for p in update.missing] == ["ben.ode@school.example"]


def test_people_already_on_the_roster_are_named_by_line(store):
    """Does importing a file twice name each line already imported, and add nobody?"""
    import_roster(store, GOOD.encode())
    with pytest.raises(RosterError) as caught:
        import_roster(store, GOOD.encode())
    assert "line 2: amira.khan@school.example is already on the roster" in str(caught.value)
    assert store.learner_count() == 2


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "the file is empty"),
        (b"name,email\nA,a@b.example\n", "missing column(s) role, start_date"),
        (
            "name,email,role,start_date\nZo\xeb,z@s.example,teacher,2026-09-01\n".encode("latin-1"),
            "not UTF-8",
        ),
        (b"name,email,role,start_date\n", "no people"),
        (
            b"name,email,role,start_date\nBell\x07,b@s.example,teacher,2026-09-01\n",
            "control characters",
        ),
    ],
)
def test_broken_files_say_what_to_do(data, expected):
    """Does an empty, headless, wrongly encoded or control-character file get a clear message?"""
    with pytest.raises(RosterError) as caught:
        parse_roster(data)
    assert expected in str(caught.value)


def test_hostile_names_are_kept_as_text(store):
    """Is a name full of markup stored exactly, to be escaped wherever it is shown?"""
    name = "<script>alert('x')</script> =HYPERLINK(\"http://x\")"
    data = f'name,email,role,start_date\n"{name.replace(chr(34), chr(34) * 2)}",h@school.example,teacher,2026-09-01\n'
    ((learner, _),) = import_roster(store, data.encode())
    assert store.learner(learner.id).name == name


def test_an_optional_group_column_is_kept(store):
    """Does a roster with a group column give each person their group, for the DSL's filters?"""
    data = "name,email,role,start_date,group\nAl,al@school.example,teacher,2026-09-01,KS1\nBo,bo@school.example,support,2026-09-01,\n"
    created = import_roster(store, data.encode())
    assert [learner.group for learner, _ in created] == ["KS1", None]
    assert [learner.group for learner in store.learners()] == ["KS1", None]


def test_codes_hash_at_the_cost_chosen_for_random_codes_and_old_hashes_still_check():
    """Are new codes hashed with scrypt n=2**10, and do codes hashed at n=2**14 still sign in?"""
    code = new_access_code()
    assert hash_code(code).startswith(f"scrypt${CODE_SCRYPT_N}$8$1$") and CODE_SCRYPT_N == 2**10
    old = hash_code(code, n=2**14)
    assert old.startswith("scrypt$16384$8$1$")
    assert check_code(code, old) and not check_code(new_access_code(), old)


def test_a_big_roster_is_hashed_on_every_core_with_progress(store, monkeypatch):
    """Does a roster past PARALLEL_FROM use worker processes, report progress, and give working codes?"""
    pools = []

    class CountedPool(codes_module.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(codes_module, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(codes_module, "_cores", lambda: 2)
    count = codes_module.PARALLEL_FROM + 50
    rows = "".join(f"P {i},p{i}@school.example,teacher,2026-09-01\n" for i in range(count))
    seen = []
    created = import_roster(
        store, ("name,email,role,start_date\n" + rows).encode(), progress=lambda *a: seen.append(a)
    )
    assert pools == [2]
    assert seen[-1] == (count, count) and len(seen) > 1
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert [learner.email for learner, _ in created] == [
        f"p{i}@school.example" for i in range(count)
    ]
    for learner, code in created[:: count // 5]:  # the codes line up with their people
        assert store.sign_in(learner.email, code).id == learner.id
