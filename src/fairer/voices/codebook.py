"""Codebooks: the themes statements are coded against.

A theme has a name, a description, optional keywords and optional example statements. Codebooks
are TOML (like the templates), YAML, JSON (a list of themes, or a mapping of name → fields, as
the NHS patient-experience framework is published) or a CSV/XLSX table with columns ``theme``,
``description``, ``keywords`` and ``examples`` (several keywords or examples separated by ``;``).
Examples may also be one string of quoted statements, as the NHS framework publishes them
("Positive: 'All good', 'Thank you' Negative: 'Rude staff'"): each quotation is one example.
A codebook can also be made from an outcomes framework: one theme per domain, described by its
measures and indicators.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fairer.errors import FairerError

TEMPLATE_DIR = "templates"


@dataclass
class Theme:
    """One theme of a codebook."""

    id: str
    name: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def prompt(self) -> str:
        """The text that stands for the theme when nothing has been labelled yet."""
        parts = [self.name, self.description, ", ".join(self.keywords)]
        return ". ".join(p for p in parts if p)


@dataclass
class Codebook:
    """A named list of themes with unique IDs and names."""

    id: str
    title: str
    themes: list[Theme]
    description: str = ""

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.themes]

    def by_name(self, name: str) -> Theme | None:
        key = _key(name)
        return next((t for t in self.themes if _key(t.name) == key or t.id == name), None)


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().lower()


def slug(name: str) -> str:
    """A theme ID from its name: lower case, hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "theme"


#: Between two quoted examples: a closing quote, a comma, semicolon or a new heading such as
#: "Negative/ wishlist:", then an opening quote.
_BETWEEN_QUOTES = re.compile(
    r"""['"’”]\s*(?:[,;]|\s(?=[A-Z][A-Za-z/ -]{0,30}:))\s*(?:[A-Z][A-Za-z/ -]{0,30}:\s*)?['"‘“]"""
)
_OPENING = re.compile(r"""^\s*(?:[A-Z][A-Za-z/ -]{0,30}:\s*)?['"‘“]?""")
_CLOSING = re.compile(r"""['"’”]\s*$""")


def split_examples(value: str) -> list[str]:
    """Example statements from one string: quoted statements, or items separated by ``;``.

    Parameters
    ----------
    value : str
        ``"Positive: 'All good', 'Thank you' Negative: 'Rude staff'"`` (the quotations, with
        their "Positive:"-style headings dropped), or ``"All good; Thank you"``.

    Returns
    -------
    list of str
        One example per quotation or item, without its quotes.

    Examples
    --------
    >>> split_examples("Positive: 'All good', 'Staff's care' Negative/ wishlist: 'More staff.'")
    ['All good', "Staff's care", 'More staff.']
    >>> split_examples("Buses late; no bus at night")
    ['Buses late', 'no bus at night']
    """
    quoted = _BETWEEN_QUOTES.split(value)
    if len(quoted) < 2:
        return _as_list(value)
    out = [_CLOSING.sub("", _OPENING.sub("", part)).strip() for part in quoted]
    return [e for e in out if e]


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def build_codebook(
    themes: list[dict], id: str, title: str, description: str = "", path=None
) -> Codebook:
    """Validate theme records and make a :class:`Codebook`.

    Raises
    ------
    FairerError
        If a theme has no name, or two themes share a name or ID (named, with their positions).
    """
    out: list[Theme] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(themes, start=1):
        name = str(t.get("name") or t.get("theme") or "").strip()
        if not name or name.lower() == "nan":
            raise FairerError(f"theme {i} has no name", path=path, row=i)
        tid = str(t.get("id") or slug(name))
        for key in (f"name:{_key(name)}", f"id:{tid}"):
            if key in seen:
                raise FairerError(
                    f"duplicate theme '{name}' (themes {seen[key]} and {i}); merge them or rename one",
                    path=path,
                    row=i,
                )
            seen[key] = i
        desc = t.get("description")
        out.append(
            Theme(
                id=tid,
                name=name,
                description="" if desc is None or str(desc) == "nan" else str(desc).strip(),
                keywords=_as_list(t.get("keywords")),
                examples=(
                    split_examples(t["examples"])
                    if isinstance(t.get("examples"), str)
                    else _as_list(t.get("examples"))
                ),
            )
        )
    if not out:
        raise FairerError("codebook has no themes", path=path)
    return Codebook(id=id, title=title, themes=out, description=description)


def codebook_templates() -> list[str]:
    """Names of the built-in codebooks (plus ``framework``: the place's framework domains)."""
    files = resources.files("fairer.voices").joinpath(TEMPLATE_DIR).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def describe_codebook(spec: str | None = None, out: str | Path | None = None) -> list[str]:
    """``fairer voices codebook``: list the templates, or check a codebook and list its themes.

    Parameters
    ----------
    spec : str, optional
        A template name or codebook file; none: list the templates.
    out : path-like, optional
        Copy the template ``spec`` to this file, to edit.

    Returns
    -------
    list of str
        Lines to show.

    Examples
    --------
    >>> describe_codebook("fairer-six-gaps")[0]
    'Six key gaps in outcomes: 6 themes'
    """
    from fairer.tabular import write_text_atomic

    if spec is None:
        return [*codebook_templates(), "framework"]
    book = load_codebook(spec)
    lines = []
    if out is not None:
        if spec not in codebook_templates():
            raise FairerError("--out copies a template; name one")
        text = (
            resources.files("fairer.voices")
            .joinpath(TEMPLATE_DIR, f"{spec}.toml")
            .read_text("utf-8")
        )
        write_text_atomic(out, text)
        lines.append(f"wrote {out}")
    lines.append(f"{book.title}: {len(book.themes)} themes")
    return lines + [f"  {t.name}" for t in book.themes]


