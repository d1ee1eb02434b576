"""Spreadsheet imports: read .xlsx/.csv, match headers in Chinese or English, check every row
(dry run), then write all rows in one transaction or none.

A domain registers a handler for a kind of import (``register(handler)``); the handler names
its columns and turns rows into a plan (checking) and the plan into rows (committing).
Progress is written as the rows are checked, so a page can show a bar.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.core import audit
from community_brain.core.errors import IllegalTransition
from community_brain.core.models import ImportJob

MAX_STORED_ERRORS = 2000


def summary_labels() -> dict[str, str]:
    """Readable names for the figures handlers put in a job's summary."""
    return {
        "rows": _("rows"),
        "residents": _("residents"),
        "households": _("households"),
        "shops": _("shops"),
        "new_households": _("new households"),
        "created_residents": _("residents created"),
        "created_households": _("households created"),
        "created_shops": _("shops created"),
        "items": _("items"),
        "new": _("new in the catalogue"),
        "cancelled": _("gone from the catalogue"),
        "changed": _("differing from the catalogue"),
    }


PROGRESS_EVERY = 250


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    help: str = ""
    example: str = ""

    def header(self) -> str:
        return f"{self.zh}{'*' if self.required else ''}"


@dataclass
class RowError:
    row: int  # the spreadsheet's row number, header = 1
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class Checked:
    """The result of checking a file: a plan to write, and every error found."""

    plan: object = None
    errors: list[RowError] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


class ImportHandler:
    kind: str = ""
    title: str = ""
    columns: tuple[Column, ...] = ()

    def check(
        self, rows: list[tuple[int, dict]], job: ImportJob, progress: Callable[[int], None]
    ) -> Checked:
        raise NotImplementedError

    def commit(self, checked: Checked, job: ImportJob) -> dict:
        raise NotImplementedError

    def allowed(self, user) -> bool:
        raise NotImplementedError


_HANDLERS: dict[str, ImportHandler] = {}


def register(cls: type[ImportHandler]) -> type[ImportHandler]:
    """Class decorator: make the handler available under its kind."""
    _HANDLERS[cls.kind] = cls()
    return cls


def handler_for(kind: str) -> ImportHandler:
    return _HANDLERS[kind]


def handlers() -> list[ImportHandler]:
    return list(_HANDLERS.values())


class FileProblem(ValueError):
    """The file as a whole cannot be read."""


def _norm(text) -> str:
    return str(text or "").strip().replace("*", "").replace("＊", "").replace(" ", "").lower()


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: str | Path, name: str, columns: Iterable[Column]) -> list[tuple[int, dict]]:
    """Rows as (row number, {column key: text}); blank rows skipped."""
    columns = list(columns)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        raw_rows = _xlsx_rows(path)
    elif suffix == ".csv":
        raw_rows = _csv_rows(path)
    elif suffix == ".json":
        raw_rows = _json_rows(path)
    else:
        raise FileProblem(_("Upload an .xlsx, .csv or .json file."))
    try:
        header = next(raw_rows)
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    lookup = {}
    for col in columns:
        for alias in (col.zh, col.en, col.key):
            lookup[_norm(alias)] = col.key
    positions = {}
    unknown = []
    for i, title in enumerate(header):
        key = lookup.get(_norm(title))
        if key:
            positions[i] = key
        elif _norm(title):
            unknown.append(str(title))
    missing = [c.zh for c in columns if c.required and c.key not in positions.values()]
    if missing:
        raise FileProblem(
            _(
                "Columns missing from the first row: %(cols)s. Download the template "
                "to see the expected columns."
            )
            % {"cols": "、".join(missing)}
        )
    rows = []
    for number, raw in enumerate(raw_rows, start=2):
        values = {key: _cell(raw[i]) if i < len(raw) else "" for i, key in positions.items()}
        if any(values.values()):
            rows.append((number, values))
        if len(rows) > settings.IMPORT_MAX_ROWS:
            raise FileProblem(
                _("More than %(n)s rows: split the file.") % {"n": settings.IMPORT_MAX_ROWS}
            )
    return rows


def _xlsx_rows(path):
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(_("This is not a readable .xlsx workbook.")) from exc
    sheet = book.worksheets[0]
    yield from sheet.iter_rows(values_only=True)
    book.close()


