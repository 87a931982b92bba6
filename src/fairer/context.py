"""The place context: a place's settings and its loaded store, opened once per command.

Every command walks one path — **settings → load → jobs → results → publish → render** — and
this is its first two steps. :func:`open_place` reads ``place.toml`` once into a typed
:class:`~fairer.place.Place`, opens the store once, loads every source into it (one
transaction; unchanged files skipped), and hands the result to every job. Nothing below it
reads ``place.toml`` again or opens the store again. National deprivation data, the costliest
thing jobs share, is assembled once per edition and kept here.

Examples
--------
>>> from fairer.demo import example_place
>>> with open_place(example_place()) as ctx:
...     ctx.lead_edition, len(ctx.national(ctx.lead_edition).lsoas) > 0
(2025, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fairer.errors import FairerError
from fairer.load import LoadReport, load_place_sources
from fairer.place import Place, load_place
from fairer.profile.deprivation import DeprivationData, lead_edition, national_data
from fairer.store import Store, open_store, queries


@dataclass
class PlaceContext:
    """A place's typed settings and its open, loaded store.

    Attributes
    ----------
    place : Place
        The settings from ``place.toml``.
    store : Store
        The place's store, open for the whole command.
    load : LoadReport
        What loading the sources did.
    """

    place: Place
    store: Store
    load: LoadReport
    _national: dict[int, DeprivationData] = field(default_factory=dict, repr=False)
    _jobs: dict[str, object] = field(default_factory=dict, repr=False)

    def cached(self, name: str):
        """What :meth:`once` ran under ``name`` (None: not run in this context)."""
        return self._jobs.get(name)

    def once(self, name: str, job):
        """``job(self)``, run once per context: jobs that several results share (the deaths
        extract's life expectancy feeds the framework and the report) are not run twice."""
        if name not in self._jobs:
            self._jobs[name] = job(self)
        return self._jobs[name]

    @property
    def editions(self) -> list[int]:
        """The IoD editions loaded, oldest first."""
        return queries.editions(self.store)

    @property
    def lead_edition(self) -> int | None:
        """The edition the place leads with (:func:`fairer.profile.deprivation.lead_edition`)."""
        return lead_edition(self.editions, self.place.geography_year)

    def national(self, edition: int) -> DeprivationData:
        """National LSOA data for an edition, assembled once per context."""
        if edition not in self._national:
            self._national[edition] = national_data(self.store, edition)
        return self._national[edition]

    def lead_national(self) -> DeprivationData:
        """National data of the lead edition, or a clear error when no IoD file is loaded."""
        ed = self.lead_edition
        if ed is None:
            raise FairerError(
                "no IoD data in the place's sources", path=self.place.folder / "place.toml"
            )
        return self.national(ed)

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> PlaceContext:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_place(folder: str | Path, *, load: bool = True, read_only: bool = False) -> PlaceContext:
    """Read a place's settings, open its store and load its sources: once per command.

    Parameters
    ----------
    folder : path-like
        A folder made by ``fairer init``.
    load : bool
        Load the sources listed in ``place.toml`` first (unchanged files are skipped).
    read_only : bool
        Open the store without write access (implies ``load=False``; the store must exist).

    Returns
    -------
    PlaceContext
        Use it as a context manager, or call :meth:`PlaceContext.close`.

    Raises
    ------
    FairerError
        A missing or invalid place, or a source file that cannot be loaded (the store is then
        left as it was).

    Examples
    --------
    >>> from fairer.demo import example_place
    >>> with open_place(example_place()) as ctx:
    ...     ctx.place.name, ctx.editions
    ('Fairhaven (synthetic borough)', [2025])
    """
    place = load_place(folder)
    if read_only and not place.store_path.exists():
        raise FairerError(
            "no store yet; run `fairer load` or `fairer profile`", path=place.store_path
        )
    store = open_store(place.store_path, read_only=read_only)
    try:
        report = (
            load_place_sources(place, store) if load and not read_only else LoadReport([], [], [])
        )
    except BaseException:
        store.close()
        raise
    return PlaceContext(place, store, report)
