"""File exports of list endpoints: `?format=csv` and `?format=xlsx` (or `Accept: text/csv`, …).

An export is the list itself: the same `list` action, so the same authentication, permissions,
row scope (`get_queryset`), filters and ordering as the JSON list, but every matching row instead of
one page, the serializer's fields as columns and their labels, in the request's language, as headers.

Memory stays bounded whatever the number of rows: the queryset is read with `.iterator(chunk_size=…)`
(a server-side cursor on PostgreSQL, chunked fetches on SQLite), one row is serialized at a time, and

- CSV is generated while it is sent (`StreamingHttpResponse`), a few hundred rows per chunk;
- XLSX is a zip archive whose directory is written last, so it cannot be sent before it is complete:
  an openpyxl *write-only* workbook writes each row to disk as it comes, the archive goes to an
  anonymous temporary file, and that file is streamed (`FileResponse`) and deleted when sent. The
  worker holds one row and the zip buffers, not the sheet.

Errors before the first byte (bad filters, no permission, unknown format) answer in the problem shape;
the first row is fetched before the response starts, so a failing query does too.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Generator, Iterator
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework import renderers, serializers

from core.clock import today

# Rows fetched per database round trip, and CSV rows per chunk sent.
CHUNK_SIZE = 2000
CSV_ROWS_PER_CHUNK = 500
# Excel counts days from 1900 (and wrongly takes 1900 for a leap year): earlier dates are written as text.
EXCEL_FIRST_DAY = datetime.date(1900, 3, 1)
# Text a spreadsheet would run as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportRenderer(renderers.BaseRenderer):
    """A file format a list can be exported in.

    The export itself does not go through `render`: `ExportMixin.list` streams it. What does reach
    `render` is an error body (a problem-details dict), which is written as JSON.
    """

    extension = ""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, renderer_context=renderer_context)

    def response(self, columns: list["Column"], rows: "Rows", basename: str):
        """The export as a download named `<basename>-<today>.<extension>`."""
        raise NotImplementedError

    def filename(self, basename: str) -> str:
        return f"{basename}-{today():%Y-%m-%d}.{self.extension}"


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = extension = "csv"
    charset = "utf-8"

    def response(self, columns, rows, basename):
        stream = _in_language(translation.get_language(), _csv_chunks(columns, rows))
        response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
        return _attachment(response, self.filename(basename))


class XLSXRenderer(ExportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = extension = "xlsx"
    charset = None

    def response(self, columns, rows, basename):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=basename[:31])
        sheet.append([_text_cell(sheet, column.header) for column in columns])
        try:
            for row in rows:
                sheet.append([column.xlsx_cell(sheet, row) for column in columns])
        finally:
            rows.close()
        archive = tempfile.TemporaryFile()  # no name on disk; gone when the response closes it
        workbook.save(archive)
        archive.seek(0)
        response = FileResponse(archive, content_type=self.media_type)
        return _attachment(response, self.filename(basename))


class Column:
    """One serializer field as an export column: its header and how its value is written."""

    def __init__(self, name: str, field: serializers.Field, header: str):
        self.name, self.field, self.header = name, field, header
        self.is_number = isinstance(field, serializers.IntegerField | serializers.DecimalField | serializers.FloatField)

    def csv_value(self, row: dict) -> str:
        value = row[self.name]
        if value is None:
            return ""
        if isinstance(value, str) and not self.is_number:
            return _defused(value)
        return str(value)

    def xlsx_cell(self, sheet, row: dict):
        value = row[self.name]
        if value is None:
            return None
        if isinstance(self.field, serializers.DecimalField) and isinstance(value, str):
            return Decimal(value)  # a number in the sheet, with every digit of the decimal string
        if isinstance(self.field, serializers.DateField) and isinstance(value, str):
            day = datetime.date.fromisoformat(value)
            return day if day >= EXCEL_FIRST_DAY else _text_cell(sheet, value)
        if isinstance(value, str):
            return _text_cell(sheet, value)
        return value


class ExportMixin:
    """Adds CSV and XLSX exports to a viewset's `list` action (see the module docstring).

    `export_basename` names the file: `<basename>-<YYYY-MM-DD>.<ext>`.
    """

    export_renderer_classes = (CSVRenderer, XLSXRenderer)
    export_basename = "export"

    def get_renderers(self):
        renderers_ = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers_ += [renderer() for renderer in self.export_renderer_classes]
        return renderers_

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if not isinstance(renderer, ExportRenderer):
            return super().list(request, *args, **kwargs)
        serializer = self.get_serializer()
        rows = Rows(self.filter_queryset(self.get_queryset()), serializer)
        return renderer.response(export_columns(serializer), rows, self.export_basename)


def export_columns(serializer: serializers.Serializer) -> list[Column]:
    """The serializer's readable fields, headed by their labels in the active language."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return [
        Column(name, field, str(_label(name, field, model)))
        for name, field in serializer.fields.items()
        if not field.write_only
    ]


def _label(name: str, field: serializers.Field, model: type[models.Model] | None):
    # An unlabelled field gets its name as label ("Planned finish"); a model field's verbose name is
    # the translated one (DRF leaves it out when it reads like the name in the language of the moment).
    if str(field.label) == name.replace("_", " ").capitalize() and model is not None:
        try:
            return capfirst(model._meta.get_field(field.source or name).verbose_name)
        except FieldDoesNotExist:
            pass
    return capfirst(field.label)


class Rows:
    """The serialized rows of a queryset, read in chunks through one cursor.

    The query runs when it is made, so that a database error is a problem response rather than a cut-off
    download; `close()` (the response's, when the client is gone or served) releases the cursor.
    """

    _END = object()

    def __init__(self, queryset: QuerySet, serializer: serializers.Serializer):
        self._serializer = serializer
        self._rows = queryset.iterator(chunk_size=CHUNK_SIZE)
        self._first = next(self._rows, self._END)

    def __iter__(self) -> Iterator[dict]:
        try:
            if self._first is not self._END:
                yield self._serializer.to_representation(self._first)
                for row in self._rows:
                    yield self._serializer.to_representation(row)
        finally:
            self.close()

    def close(self) -> None:
        self._rows.close()


def _csv_chunks(columns: list[Column], rows: Rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark tells Excel the file is UTF-8 (it assumes the system code page otherwise).
    buffer.write("\ufeff")
    writer.writerow([column.header for column in columns])
    try:
        for count, row in enumerate(rows, start=1):
            writer.writerow([column.csv_value(row) for column in columns])
            if count % CSV_ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    finally:
        rows.close()  # a client that leaves mid-download: the cursor goes with it


def _in_language(language: str | None, chunks: Generator[str, None, None]) -> Iterator[str]:
    """`chunks`, each made in `language`: the rows are serialized while the response is sent, after the view
    (and its language) returned. The language is set around each chunk, never across a `yield`: a download
    left unread and closed later must not switch the language of whatever request the thread serves then."""
    try:
        while True:
            with translation.override(language):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        chunks.close()


def _defused(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    # openpyxl stores any string that starts with "=" as a formula; text stays text.
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename={filename}"
    return response