def _json_rows(path):
    """A JSON array of objects (keys: the column titles or keys), as a header and rows."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FileProblem(_("This is not a readable JSON file (UTF-8).")) from exc
    if isinstance(data, dict):  # {"items": [...]} as catalogues often come
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise FileProblem(_("The JSON file must hold a list of objects, one per row."))
    header = list(dict.fromkeys(key for row in data for key in row))
    yield header
    for row in data:
        yield [row.get(key) for key in header]


def _csv_rows(path):
    data = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem(_("The .csv file is neither UTF-8 nor GBK text."))
    yield from csv.reader(io.StringIO(text))


# --- running a job --------------------------------------------------------------------------
def _move(job: ImportJob, to: str, **fields) -> None:
    if to not in ImportJob.TRANSITIONS[job.status]:
        raise IllegalTransition("import", job.status, to)
    job.status = to
    for key, value in fields.items():
        setattr(job, key, value)
    job.save()


def _progress_writer(job: ImportJob) -> Callable[[int], None]:
    def write(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == job.total_rows:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    return write


def _check(job: ImportJob) -> Checked:
    handler = handler_for(job.kind)
    try:
        rows = read_table(job.file.path, job.original_name, handler.columns)
    except FileProblem as exc:
        return Checked(errors=[RowError(1, "", str(exc))])
    job.total_rows = len(rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows), processed_rows=0)
    return handler.check(rows, job, _progress_writer(job))


def _store_errors(job: ImportJob, checked: Checked, status: str) -> None:
    errors = sorted(checked.errors, key=lambda e: (e.row, e.field))
    _move(
        job,
        status,
        errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
        error_count=len(errors),
        summary=checked.summary,
        finished_at=timezone.now(),
        processed_rows=job.total_rows,
    )


def validate_job(job_id: int) -> ImportJob:
    """The dry run: check every row, write nothing but the job's findings."""
    job = ImportJob.objects.get(pk=job_id)
    _move(job, ImportJob.Status.VALIDATING, processed_rows=0, finished_at=None)
    try:
        checked = _check(job)
    except Exception:
        _move(job, ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    _store_errors(
        job, checked, ImportJob.Status.INVALID if checked.errors else ImportJob.Status.VALID
    )
    return job


def commit_job(job_id: int) -> ImportJob:
    """Check again (the register may have changed since the dry run), then write every row
    in one transaction — or, if anything is wrong now, nothing."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:  # confirm() moves it; direct calls need not
        _move(job, ImportJob.Status.IMPORTING, processed_rows=0)
    handler = handler_for(job.kind)
    try:
        checked = _check(job)
        if checked.errors:
            _store_errors(job, checked, ImportJob.Status.INVALID)
            return job
        with transaction.atomic():
            result = handler.commit(checked, job)
            audit.record(
                "import.commit", job, actor=job.created_by, summary=job.original_name, data=result
            )
    except Exception:
        job.refresh_from_db()
        _move(job, ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    _move(
        job,
        ImportJob.Status.DONE,
        summary={**checked.summary, **result},
        processed_rows=job.total_rows,
        finished_at=timezone.now(),
    )
    return job


def template_workbook(handler: ImportHandler) -> bytes:
    """An .xlsx with the header row, one example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = handler.title[:31] or "data"
    sheet.append([c.header() for c in handler.columns])
    sheet.append([c.example for c in handler.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDECEA")
    for i, col in enumerate(handler.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(10, len(col.zh) * 3)
    notes = book.create_sheet("说明")
    notes.append(["列", "Column", "必填", "说明"])
    for col in handler.columns:
        notes.append([col.zh, col.en, "是" if col.required else "", col.help])
    notes.column_dimensions["D"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- services -------------------------------------------------------------------------------
def start(*, by, kind: str, upload) -> ImportJob:
    """Store the upload and queue its dry run."""
    from django.core.exceptions import PermissionDenied

    from community_brain.core.errors import InvalidInput
    from community_brain.core.tasks import validate_import

    handler = _HANDLERS.get(kind)
    if handler is None:
        raise InvalidInput.single("kind", _("Unknown kind of import."))
    if not handler.allowed(by):
        raise PermissionDenied
    name = Path(upload.name or "").name
    if Path(name).suffix.lower() not in {".xlsx", ".csv", ".json"}:
        raise InvalidInput.single("file", _("Upload an .xlsx, .csv or .json file."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise InvalidInput.single(
            "file",
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, file=upload, original_name=name[:200], created_by=by
        )
        audit.record("import.upload", job, actor=by, summary=name)
        transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


def confirm(*, by, job: ImportJob) -> ImportJob:
    """Queue the write of a checked file."""
    from django.core.exceptions import PermissionDenied

    from community_brain.core.errors import InvalidInput
    from community_brain.core.tasks import commit_import

    if job.created_by_id != by.pk and not by.is_superuser:
        raise PermissionDenied
    if job.status != ImportJob.Status.VALID:
        raise InvalidInput.single(
            "__all__", _("Only a file checked without errors can be imported.")
        )
    with transaction.atomic():
        # Importing from now on, so the page keeps polling until the worker is done.
        _move(job, ImportJob.Status.IMPORTING, processed_rows=0)
        audit.record("import.confirm", job, actor=by, summary=job.original_name)
        transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    return job
