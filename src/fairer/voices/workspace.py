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
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from fairer.errors import FairerError
from fairer.tabular import write_text_atomic

SETTINGS_FILE = "voices.toml"
STORE_FILE = "voices.duckdb"
THEME_EDITS_FILE = "theme_edits.toml"


@dataclass
class Consultation:
    """A consultation folder and its settings."""

    folder: Path
    name: str
    codebook: str
    disclosure_threshold: int
    store_path: Path
    place_folder: Path | None = None
    postcodes: Path | None = None

    @property
    def output_dir(self) -> Path:
        return self.folder / "output"

    @property
    def review_dir(self) -> Path:
        return self.folder / "review"

    @property
    def theme_edits_path(self) -> Path:
        return self.folder / THEME_EDITS_FILE

    def query(self, sql: str, params: list | None = None):
        """Run a read-only query on the consultation's store; return a DataFrame."""
        from fairer.store import open_store

        store = open_store(self.store_path, read_only=True)
        try:
            return store.query(sql, params)
        finally:
            store.close()


def open_consultation(folder: str | Path, create: bool = False) -> Consultation:
    """Open (or, with ``create``, start) the consultation in ``folder``.

    Parameters
    ----------
    folder : path-like
        A place folder (its ``voices/`` is used) or any other folder.
    create : bool
        Write a default ``voices.toml`` if there is none (``fairer voices import`` does).

    Raises
    ------
    FairerError
        If the folder holds no consultation and ``create`` is false, or ``voices.toml`` is bad.
    """
    folder = Path(folder)
    place = None
    if (folder / "place.toml").exists():
        from fairer.place import load_place

        place = load_place(folder)
        home = folder / "voices"
    else:
        home = folder
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
            f"disclosure_threshold = {place.disclosure_threshold if place else 5}\n",
        )
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8")).get("voices", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FairerError(f"invalid TOML ({exc})", path=settings) from None
    threshold = place.disclosure_threshold if place else int(data.get("disclosure_threshold", 5))
    if threshold < 1:
        raise FairerError("disclosure_threshold must be at least 1", path=settings)
    postcodes = data.get("postcodes")
    return Consultation(
        folder=home,
        name=str(data.get("name", home.name)),
        codebook=str(data.get("codebook", "fairer-six-gaps")),
        disclosure_threshold=threshold,
        store_path=place.store_path if place else home / STORE_FILE,
        place_folder=folder if place else None,
        postcodes=(home / postcodes)
        if postcodes and not Path(postcodes).is_absolute()
        else (Path(postcodes) if postcodes else None),
    )
