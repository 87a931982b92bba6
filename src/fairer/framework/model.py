"""Framework files: a TOML description of domains, measures and indicators, validated.

.. code-block:: toml

    [framework]
    id = "my-framework"
    title = "A Fairer Borough"

    [[domains]]
    id = "income"
    title = "Income"

    [[domains.measures]]
    id = "low-income"
    title = "Low income"

    [[domains.measures.indicators]]
    id = "children_low_income"
    title = "Children in relative low-income families"
    unit = "%"
    polarity = "lower is better"      # or "higher is better", "no judgement"
    statistic = "proportion"          # proportion, rate, dsr, mean, life expectancy, score
    multiplier = 100
    source = "demo"                   # where the data come from (free text for people)
    data = "children_low_income"      # indicator id in the loaded data (default: id)
    target = 25.0                     # optional
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fairer.errors import FairerError

POLARITIES = ("higher is better", "lower is better", "no judgement")
STATISTICS = ("proportion", "rate", "dsr", "mean", "life expectancy", "score")
TEMPLATES = ("fairer-nine-domains", "marmot-eight-principles", "blank")


@dataclass(frozen=True)
class Indicator:
    """One indicator of a measure."""

    id: str
    title: str
    polarity: str
    statistic: str
    unit: str = ""
    multiplier: float = 1.0
    source: str = ""
    data: str = ""
    target: float | None = None
    period: str | None = None
    domain: str = ""
    measure: str = ""

    @property
    def data_id(self) -> str:
        """The indicator id to look up in the loaded data."""
        return self.data or self.id

    @property
    def polarity_word(self) -> str | None:
        return {"higher is better": "higher is better", "lower is better": "lower is better"}.get(
            self.polarity
        )


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    indicators: list[Indicator] = field(default_factory=list)


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    measures: list[Measure] = field(default_factory=list)


@dataclass(frozen=True)
class Framework:
    """A loaded, validated framework."""

    id: str
    title: str
    description: str
    domains: list[Domain]
    path: Path | None = None

    @property
    def indicators(self) -> list[Indicator]:
        return [i for d in self.domains for m in d.measures for i in m.indicators]

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise FairerError(f"framework '{self.id}' has no indicator '{indicator_id}'")

    def check_data(self, available: set[str]) -> list[str]:
        """Messages for indicators that have no data among ``available`` indicator ids."""
        return [
            f"indicator '{i.id}' ({i.title}) has no data: nothing loaded is called '{i.data_id}'"
            for i in self.indicators
            if i.data_id not in available
        ]


def template_path(name: str) -> Path:
    """The path of a shipped template (``fairer-nine-domains``, ``marmot-eight-principles``, ``blank``).

    Parameters
    ----------
    name : str
        A template name (:data:`TEMPLATES`).

    Returns
    -------
    Path
        The shipped template file (copy it to start your own).

    Examples
    --------
    >>> template_path('blank').name
    'blank.toml'
    """
    if name not in TEMPLATES:
        raise FairerError(
            f"unknown framework template '{name}': choose one of {', '.join(TEMPLATES)}"
        )
    return Path(str(resources.files("fairer.framework").joinpath("templates", f"{name}.toml")))


def load_framework(source: str | Path) -> Framework:
    """Load and validate a framework from a template name or a TOML file.

    Raises
    ------
    FairerError
        For invalid TOML, a missing id or title, a duplicate id, a missing or unknown polarity or
        statistic, naming the file and the item.

    Parameters
    ----------
    source : str or path
        A template name (:data:`TEMPLATES`) or a framework TOML file.

    Returns
    -------
    Framework
        Domains, measures and indicators, checked.

    Examples
    --------
    >>> fw = load_framework('marmot-eight-principles')
    >>> len(fw.domains)
    8
    """
    path = template_path(str(source)) if str(source) in TEMPLATES else Path(source)
    if not path.exists():
        raise FairerError("framework file not found", path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FairerError(f"invalid TOML ({exc})", path=path) from None
    head = data.get("framework", {})
    if not head.get("id"):
        raise FairerError("missing [framework] id", path=path)
    seen: set[str] = set()

    def need(item: dict, key: str, what: str) -> str:
        value = item.get(key)
        if value in (None, ""):
            raise FairerError(f"{what} is missing '{key}'", path=path)
        return str(value)

    def unique(kind: str, ident: str) -> str:
        key = f"{kind}:{ident}"
        if key in seen:
            raise FairerError(f"duplicate {kind} id '{ident}'", path=path)
        seen.add(key)
        return ident

    domains = []
    for d in data.get("domains", []):
        did = unique("domain", need(d, "id", "a domain"))
        measures = []
        for m in d.get("measures", []):
            mid = unique("measure", need(m, "id", f"a measure of domain '{did}'"))
            indicators = []
            for i in m.get("indicators", []):
                iid = unique("indicator", need(i, "id", f"an indicator of measure '{mid}'"))
                polarity = i.get("polarity")
                if polarity is None:
                    raise FairerError(
                        f"indicator '{iid}' has no polarity ({' / '.join(POLARITIES)})", path=path
                    )
                if polarity not in POLARITIES:
                    raise FairerError(
                        f"indicator '{iid}': polarity '{polarity}' is not one of {', '.join(POLARITIES)}",
                        path=path,
                    )
                statistic = i.get("statistic", "score")
                if statistic not in STATISTICS:
                    raise FairerError(
                        f"indicator '{iid}': statistic '{statistic}' is not one of {', '.join(STATISTICS)}",
                        path=path,
                    )
                indicators.append(
                    Indicator(
                        id=iid,
                        title=need(i, "title", f"indicator '{iid}'"),
                        polarity=polarity,
                        statistic=statistic,
                        unit=str(i.get("unit", "")),
                        multiplier=float(i.get("multiplier", 1)),
                        source=str(i.get("source", "")),
                        data=str(i.get("data", "")),
                        target=i.get("target"),
                        period=i.get("period"),
                        domain=did,
                        measure=mid,
                    )
                )
            measures.append(Measure(mid, need(m, "title", f"measure '{mid}'"), indicators))
        domains.append(Domain(did, need(d, "title", f"domain '{did}'"), measures))
    return Framework(
        str(head["id"]),
        str(head.get("title", head["id"])),
        str(head.get("description", "")),
        domains,
        path,
    )
