"""The tartan rug: areas × indicators, each cell coloured by comparison with a benchmark.

Self-contained HTML (inline data and script, no network): grouped by domain, value on hover,
legend, per-area counts of better/worse, change since the previous period, sort by any column,
filter by domain, area name and colour, and paging so 7,000 wards × 30 indicators stay usable.
The page reads its starting state from the URL (``#domain=health&colour=worse&q=town``).
Colours are Okabe–Ito (colour-blind safe); every cell also carries its value as text.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from fairer.framework.model import Framework
from fairer.report.build import with_csp
from fairer.tabular import write_text_atomic

COLOURS = {
    "better": ("#0072B2", "#ffffff"),
    "similar": ("#E8E8E8", "#1b1b1b"),
    "worse": ("#E69F00", "#1b1b1b"),
    "higher": ("#CC79A7", "#1b1b1b"),
    "lower": ("#56B4E9", "#1b1b1b"),
}
QUINTILE_COLOURS = ["#3b0f70", "#8c2981", "#de4968", "#fe9f6d", "#fcfdbf"]  # magma: 1 = worst
QUINTILE_TEXT = ["#ffffff", "#ffffff", "#ffffff", "#1b1b1b", "#1b1b1b"]
LEGEND = [
    ("better", "Significantly better than benchmark"),
    ("similar", "Similar"),
    ("worse", "Significantly worse"),
    ("higher", "Higher (no judgement)"),
    ("lower", "Lower (no judgement)"),
]


def _fmt(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    a = abs(v)
    return f"{v:,.0f}" if a >= 1000 else f"{v:.1f}" if a >= 10 else f"{v:.2f}"


def _fmt_series(s: pd.Series) -> list:
    """Format a column as the cells show it (None for missing), vectorised by magnitude."""
    v = pd.to_numeric(s, errors="coerce").to_numpy(float)
    out = np.full(len(v), None, dtype=object)
    a = np.abs(v)
    for mask, fmt in (
        (a >= 1000, "{:,.0f}"),
        ((a >= 10) & (a < 1000), "{:.1f}"),
        (a < 10, "{:.2f}"),
    ):
        idx = np.flatnonzero(mask & ~np.isnan(v))
        out[idx] = [fmt.format(x) for x in v[idx]]
    return out.tolist()


def rug_payload(cells: pd.DataFrame, framework: Framework, title: str, benchmark_name: str) -> dict:
    """The data the rug page embeds (latest period per indicator)."""
    latest = cells[cells["latest"]] if "latest" in cells else cells
    inds = [i for i in framework.indicators if i.id in set(latest["indicator_id"])]
    domains = {d.id: d.title for d in framework.domains}
    areas = (
        latest.groupby(["area_code", "area_name"], dropna=False)
        .size()
        .reset_index()[["area_code", "area_name"]]
    )
    out_cells: dict[str, dict[str, list]] = {}
    f = {
        c: _fmt_series(latest[c])
        for c in ("value", "lowercl", "uppercl", "benchmark", "change")
        if c in latest
    }
    quint = latest["quintile"].astype("float").to_numpy()
    columns = zip(
        latest["area_code"],
        latest["indicator_id"],
        f["value"],
        f["lowercl"],
        f["uppercl"],
        f["benchmark"],
        latest["comparison"],
        quint,
        latest.get("trend", pd.Series("", index=latest.index)),
        latest["period"].astype(str),
        latest["suppressed"].astype(bool),
        f.get("change", [None] * len(latest)),
        strict=True,
    )
    for area, ind, v, lo, up, bench, comp, q, trend, period, sup, change in columns:
        out_cells.setdefault(area, {})[ind] = [
            v,
            lo,
            up,
            bench,
            comp,
            None if np.isnan(q) else int(q),
            trend,
            period,
            sup,
            change,
        ]
    counts = latest.groupby("area_code")["comparison"].value_counts().unstack(fill_value=0)
    return {
        "title": title,
        "benchmark": benchmark_name,
        "indicators": [
            {
                "id": i.id,
                "title": i.title,
                "domain": i.domain,
                "domainTitle": domains.get(i.domain, i.domain),
                "unit": i.unit,
                "polarity": i.polarity,
            }
            for i in inds
        ],
        "areas": [
            {
                "code": a,
                "name": str(n) if isinstance(n, str) else a,
                "better": int(counts.loc[a].get("better", 0)) if a in counts.index else 0,
                "worse": int(counts.loc[a].get("worse", 0)) if a in counts.index else 0,
            }
            for a, n in zip(areas["area_code"], areas["area_name"], strict=True)
        ],
        "cells": out_cells,
        "colours": COLOURS,
        "quintiles": QUINTILE_COLOURS,
        "quintileText": QUINTILE_TEXT,
    }


_SCRIPT = r"""
(function () {
  const D = JSON.parse(document.getElementById('rug-data').textContent);
  const st = {domain: '', q: '', colour: '', sort: 'name', dir: 1, page: 0, size: 50};
  new URLSearchParams(location.hash.slice(1)).forEach((v, k) => { if (k in st) st[k] = (k === 'page' || k === 'size' || k === 'dir') ? Number(v) : v; });
  const $ = (id) => document.getElementById(id);
  const doms = [...new Map(D.indicators.map(i => [i.domain, i.domainTitle])).entries()];
  // Every piece of text is set with textContent or setAttribute: nothing a user typed (an
  // area name, an indicator title) is ever parsed as HTML.
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  const domSel = $('rug-domain');
  domSel.append(new Option('All domains', ''));
  doms.forEach(([d, t]) => domSel.append(new Option(t, d)));
  $('rug-domain').value = st.domain; $('rug-q').value = st.q; $('rug-colour').value = st.colour;
  function cols() { return D.indicators.filter(i => !st.domain || i.domain === st.domain); }
  function cellStyle(c) {
    if (!c) return ['#ffffff', '#1b1b1b'];
    const col = D.colours[c[4]];
    if (col) return col;
    if (c[5]) return [D.quintiles[c[5] - 1], D.quintileText[c[5] - 1]];
    return ['#ffffff', '#1b1b1b'];
  }
  function rows() {
    const q = st.q.toLowerCase();
    let r = D.areas.filter(a => !q || a.name.toLowerCase().includes(q) || a.code.toLowerCase().includes(q));
    if (st.colour) r = r.filter(a => cols().some(i => (D.cells[a.code] || {})[i.id] && D.cells[a.code][i.id][4] === st.colour));
    const key = st.sort;
    r.sort((a, b) => {
      let x, y;
      if (key === 'name') { x = a.name; y = b.name; return st.dir * x.localeCompare(y); }
      if (key === 'better' || key === 'worse') { x = a[key]; y = b[key]; }
      else { x = num((D.cells[a.code] || {})[key]); y = num((D.cells[b.code] || {})[key]); }
      if (x === null) return 1; if (y === null) return -1;
      return st.dir * (x - y);
    });
    return r;
  }
  function num(c) { if (!c || c[0] === null) return null; return Number(String(c[0]).replace(/,/g, '')); }
  function sortButton(key, label, title) {
    const b = el('button', {'data-sort': key, type: 'button'}, label);
    if (title) b.title = title;
    b.onclick = () => { st.dir = st.sort === key ? -st.dir : (key === 'name' ? 1 : -1); st.sort = key; st.page = 0; render(); };
    return b;
  }
  function render() {
    const cs = cols(), r = rows(), pages = Math.max(1, Math.ceil(r.length / st.size));
    st.page = Math.min(st.page, pages - 1);
    const shown = r.slice(st.page * st.size, (st.page + 1) * st.size);
    let groups = [], last = null;
    cs.forEach(i => { if (last && last.d === i.domain) last.n++; else { last = {d: i.domain, t: i.domainTitle, n: 1}; groups.push(last); } });
    const table = $('rug-table');
    table.querySelectorAll('thead, tbody').forEach(n => n.remove());
    const thead = el('thead'), top = el('tr'), second = el('tr');
    [['name', 'Area'], ['better', 'Better'], ['worse', 'Worse']].forEach(([k, t]) => {
      const th = el('th', {scope: 'col', rowspan: '2'}); th.append(sortButton(k, t)); top.append(th);
    });
    groups.forEach(g => top.append(el('th', {scope: 'colgroup', colspan: String(g.n), class: 'dom'}, g.t)));
    cs.forEach(i => {
      const th = el('th', {scope: 'col', class: 'ind'});
      th.append(sortButton(i.id, i.title, `${i.title} (${i.polarity})`)); second.append(th);
    });
    thead.append(top, second);
    const tbody = el('tbody');
    shown.forEach(a => {
      const tr = el('tr', {'data-code': a.code});
      tr.append(el('th', {scope: 'row'}, a.name), el('td', {class: 'n'}, a.better), el('td', {class: 'n'}, a.worse));
      cs.forEach(i => {
        const c = (D.cells[a.code] || {})[i.id];
        if (!c) { tr.append(el('td', {class: 'cell missing', title: 'no data'}, '–')); return; }
        const [bg, fg] = cellStyle(c);
        const v = c[8] ? '*' : (c[0] === null ? '–' : c[0]);
        const tip = `${a.name} · ${i.title} (${c[7]}): ${c[8] ? 'suppressed (small numbers)' : (c[0] ?? 'no value')}` +
          (c[1] !== null ? ` (95% CI ${c[1]}–${c[2]})` : '') + (c[3] !== null ? ` · ${D.benchmark} ${c[3]}` : '') +
          ` · ${c[4]}` + (c[5] ? ` · quintile ${c[5]}` : '') + (c[6] ? ` · trend: ${c[6]}` : '') + (c[9] !== null ? ` · change ${c[9]}` : '');
        const td = el('td', {class: 'cell ' + String(c[4]).replace(/ /g, '-'), title: tip, 'aria-label': tip}, v);
        td.style.background = bg; td.style.color = fg;
        tr.append(td);
      });
      tbody.append(tr);
    });
    table.append(thead, tbody);
    $('rug-status').textContent = `${r.length} of ${D.areas.length} areas · page ${st.page + 1} of ${pages}`;
    $('rug-prev').disabled = st.page === 0; $('rug-next').disabled = st.page >= pages - 1;
    history.replaceState(null, '', '#' + new URLSearchParams({domain: st.domain, q: st.q, colour: st.colour, sort: st.sort, dir: st.dir, page: st.page}).toString());
  }
  $('rug-domain').onchange = e => { st.domain = e.target.value; st.page = 0; render(); };
  $('rug-q').oninput = e => { st.q = e.target.value; st.page = 0; render(); };
  $('rug-colour').onchange = e => { st.colour = e.target.value; st.page = 0; render(); };
  $('rug-prev').onclick = () => { st.page--; render(); };
  $('rug-next').onclick = () => { st.page++; render(); };
  render();
})();
"""

_STYLE = """
.rug-controls{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin:.5rem 0}
.rug-controls label{display:flex;flex-direction:column;font-size:.85rem}
.rug-wrap{overflow:auto;max-height:80vh;border:1px solid #d0d4d7}
#rug-table{border-collapse:collapse;font-size:.78rem}
#rug-table th,#rug-table td{border:1px solid #fff;padding:.2rem .35rem;white-space:nowrap}
#rug-table thead th{position:sticky;top:0;background:#f3f2f1;z-index:1}
#rug-table thead tr:nth-child(2) th{top:1.6rem}
#rug-table th.ind button{writing-mode:vertical-rl;transform:rotate(180deg);max-height:12rem;white-space:normal}
#rug-table th button{all:unset;cursor:pointer;font-weight:600}
#rug-table th button:focus{outline:3px solid #ffdd00}
#rug-table tbody th{position:sticky;left:0;background:#fff;text-align:left;font-weight:500}
#rug-table td.cell{text-align:center;min-width:3rem}
#rug-table td.n{text-align:right;color:#505a5f}
.rug-legend{display:flex;flex-wrap:wrap;gap:.5rem;font-size:.8rem;margin:.5rem 0}
.rug-legend span{padding:.15rem .5rem;border-radius:2px}
"""


def colour_key_html() -> str:
    """The rug's colour key as HTML swatches (the rug and the indicator maps share it)."""
    return (
        "".join(
            f'<span style="background:{COLOURS[k][0]};color:{COLOURS[k][1]}">{html.escape(t)}</span>'
            for k, t in LEGEND
        )
        + "".join(
            f'<span style="background:{c};color:{QUINTILE_TEXT[i]}">Quintile {i + 1}{" (worst)" if i == 0 else ""}</span>'
            for i, c in enumerate(QUINTILE_COLOURS)
        )
        + '<span style="border:1px solid #ccc">– no data</span><span style="border:1px solid #ccc">* suppressed (small numbers)</span>'
    )


def rug_html_fragment(payload: dict) -> str:
    """The rug as an HTML fragment (controls, legend, table and its inline script)."""
    legend = colour_key_html()
    data = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    return f"""<style>{_STYLE}</style>
<div class="rug-controls" role="group" aria-label="Filter the rug">
<label>Domain <select id="rug-domain"></select></label>
<label>Area <input id="rug-q" type="search" placeholder="name or code"></label>
<label>Show areas with a cell that is <select id="rug-colour"><option value="">any colour</option>
<option value="worse">worse</option><option value="better">better</option><option value="similar">similar</option>
<option value="higher">higher</option><option value="lower">lower</option></select></label>
<button id="rug-prev" type="button">Previous</button><button id="rug-next" type="button">Next</button>
<span id="rug-status" aria-live="polite"></span></div>
<div class="rug-legend" aria-label="Legend">{legend}</div>
<p class="note">Benchmark: {html.escape(payload["benchmark"])}. Hover over (or focus) a cell for its value, confidence
interval, benchmark and trend. Cells without a confidence interval are coloured by quintile among the areas shown.</p>
<div class="rug-wrap"><table id="rug-table"><caption>{html.escape(payload["title"])}</caption></table></div>
<script type="application/json" id="rug-data">{data}</script>
<script>{_SCRIPT}</script>"""


def write_rug_html(payload: dict, path: str | Path, synthetic: bool = False) -> Path:
    """A standalone rug page."""
    banner = (
        (
            '<p style="background:#fff4e5;border:3px solid #D55E00;padding:.5rem">SYNTHETIC DATA: an invented '
            "borough made by fairer demo.</p>"
        )
        if synthetic
        else ""
    )
    page = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(payload["title"])}</title><style>body{{font:15px/1.4 system-ui,Arial,sans-serif;margin:1rem;color:#1b1b1b}}
.note{{color:#505a5f;font-size:.85rem}}</style></head><body><h1>{html.escape(payload["title"])}</h1>{banner}
{rug_html_fragment(payload)}</body></html>"""
    return write_text_atomic(path, with_csp(page))


#: A4 in inches, and the printed margin on every side.
A4 = (8.27, 11.69)
PAGE_MARGIN = 0.55
#: The bottom margin is deeper, as in the reports (20 mm), where a footer would sit.
PAGE_MARGIN_BOTTOM = 0.8
#: Height of one area's row on the printed rug, in inches (6 pt labels stay readable).
ROW_HEIGHT = 0.17


def rug_figures(
    cells: pd.DataFrame, framework: Framework, title: str, rows_per_page: int | None = None
) -> list:
    """The print version of the rug: one matplotlib figure per A4 page, every area on some page.

    Parameters
    ----------
    cells : DataFrame
        The rug's cells (protected).
    framework : Framework
    title : str
    rows_per_page : int, optional
        Areas per page; default: as many as fit an A4 page (:func:`a4_bbox`). A page's title
        says which of how many areas it shows.

    Returns
    -------
    list of matplotlib.figure.Figure
    """
    latest = cells[cells["latest"]] if "latest" in cells else cells
    areas = sorted(latest["area_name"].dropna().unique())
    if rows_per_page is None:
        rows_per_page = _rows_that_fit(latest, framework, title, areas)
    pages = [areas[i : i + rows_per_page] for i in range(0, len(areas), rows_per_page)] or [[]]
    if len(pages) == 1:
        return [_rug_page(latest, framework, title, pages[0])]
    return [
        _rug_page(
            latest,
            framework,
            f"{title} (page {k} of {len(pages)}: areas {k * rows_per_page - rows_per_page + 1}"
            f"–{k * rows_per_page - rows_per_page + len(page)} of {len(areas)})",
            page,
        )
        for k, page in enumerate(pages, start=1)
    ]


def _rows_that_fit(latest, framework, title, areas) -> int:
    """How many rows fit an A4 page: measure pages of 10 and 30 rows, fill the page."""
    import matplotlib.pyplot as plt

    longest = max(areas, key=len) if areas else ""
    heights = []
    for n in (10, 30):
        fig = _rug_page(latest, framework, f"{title} (page 10 of 10: areas 100–200 of 200)",
                        [f"{longest}{k}" for k in range(n)])  # fmt: skip
        width, height = _tight_size(fig)
        plt.close(fig)
        heights.append(height)
    per_row = (heights[1] - heights[0]) / 20
    fixed = heights[0] - 10 * per_row
    _, page_h = _orientation(width, heights[1])
    usable = page_h - PAGE_MARGIN - PAGE_MARGIN_BOTTOM - fixed - 0.05
    return max(5, int(usable // per_row))


def _tight_size(fig) -> tuple[float, float]:
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    return box.width, box.height


def _orientation(width: float, height: float) -> tuple[float, float]:
    """A4 portrait, or landscape when the rug is wider than a portrait page can hold."""
    portrait = width <= A4[0] - 2 * PAGE_MARGIN
    return A4 if portrait else (A4[1], A4[0])


def a4_bbox(fig):
    """The region to save so the page is exactly A4, the rug at the top inside the margins.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        One page from :func:`rug_figures`.

    Returns
    -------
    matplotlib.transforms.Bbox
        In inches, for ``savefig(bbox_inches=...)``.

    Raises
    ------
    ValueError
        If the page's content is larger than A4 less its margins (too many indicators to print
        across a landscape page).
    """
    from matplotlib.transforms import Bbox

    box = fig.get_tightbbox(fig.canvas.get_renderer())
    page_w, page_h = _orientation(box.width, box.height)
    too_wide = box.width > page_w - 2 * PAGE_MARGIN + 1e-6
    if too_wide or box.height > page_h - PAGE_MARGIN - PAGE_MARGIN_BOTTOM + 1e-6:
        raise ValueError(
            f"the rug page is {box.width:.1f} × {box.height:.1f} in, larger than A4 can print"
        )
    left = box.x0 - (page_w - box.width) / 2
    bottom = box.y1 + PAGE_MARGIN - page_h
    return Bbox.from_bounds(left, bottom, page_w, page_h)


def rug_figure(cells: pd.DataFrame, framework: Framework, title: str):
    """The print rug as one figure, when it fits one page (see :func:`rug_figures`)."""
    return rug_figures(cells, framework, title, rows_per_page=10**9)[0]


def _rug_page(latest: pd.DataFrame, framework: Framework, title: str, areas: list[str]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    inds = [i for i in framework.indicators if i.id in set(latest["indicator_id"])]
    fig, ax = plt.subplots(figsize=(2 + 0.45 * len(inds), 1.2 + ROW_HEIGHT * len(areas)))
    for yi, a in enumerate(areas):
        row = latest[latest["area_name"] == a].set_index("indicator_id")
        for xi, ind in enumerate(inds):
            colour, text = "#ffffff", "–"
            if ind.id in row.index:
                c = row.loc[ind.id]
                c = c.iloc[0] if isinstance(c, pd.DataFrame) else c
                if c["comparison"] in COLOURS:
                    colour = COLOURS[c["comparison"]][0]
                elif not pd.isna(c["quintile"]):
                    colour = QUINTILE_COLOURS[int(c["quintile"]) - 1]
                text = "*" if c["suppressed"] else (_fmt(c["value"]) or "–")
            ax.add_patch(plt.Rectangle((xi, yi), 1, 1, facecolor=colour, edgecolor="white"))
            ax.text(
                xi + 0.5,
                yi + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=5.5,
                color="white"
                if colour in ("#0072B2", "#3b0f70", "#8c2981", "#de4968")
                else "#1b1b1b",
            )
    ax.set_xlim(0, len(inds))
    ax.set_ylim(len(areas), 0)
    ax.set_xticks(np.arange(len(inds)) + 0.5, [i.title for i in inds], rotation=90, fontsize=6)
    ax.set_yticks(np.arange(len(areas)) + 0.5, areas, fontsize=6)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_title(title, loc="left", fontsize=9)
    _print_legend(ax, latest)
    return fig


def _print_legend(ax, latest: pd.DataFrame) -> None:
    """The colour key under the rug: the comparisons shown, then the local quintiles."""
    from matplotlib.patches import Patch

    shown = set(latest["comparison"].dropna()) if "comparison" in latest else set()
    handles = [Patch(facecolor=COLOURS[k][0], edgecolor="#b1b4b6", label=text)
               for k, text in LEGEND if k in shown]  # fmt: skip
    if "quintile" in latest and latest["quintile"].notna().any():
        handles += [
            Patch(facecolor=c, edgecolor="#b1b4b6", label=label)
            for c, label in zip(QUINTILE_COLOURS, _QUINTILE_LABELS, strict=True)
        ]
    handles.append(
        Patch(facecolor="#ffffff", edgecolor="#b1b4b6", label="– no value; * suppressed")
    )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False,
              fontsize=6, title="Key", title_fontsize=7, alignment="left")  # fmt: skip


_QUINTILE_LABELS = [
    "Not compared: worst fifth locally",
    "second fifth",
    "middle fifth",
    "fourth fifth",
    "best fifth locally",
]
