"""Issue 9 §8: every command-line command meets bad input with a Swedish message on
stderr and a non-zero exit, never a traceback.

The commands are read from the argparse parser (so a new command is covered without
anyone remembering) and each is run with: no arguments, an unknown option, bad numbers,
and then for ``--db`` and for every file or folder argument: a missing folder, a
read-only folder (a read-only tmpfs: root ignores chmod), a full disk (a small tmpfs
filled to the last byte), a folder where a file is expected, a file that is not a
database, and a path with a lone surrogate character (a broken file name). Names with
a lone surrogate (``--user``, ``--kommun``, the personnummer) are tried too.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess

import pytest

from finsam_desktop import cli
from finsam_desktop.cli import common, program
from finsam_desktop.db.migrate import open_database

pytestmark = pytest.mark.sqlite_only(
    reason="full and read-only disks under database files and backups"
)

SURROGATE = "\udce4"  # what a Latin-1 "ä" in a file name or terminal becomes in Python

# A sample valid value for each required argument, by its dest. A new command with a
# new required argument fails here until it is given one (and so gets tested).
PATH_ARGS = {"dest", "backup", "out", "file"}
NAME_ARGS = {"personnummer", "kommun"}

SWEDISH = re.compile(
    r"[åäöÅÄÖ]|\b(inte|kan|finns|fel|mappen|filen|databasen|ange|välj|måste|användning|"
    r"saknas|skrivskydd|full|tecken|heltal|behörighet|lösenord|okänd|ogiltigt|argument|"
    r"har|och|eller|ett|en|är|siffror|personnummer)\b",
    re.IGNORECASE,
)
ENGLISH = re.compile(
    r"\b(the|is not|could not|cannot|invalid|required|error|unrecognized|expected|"
    r"no such|permission denied|read-only file system|no space)\b",
    re.IGNORECASE,
)


def leaf_commands(
    parser: argparse.ArgumentParser, prefix=()
) -> dict[tuple, argparse.ArgumentParser]:
    """Every runnable command, e.g. ('info',), ('lots', 'summary'), with its parser."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(leaf_commands(sub, (*prefix, name)))
    if not found and prefix:
        found[prefix] = parser
    return found


def command_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]


