"""Where a consultation's statements, settings and the analyst's edits live.

A consultation is a folder. Inside a place (a folder with ``place.toml``) it is ``PLACE/voices``
and shares the place's store, disclosure threshold and areas, so answers can be set against
deprivation. Anywhere else it is a folder of its own with ``voices.duckdb``. Settings are in
``voices.toml`` (written on first import, meant to be edited):

.. code-block:: toml

    [voices]
    name = "Fairer Fairhaven consultation"
    codebook = "fairer-six-gaps"       # a template name or a codebook file
    disclosure_threshold = 5           # inside a place, the place's threshold wins
    postcodes = "postcode_lookup.csv"  # optional: postcode → LSOA, for area breakdowns
    model = "/srv/models/all-mpnet-base-v2"  # optional: a sentence-transformers model folder
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from fairer.disclosure import DEFAULT_THRESHOLD
from fairer.errors import FairerError
from fairer.place import Place, setting
from fairer.store import Store
from fairer.tabular import write_text_atomic

R = TypeVar("R")

SETTINGS_FILE = "voices.toml"
STORE_FILE = "voices.duckdb"
THEME_EDITS_FILE = "theme_edits.toml"


@dataclass
class Consultation:
    """A consultation folder and its settings.

    Inside a place, ``place`` holds the place's own settings (read once): its store, its
    disclosure threshold and its name are the consultation's too.
    """

    folder: Path
    name: str
    codebook: str
    disclosure_threshold: int
    store_path: Path
    place: Place | None = None
    postcodes: Path | None = None
    model: Path | None = None
    store: Store | None = field(default=None, repr=False, compare=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def place_folder(self) -> Path | None:
        return self.place.folder if self.place is not None else None

    @property
    def synthetic(self) -> bool:
        return bool(self.place is not None and self.place.synthetic)

    @property
    def output_dir(self) -> Path:
        return self.folder / "output"

    @property
    def review_dir(self) -> Path:
        return self.folder / "review"

    @property
    def theme_edits_path(self) -> Path:
        return self.folder / THEME_EDITS_FILE

    def read(self, query: Callable[..., R], *args) -> R:
        """Run one of :mod:`fairer.store.queries` on the consultation's store.

        Inside a command that holds the place's store open (:class:`fairer.context.PlaceContext`)
        that store is used; otherwise the store is opened read-only for the query.
        """
        from fairer.store import open_store

        if self.store is not None:
            return query(self.store, *args)
        store = open_store(self.store_path, read_only=True)
        try:
            return query(store, *args)
        finally:
            store.close()


def open_consultation(
    folder: str | Path, create: bool = False, place: Place | None = None, store: Store | None = None
) -> Consultation:
    """Open (or, with ``create``, start) the consultation in ``folder``.

    Parameters
    ----------
    folder : path-like
        A place folder (its ``voices/`` is used) or any other folder.
    create : bool
        Write a default ``voices.toml`` if there is none (``fairer voices import`` does).
    place, store : optional
        The place's settings and open store, when a command already holds them (the place
        context): they are used instead of reading ``place.toml`` or opening the store again.

    Raises
    ------
    FairerError
        If the folder holds no consultation and ``create`` is false, or ``voices.toml`` is bad.
    """
    folder = Path(folder)
    if place is None and (folder / "place.toml").exists():
        from fairer.place import load_place

        place = load_place(folder)  # the consultation's settings are the place's
    home = folder / "voices" if place is not None else folder
    settings = home / SETTINGS_FILE
    if not settings.exists():
        if not create:
            raise FairerError(
                "no consultation here; start one with `fairer voices import FOLDER FILE…`",
                path=folder,
            )
        home.mkdir(parents=True, exist_ok=True)
        default_name = f"{place.name} consultation" if place else home.resolve().name
        write_text_atomic(
            settings,
            "[voices]\n"
            f'name = "{default_name}"\n'
            'codebook = "fairer-six-gaps"\n'
            f"disclosure_threshold = {place.disclosure_threshold if place else DEFAULT_THRESHOLD}\n",
        )
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8")).get("voices")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FairerError(f"invalid TOML ({exc})", path=settings) from None
    if not isinstance(data, dict):
        raise FairerError(
            "no [voices] table (is the file empty or damaged? it needs name and codebook)",
            path=settings,
        )
    threshold = (
        place.disclosure_threshold
        if place
        else setting(data, "disclosure_threshold", int, DEFAULT_THRESHOLD, settings, "[voices]")
    )
    if threshold < 1:
        raise FairerError("disclosure_threshold must be at least 1", path=settings)
    postcodes = data.get("postcodes")
    model = setting(data, "model", str, "", settings, "[voices]")
    return Consultation(
        folder=home,
        name=str(data.get("name", home.name)),
        codebook=str(data.get("codebook", "fairer-six-gaps")),
        disclosure_threshold=threshold,
        store_path=place.store_path if place else home / STORE_FILE,
        place=place,
        postcodes=(home / postcodes)
        if postcodes and not Path(postcodes).is_absolute()
        else (Path(postcodes) if postcodes else None),
        model=_beside(home, model) if model else None,
        store=store,
    )


def _beside(home: Path, name: str) -> Path:
    """A path from ``voices.toml``: relative ones are read from the consultation's folder."""
    path = Path(name).expanduser()
    return path if path.is_absolute() else home / path
