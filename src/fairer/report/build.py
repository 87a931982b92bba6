"""Assemble report sections into one self-contained, accessible HTML file."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from fairer import __version__
from fairer.tabular import write_text_atomic


@dataclass
class Section:
    """One part of the report: a heading, HTML body and the sources it rests on."""

    id: str
    title: str
    body: str
    sources: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A place's report. Later stages add sections; :meth:`write` renders the file."""

    title: str
    place_name: str
    synthetic: bool = False
    sections: list[Section] = field(default_factory=list)
    attributions: list[str] = field(default_factory=list)

    def add(self, section: Section) -> None:
        self.sections.append(section)

    def render(self) -> str:
        env = Environment(
            loader=PackageLoader("fairer.report", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
        )
        template = env.get_template("report.html.j2")
        return with_csp(
            template.render(
                report=self,
                sections=[(s, Markup(s.body)) for s in self.sections],
                generated=date.today().isoformat(),
                version=__version__,
                attributions=list(dict.fromkeys(a for a in self.attributions if a)),
            )
        )

    def write(self, path: str | Path) -> Path:
        """Write the report atomically and return its path."""
        return write_text_atomic(path, self.render())


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def with_csp(page: str) -> str:
    """Add a Content-Security-Policy to a page: nothing loads from anywhere, and only the
    page's own inline scripts (by their SHA-256) run — an injected ``<script>`` or ``onerror``
    handler would not.

    Parameters
    ----------
    page : str
        A whole HTML page with a ``<head>``.

    Returns
    -------
    str
        The page with the policy as its first ``<meta>`` after the charset.

    Examples
    --------
    >>> out = with_csp('<html><head><meta charset="utf-8"></head><body><script>1</script></body></html>')
    >>> "script-src 'sha256-" in out and "default-src 'none'" in out
    True
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in dict.fromkeys(_INLINE_SCRIPT.findall(page))
    )
    scripts = hashes or "'none'"
    policy = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
        f"script-src {scripts}; base-uri 'none'; form-action 'none'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return re.sub(r"(<meta charset=[^>]*>)", lambda m: m.group(1) + meta, page, count=1)


def figure(svg: str, caption: str, alt: str) -> str:
    """An accessible figure: the SVG has role=img and a text alternative; a caption below."""
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(alt)}" ', 1)
    return f"<figure>{svg}<figcaption>{_text(caption)}</figcaption></figure>"


#: Tables with more columns than this print on a landscape page of their own.
WIDE_COLUMNS = 8


def table_html(
    df: pd.DataFrame, caption: str, formats: dict | None = None, max_rows: int = 200
) -> str:
    """An accessible HTML table with a caption and column headers (scope=col)."""
    formats = formats or {}
    d = df.head(max_rows)
    head = "".join(f'<th scope="col">{_text(c)}</th>' for c in d.columns)
    rows = []
    columns = {c: d[c].tolist() for c in d.columns}  # column-wise keeps ints as ints
    for i in range(len(d)):
        cells = []
        for c in d.columns:
            v = columns[c][i]
            if pd.isna(v):
                text = "–"
            elif c in formats:
                text = formats[c](v)
            elif isinstance(v, float):
                text = f"{v:,.1f}"
            else:
                text = str(v)
            cls = ' class="num"' if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            cells.append(f"<td{cls}>{_text(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f"<p class='note'>Showing {max_rows} of {len(df)} rows; the full table is in the outputs.</p>"
        if len(df) > max_rows
        else ""
    )
    wide = " wide" if len(d.columns) > WIDE_COLUMNS else ""
    return (
        f'<div class="table-wrap{wide}"><table><caption>{_text(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _text(s) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s) -> str:
    return _text(s).replace('"', "&quot;")