@pytest.fixture(scope="module")
def mounts(tmp_path_factory):
    """A read-only and a full tmpfs (root on the test machine; skipped elsewhere)."""
    base = tmp_path_factory.mktemp("mounts")
    read_only, full = base / "readonly", base / "full"
    read_only.mkdir()
    full.mkdir()
    made = []
    for point, options in ((read_only, "ro,size=1m"), (full, "size=256k")):
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True
        )
        if done.returncode != 0:
            for p in made:
                subprocess.run(["umount", "-l", str(p)], check=False)
            pytest.skip("mounting a tmpfs needs root (as on the test machine)")
        made.append(point)
    try:
        # Fill the small disk to the last byte.
        for name, chunk in (("filler", 65536), ("filler-small", 512), ("filler-tiny", 1)):
            fd = os.open(full / name, os.O_WRONLY | os.O_CREAT)
            try:
                while os.write(fd, b"\0" * chunk):
                    pass
            except OSError:
                pass
            finally:
                os.close(fd)
        yield {"read_only": read_only, "full": full}
    finally:
        for p in made:
            subprocess.run(["umount", "-l", str(p)], check=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    base = tmp_path_factory.mktemp("clidata")
    db = open_database(base / "finsam.sqlite")
    db.close()
    backup = base / "copy.sqlite"
    from finsam_desktop.db.backup import backup_file

    backup_file(base / "finsam.sqlite", backup)
    garbage = base / "not-a-database.sqlite"
    garbage.write_bytes(b"This is a letter, not a database.\n" * 200)
    sheet = base / "lots.csv"
    sheet.write_text("Inkommen;Kommun\n2016-01-04;Älvsnäs\n", encoding="utf-8")
    folder = base / "a-folder"
    folder.mkdir()
    return {
        "base": base,
        "db": base / "finsam.sqlite",
        "backup": backup,
        "garbage": garbage,
        "sheet": sheet,
        "folder": folder,
    }


def sample(dest: str, files: dict) -> str:
    values = {
        "dest": str(files["base"] / "copies"),
        "backup": str(files["backup"]),
        "out": str(files["base"] / "out.pdf"),
        "file": str(files["sheet"]),
        "personnummer": "19900101-9802",
        "period": "2016",
        "till": "postgresql://finsam@127.0.0.1:1/finsam",  # no server answers there
    }
    assert dest in values, f"give the required argument {dest!r} a sample value in this test"
    return values[dest]


def base_args(command: tuple, parser, files) -> list[str]:
    """The command with sample values for its required arguments."""
    args = list(command)
    for action in command_actions(parser):
        if action.nargs == "?":
            continue  # an optional positional ("statistik [krans]")
        if not action.option_strings:
            args.append(sample(action.dest, files))
        elif action.required:
            args += [action.option_strings[-1], sample(action.dest, files)]
    return args


def bad_paths(files, mounts) -> dict[str, str]:
    return {
        "missing folder": str(files["base"] / "saknas" / "inget" / "x.sqlite"),
        "read-only folder": str(mounts["read_only"] / "x.sqlite"),
        "full disk": str(mounts["full"] / "x.sqlite"),
        "a folder": str(files["folder"]),
        "not a database": str(files["garbage"]),
        "lone surrogate": str(files["base"] / f"namn{SURROGATE}.sqlite"),
    }


def cases(files, mounts) -> list[tuple[str, list[str]]]:
    parser = cli.build_parser()
    out = []
    commands = leaf_commands(parser)
    assert {("info",), ("migrate",), ("backup",), ("demo",), ("restore",)} <= set(commands)
    paths = bad_paths(files, mounts)
    for command, sub in sorted(commands.items()):
        name = " ".join(command)
        valid = base_args(command, sub, files)
        db = ["--db", str(files["db"])]
        if len(valid) > len(command):
            out.append((f"{name}: no arguments", [*db, *command]))
        out.append((f"{name}: unknown option", [*db, *valid, "--flyga"]))
        for action in command_actions(sub):
            if action.option_strings and action.type not in (None, str):
                flag = action.option_strings[-1]
                out.append((f"{name}: {flag} not a number", [*db, *valid, flag, "x"]))
                out.append((f"{name}: {flag} 99999", [*db, *valid, flag, "99999"]))
                out.append((f"{name}: {flag} huge", [*db, *valid, flag, "9" * 30]))
            if action.dest in NAME_ARGS:
                args = [*valid]
                if action.option_strings:
                    args += [action.option_strings[-1], f"Å{SURROGATE}"]
                else:
                    args[args.index(sample(action.dest, files))] = f"1990{SURROGATE}"
                out.append((f"{name}: {action.dest} with a lone surrogate", [*db, *args]))
        for kind, path in paths.items():
            out.append((f"{name}: --db {kind}", ["--db", path, *valid]))
        out.append((f"{name}: --user with a lone surrogate", [*db, "--user", SURROGATE, *valid]))
        for action in command_actions(sub):
            if action.dest not in PATH_ARGS:
                continue
            for kind, path in paths.items():
                target = path if kind != "read-only folder" else str(mounts["read_only"] / "ut")
                args = [*valid]
                if action.option_strings:
                    flag = action.option_strings[-1]
                    if flag in args:
                        args[args.index(flag) + 1] = target
                    else:
                        args += [flag, target]
                    if any("--format" in a.option_strings for a in command_actions(sub)):
                        args += ["--format", "csv"]
                else:
                    args[args.index(sample(action.dest, files))] = target
                out.append((f"{name}: {action.dest} {kind}", [*db, *args]))
    return out


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (1 if exc.code else 0)
        if isinstance(exc.code, str):
            print(exc.code, file=__import__("sys").stderr)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_command_with_bad_input_says_so_in_swedish(files, mounts, capsys, monkeypatch):
    monkeypatch.setenv("FINSAM_PASSWORD", "fel-lösenord-men-långt")
    monkeypatch.setenv("HOME", str(files["base"]))  # crash reports stay in the test's folder
    monkeypatch.delenv("FINSAM_DB", raising=False)
    all_cases = cases(files, mounts)
    problems = []
    failed = 0
    for label, argv in all_cases:
        code, out, err = run(argv, capsys)
        text = out + err
        where = f"{label}: {argv}"
        if "Traceback" in text:
            problems.append(f"traceback — {where}")
            continue
        if code in (70,):
            problems.append(f"unexpected fault — {where}: {err.strip()}")
            continue
        if code == 0:
            continue  # e.g. info on a database that does not exist yet
        failed += 1
        message = err
        for path in (str(files["base"]), str(mounts["read_only"]), str(mounts["full"])):
            message = message.replace(path, "")
        if not message.strip():
            problems.append(f"no message — {where}")
        elif not SWEDISH.search(message) or ENGLISH.search(message):
            problems.append(f"not Swedish — {where}: {message.strip()}")
    assert problems == [], "\n".join(problems)
    print(f"{len(all_cases)} runs, {failed} refused with a Swedish message")
    assert len(all_cases) >= 100 and failed >= 60


def test_the_full_disk_and_read_only_folder_are_real(mounts):
    with pytest.raises(OSError) as full:
        (mounts["full"] / "more").write_bytes(b"x" * 4096)
    assert full.value.errno == 28  # ENOSPC
    with pytest.raises(OSError) as ro:
        (mounts["read_only"] / "x").write_bytes(b"x")
    assert ro.value.errno == 30  # EROFS


def test_backup_to_a_full_or_read_only_folder(files, mounts, capsys):
    for folder in (mounts["full"], mounts["read_only"]):
        code, _out, err = run(["--db", str(files["db"]), "backup", str(folder)], capsys)
        assert code == 1 and "Traceback" not in err
        assert "full" in err or "skrivskydd" in err, err
    assert not list(mounts["full"].glob("*.part"))


def test_migrate_twice_in_the_same_second_keeps_both_backups(tmp_path, capsys):
    """Backups made before an upgrade get a free name, also within one second."""
    from finsam_desktop.db.backup import free_path, timestamped_name

    path = tmp_path / "finsam.sqlite"
    first = tmp_path / "backups" / timestamped_name(path, "before-upgrade-0006")
    first.parent.mkdir()
    first.write_bytes(b"taken")
    second = free_path(first)
    assert second != first and second.name.endswith("-2.sqlite")
    second.write_bytes(b"taken")
    assert free_path(first).name.endswith("-3.sqlite")


def test_swedish_parser_messages(capsys):
    code, _out, err = run(["lots", "summary", "--year", "99999"], capsys)
    assert code == 2 and "Året måste vara mellan 1900 och 2200" in err
    code, _out, err = run(["backup"], capsys)
    assert code == 2 and "följande argument krävs" in err
    code, _out, err = run(["flyga"], capsys)
    assert code == 2 and "ogiltigt val" in err


def test_an_unexpected_fault_is_a_swedish_message_with_a_report(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    parser = program.build_parser
    monkeypatch.setattr(
        program,
        "build_parser",
        lambda lazy=False: _with_run(parser(), "info", lambda args: 1 / 0),
    )
    code, _out, err = run(["info"], capsys)
    assert code == 70 and "Traceback" not in err
    assert "oväntat" in err.lower() and "ZeroDivisionError" in err


def _with_run(parser, name, fn):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices[name].set_defaults(run=fn)
    return parser


def test_messages_never_fail_on_characters_the_terminal_cannot_show(capsys):
    common.say(f"Filen namn{SURROGATE}.sqlite finns inte")
    assert "finns inte" in capsys.readouterr().err


def test_a_new_error_class_can_say_it_carries_a_message(monkeypatch, capsys):
    from finsam_desktop.problems import user_message

    class KeyFileDamaged(RuntimeError):
        shown_to_user = True

    assert user_message(KeyFileDamaged("Nyckelfilen är skadad.")) == "Nyckelfilen är skadad."
    assert user_message(RuntimeError("internal")) is None
