"""``brain workcalendar``: look at a year of the working calendar (工作日历), or load a year's
official schedule from a .csv or .json file into the table that overrides the holiday library.

    brain workcalendar show 2027
    brain workcalendar import 2027.csv --published 2027 --source "国办发明电〔2026〕N号"

A file holds ``date,kind,name[,note]`` rows (kind is ``holiday`` or ``workday``); in a .csv,
blank lines, lines starting with ``#`` and a ``date,kind,…`` header are skipped; a .json file
is a list of objects with those keys. Every row is checked first; one bad row and nothing is
written.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from community_brain.core import audit, workdays
from community_brain.core.models import WorkCalendarDay, WorkCalendarYear

COLUMNS = ("date", "kind", "name", "note")


@dataclass(frozen=True)
class RawRow:
    where: str  # "line 4" (csv) or "item 3" (json), for error messages
    cells: tuple


class Command(BaseCommand):
    help = "Show a year of the working calendar, or import a year's official schedule."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="list a year's days off and swapped working days")
        show.add_argument("year", type=int)
        load = sub.add_parser("import", help="load date,kind,name rows from a .csv or .json")
        load.add_argument("file")
        load.add_argument(
            "--published", type=int, metavar="YEAR", help="mark YEAR's schedule as fully entered"
        )
        load.add_argument("--source", default="", help="the notice's title and number")
        load.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    @no_translations  # an operator's tool: English throughout, model messages included
    def handle(self, action, **options):
        if action == "show":
            self.show(options["year"])
        else:
            self.load(
                Path(options["file"]),
                published=options["published"],
                source=options["source"],
                dry_run=options["dry_run"],
            )

    # --- show ----------------------------------------------------------------------------------

    def show(self, year: int) -> None:
        self.stdout.write(f"{year}: {_status(year)}")
        entries = _entries(year)
        for kind, title in (
            (WorkCalendarDay.Kind.HOLIDAY, "Days off"),
            (WorkCalendarDay.Kind.WORKDAY, "Swapped working days"),
        ):
            rows = [(d, e) for d, e in sorted(entries.items()) if e[0] == kind]
            self.stdout.write(f"{title} ({len(rows)}):")
            for d, (_kind, name, origin) in rows:
                self.stdout.write(f"  {d:%Y-%m-%d} {d:%a}  {name or '-'}  ({origin})")
        total = workdays.workdays_between(date(year - 1, 12, 31), date(year, 12, 31))
        self.stdout.write(f"Working days in {year}: {total}")

    # --- import --------------------------------------------------------------------------------

    def load(self, path: Path, *, published: int | None, source: str, dry_run: bool) -> None:
        if source and published is None:
            raise CommandError("--source goes with --published YEAR")
        days, errors = check_rows(read_rows(path))
        if errors:
            lines = "\n".join(f"  {e}" for e in errors)
            raise CommandError(f"{path.name}: {len(errors)} bad row(s), nothing written:\n{lines}")
        if published is not None and not any(d.date.year == published for d in days):
            self.stderr.write(f"warning: no row of {path.name} falls in {published}")
        if dry_run:
            self.stdout.write(f"{path.name}: {len(days)} row(s) OK (dry run, nothing written)")
            return
        import_days(days, published=published, source=source, file_name=path.name)
        done = f"imported {len(days)} day(s) from {path.name}"
        if published is not None:
            done += f"; {published} marked published"
        self.stdout.write(done)


def read_rows(path: Path) -> list[RawRow]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".json":
        return _json_rows(text, path)
    if path.suffix.lower() == ".csv":
        return _csv_rows(text)
    raise CommandError(f"{path.name}: expected a .csv or .json file")


def _csv_rows(text: str) -> list[RawRow]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = tuple(c.strip() for c in next(csv.reader([line])))
        if not rows and cells[0].lower() == "date":
            continue  # the header
        rows.append(RawRow(f"line {number}", cells))
    return rows


def _json_rows(text: str, path: Path) -> list[RawRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path.name}: not valid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise CommandError(f"{path.name}: expected a list of {{date, kind, name}} objects")
    rows = []
    for number, item in enumerate(data, start=1):
        cells = (
            tuple(str(item.get(k) or "").strip() for k in COLUMNS) if isinstance(item, dict) else ()
        )
        rows.append(RawRow(f"item {number}", cells))
    return rows


def check_rows(rows: list[RawRow]) -> tuple[list[WorkCalendarDay], list[str]]:
    """Validate every row with the model's own rules; return the days and the errors."""
    days, errors, first_seen = [], [], {}
    for row in rows:
        if not 2 <= len(row.cells) <= len(COLUMNS):
            errors.append(f"{row.where}: expected date,kind,name[,note]")
            continue
        day = WorkCalendarDay(**dict(zip(COLUMNS, row.cells, strict=False)))
        try:
            day.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors.extend(
                f"{row.where}: {field}: {msg}"
                for field, messages in exc.message_dict.items()
                for msg in messages
            )
            continue
        if day.date in first_seen:
            errors.append(f"{row.where}: date: {day.date} is already on {first_seen[day.date]}")
            continue
        first_seen[day.date] = row.where
        days.append(day)
    return days, errors


@transaction.atomic
def import_days(
    days: list[WorkCalendarDay], *, published: int | None, source: str, file_name: str
) -> None:
    """Write checked days (replacing any row of the same date) and, if asked, mark a year
    published — all in one transaction, with an audit row."""
    for day in days:
        WorkCalendarDay.objects.update_or_create(
            date=day.date, defaults={"kind": day.kind, "name": day.name, "note": day.note}
        )
    year = None
    if published is not None:
        defaults = {"published": True} | ({"source": source} if source else {})
        year, _created = WorkCalendarYear.objects.update_or_create(
            year=published, defaults=defaults
        )
    audit.record(
        "workcalendar.import",
        year,
        summary=f"{len(days)} day(s) from {file_name}",
        data={"file": file_name, "days": len(days), "published": published, "source": source},
    )


def _status(year: int) -> str:
    if workdays.library_covers(year):
        return f"known (chinese-calendar {chinese_calendar.__version__})"
    row = WorkCalendarYear.objects.filter(year=year).first()
    if row and row.published:
        return f"known (published in the table: {row.source or 'no source given'})"
    return (
        "NOT KNOWN: deadlines reaching this year count weekends only, plus the rows below, "
        "and are flagged for review"
    )


def _entries(year: int) -> dict[date, tuple[str, str, str]]:
    """date -> (kind, name, where it comes from), library first, the table over it."""
    entries = _library_entries(year) if workdays.library_covers(year) else {}
    for row in WorkCalendarDay.objects.filter(date__year=year):
        origin = "table, replaces library" if row.date in entries else "table"
        entries[row.date] = (row.kind, row.name, origin)
    return entries


def _library_entries(year: int) -> dict[date, tuple[str, str, str]]:
    entries = {}
    d = date(year, 1, 1)
    while d.year == year:
        off, name = chinese_calendar.get_holiday_detail(d)
        weekend = d.weekday() >= 5
        if off and name:
            entries[d] = (WorkCalendarDay.Kind.HOLIDAY, _chinese(name), "library")
        elif not off and weekend:
            entries[d] = (WorkCalendarDay.Kind.WORKDAY, _chinese(name), "library")
        d += timedelta(days=1)
    return entries


def _chinese(name: str | None) -> str:
    if not name:
        return ""
    try:
        return f"{chinese_calendar.Holiday(name).chinese} {name}"
    except ValueError:
        return name