def load_codebook(spec: str | Path, framework=None) -> Codebook:
    """Load a codebook by template name, from a file, or from a framework.

    Parameters
    ----------
    spec : str or path
        A template name (see :func:`codebook_templates`), ``framework`` (needs ``framework``),
        or a TOML/YAML/JSON/CSV/XLSX file.
    framework : fairer.framework.model.Framework, optional
        For ``spec="framework"``: one theme per domain.

    Raises
    ------
    FairerError
        If the file is missing or invalid, or a theme is duplicated.
    """
    text = str(spec)
    if text == "framework":
        if framework is None:
            raise FairerError("codebook 'framework' needs a place with an outcomes framework")
        return codebook_from_framework(framework)
    if text in codebook_templates():
        res = resources.files("fairer.voices").joinpath(TEMPLATE_DIR, f"{text}.toml")
        return _from_toml(res.read_text(encoding="utf-8"), Path(text))
    path = Path(spec)
    if not path.exists():
        raise FairerError(
            f"no codebook file or template '{text}' (templates: {', '.join(codebook_templates())}, framework)"
        )
    suffix = path.suffix.lower()
    try:
        raw = path.read_text(encoding="utf-8-sig") if suffix not in (".xlsx", ".xlsm") else ""
    except UnicodeDecodeError:
        raise FairerError("codebook is not UTF-8", path=path) from None
    if suffix == ".toml":
        return _from_toml(raw, path)
    if suffix in (".yaml", ".yml", ".json"):
        try:
            if suffix == ".json":
                data = json.loads(raw)
            else:
                import yaml

                data = yaml.safe_load(raw)
        except (json.JSONDecodeError, Exception) as exc:  # yaml errors vary by version
            raise FairerError(
                f"invalid {suffix[1:].upper()} ({type(exc).__name__})", path=path
            ) from None
        return _from_mapping(data, path)
    if suffix in (".csv", ".xlsx", ".xlsm"):
        from fairer.tabular import read_table

        df = read_table(path, thousands=None)
        cols = {c.lower(): c for c in df.columns}
        name_col = cols.get("theme") or cols.get("name")
        if name_col is None:
            raise FairerError("codebook table needs a 'theme' column", path=path)
        records = [
            {k.lower(): v for k, v in r.items()} | {"name": r[name_col]}
            for r in df.to_dict("records")
        ]
        return build_codebook(records, id=slug(path.stem), title=path.stem, path=path)
    raise FairerError(f"unknown codebook file type '{suffix}'", path=path)


def _from_toml(raw: str, path: Path) -> Codebook:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise FairerError(f"invalid TOML ({exc})", path=path) from None
    return _from_mapping(data, path)


def _from_mapping(data, path: Path) -> Codebook:
    meta = {}
    if isinstance(data, dict) and "themes" in data:
        meta = data.get("codebook", {}) or {}
        themes = data["themes"]
    elif isinstance(data, list):
        themes = data
    elif isinstance(data, dict):
        themes = [
            {"name": k, **(v if isinstance(v, dict) else {"description": v})}
            for k, v in data.items()
        ]
    else:
        raise FairerError(
            "codebook must be a list of themes or a mapping of theme → fields", path=path
        )
    if not isinstance(themes, list) or not all(isinstance(t, dict) for t in themes):
        raise FairerError("codebook themes must be a list of tables", path=path)
    return build_codebook(
        themes,
        id=str(meta.get("id", slug(path.stem))),
        title=str(meta.get("title", path.stem)),
        description=str(meta.get("description", "")),
        path=path,
    )


def codebook_from_framework(framework) -> Codebook:
    """One theme per framework domain, described by its measures and indicators.

    A framework shipped with a codebook of the same name (``fairer-nine-domains``,
    ``marmot-eight-principles``) takes that codebook's descriptions and keywords too.
    """
    richer = {}
    if framework.id in codebook_templates():
        richer = {t.id: t for t in load_codebook(framework.id).themes}
    themes = []
    for d in framework.domains:
        if d.id in richer:
            t = richer[d.id]
            themes.append(
                {
                    "id": d.id,
                    "name": re.sub(r"^\d+\.\s*", "", d.title),
                    "description": t.description,
                    "keywords": t.keywords,
                }
            )
            continue
        measures = [m.title for m in d.measures]
        indicators = [i.title for m in d.measures for i in m.indicators]
        themes.append(
            {
                "id": d.id,
                "name": re.sub(r"^\d+\.\s*", "", d.title),
                "description": "; ".join(measures + indicators),
                "keywords": [],
            }
        )
    return build_codebook(themes, id=framework.id, title=framework.title)
