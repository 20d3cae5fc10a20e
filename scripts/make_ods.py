#!/usr/bin/env python3
"""Writes tests/fixtures/creators.ods: a tiny OpenDocument spreadsheet
(two sheets; typed cells: text, a number, a boolean, a date, an empty row)
for the workbook tests. Run from the repository root; standard library only."""
import zipfile

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def cell(v):
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, bool):
        b = "true" if v else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{b}"><text:p>{b.upper()}</text:p></table:table-cell>'
    if isinstance(v, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    if isinstance(v, tuple):  # a date
        return f'<table:table-cell office:value-type="date" office:date-value="{v[0]}"><text:p>{v[0]}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def table(name, rows):
    body = "".join("<table:table-row>" + "".join(cell(c) for c in r) + "</table:table-row>" for r in rows)
    return f'<table:table table:name="{name}">{body}</table:table>'


creators = [
    ["handle", "followers", "active", "joined"],
    ["ann", 12400, True, ("2026-11-03",)],
    [None, None, None, None],
    ["bob", 900, False, ("2026-01-15",)],
]
brands = [["brand", "budget"], ["acme", 5000]]
content = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.2">'
    "<office:body><office:spreadsheet>"
    + table("Creators", creators)
    + table("Brands", brands)
    + "</office:spreadsheet></office:body></office:document-content>"
)
manifest = (
    f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {NS} manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
with zipfile.ZipFile("tests/fixtures/creators.ods", "w") as z:
    # the mimetype first and stored, as the format asks
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
    z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
