"""Time and memory of the lots import at a million rows (run with -m benchmark).

    QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s \
        tests/benchmarks/test_lots_import_bench.py

Each measurement runs in a fresh process and reads ``ru_maxrss`` there, so the figure
is the import's own peak. LOTS_IMPORT_BENCH_N sets the rows (default 1,000,000) of the
XLSX; LOTS_IMPORT_BENCH_CSV_MB the size of the CSV (default 50). Before the streaming import (issue 9 §10) a million-row
XLSX took 102 s and 742 MB, and a 50 MB CSV dry run 1.7 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

N = int(os.environ.get("LOTS_IMPORT_BENCH_N", "1000000"))
CSV_BYTES = int(float(os.environ.get("LOTS_IMPORT_BENCH_CSV_MB", "50")) * 1_000_000)
ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Inkom", "Kommun", "Part", "Handläggare", "Kön", "Födelseår", "Individärende",
          "Frågeställning", "Utfall", "Avslutad", "Referens"]  # fmt: skip
QUESTIONS = ["Information och rådgivning", "Arbetslivsinriktad rehabilitering", "Övrigt"]
OUTCOMES = ["Arbete", "Studier", "Återgång till ordinarie sysselsättning", "Sjukersättning"]


def row(i: int) -> list:
    received = date(2016 + i % 8, 1 + i % 12, 1 + i % 28)
    return [received, ["Håbo", "Heby", "Tierp", "Älvkarleby"][i % 4], ["AF", "FK", "Soc"][i % 3],
            f"H-{i % 400}", ["Kvinna", "Man", "Okänt"][i % 3], 1950 + i % 50,
            "Ja" if i % 2 else "Nej", QUESTIONS[i % 3], OUTCOMES[i % 4],
            received if i % 5 == 0 else None, f"L-{i}"]  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from openpyxl import Workbook

    folder = tmp_path_factory.mktemp("import")
    xlsx = folder / "lots.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Lotsärenden")
    sheet.append(HEADER)
    for i in range(N):
        sheet.append(row(i))
    book.save(xlsx)
    csv_path = folder / "lots.csv"
    with csv_path.open("w", encoding="utf-8-sig") as f:
        f.write(";".join(HEADER) + "\n")
        i = 0
        while f.tell() < CSV_BYTES:
            f.write(";".join("" if v is None else str(v) for v in row(i)) + "\n")
            i += 1
    return folder, xlsx, csv_path


MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    from datetime import date
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from tests.lots_fixtures import county
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services.lots_import import import_in_batches, preview_import

    path, dry_run = Path({path!r}), {dry_run}
    db = open_database(Path({db!r}))
    county(db)
    def peak():  # this process's own high-water mark (ru_maxrss includes the parent's)
        try:
            status = Path("/proc/self/status").read_text()
            return int(status.split("VmHWM:")[1].split()[0]) / 1024
        except (OSError, IndexError):
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = peak()
    t = time.perf_counter()
    with db.reading() as s:
        preview = preview_import(s, path, date(2026, 11, 22))
    read = time.perf_counter() - t
    imported = 0
    if not dry_run:
        imported = import_in_batches(db, preview).imported
    total = time.perf_counter() - t
    print(preview.rows_read, preview.to_import, imported, round(read, 1), round(total, 1),
          round(base), round(peak()))
    """
)


def measure(path: Path, db: Path, dry_run: bool) -> dict:
    script = MEASURE.format(tests=str(ROOT / "tests"), path=str(path), db=str(db), dry_run=dry_run)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    keys = ("rows", "to_import", "imported", "read_s", "total_s", "base_mb", "peak_mb")
    return dict(zip(keys, (float(v) for v in done.stdout.split()), strict=True))


@pytest.mark.parametrize("kind, dry_run", [("xlsx", False), ("csv", True), ("csv", False)])
def test_a_big_import_stays_under_300_mb(files, kind, dry_run):
    folder, xlsx, csv_path = files
    path = xlsx if kind == "xlsx" else csv_path
    db = folder / f"{kind}-{dry_run}.sqlite"
    db.unlink(missing_ok=True)
    m = measure(path, db, dry_run)
    size = path.stat().st_size / 1e6
    per_row = m["total_s"] / max(m["rows"], 1) * 1e6
    print(
        f"\n{kind} {size:.0f} MB, {m['rows']:,.0f} rows, "
        f"{'dry run' if dry_run else 'import'}: read {m['read_s']} s, total {m['total_s']} s "
        f"({per_row:.0f} µs/row), memory {m['base_mb']:.0f} MB before → {m['peak_mb']:.0f} MB "
        f"peak (growth {m['peak_mb'] - m['base_mb']:.0f} MB)"
    )
    assert m["peak_mb"] < 300
    if not dry_run:
        assert m["imported"] == m["to_import"] == m["rows"]
