"""The hub's records and the files analysts keep: one source of truth per place.

Once a place has a hub, **the hub's database is the source of truth** for its action plan,
learning log and asset register. Publishing writes them, with the CLI's own writers, into
``PLACE/hub_files/`` and points ``place.toml`` at those files, so every CLI job reads exactly
what the hub holds. An analyst who edits those files offline imports them back
(``fairer hub import``, or the hub's import page) with the CLI's own readers; publishing refuses
to overwrite a file changed since the hub wrote it, so the two never fork.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from fairer.delivery.actions import (
    ACTION_COLUMNS,
    MILESTONE_COLUMNS,
    ActionPlan,
    read_action_plan,
    write_action_plan,
)
from fairer.delivery.learning import COLUMNS as LEARNING_COLUMNS
from fairer.delivery.learning import read_learning_log, write_learning_log
from fairer.errors import FairerError
from fairer.hub.models import (
    Action,
    Asset,
    Change,
    HubPlace,
    LearningEntry,
    Milestone,
    Organisation,
)
from fairer.place import load_place, point_sources
from fairer.provenance import sha256_of
from fairer.tabular import neutralise_formulas, write_text_atomic

FILES_DIR = "hub_files"
FILE_NAMES = {
    "actions": "action_plan.xlsx",
    "learning": "learning_log.xlsx",
    "assets": "assets.csv",
}
ASSET_COLUMNS = ["name", "type", "latitude", "longitude", "postcode", "opening", "run_by",
                 "organisation"]  # fmt: skip


class Conflict(FairerError):
    """Someone else saved the record after this edit began."""


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(obj) -> dict:
    """A record as JSON-safe fields (what a :class:`Change` keeps)."""
    return {k: _plain(v) for k, v in model_to_dict(obj).items()}


def record(place: HubPlace, user, obj, verb: str, before: dict | None) -> Change:
    """Keep one change: who, when, the record before and after."""
    return Change.objects.create(
        place=place,
        user=user if getattr(user, "is_authenticated", False) else None,
        model=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        verb=verb,
        before=before,
        after=None if verb == "delete" else snapshot(obj),
    )


def save_versioned(obj, expected_version: int, changes: dict, user, place: HubPlace):
    """Apply ``changes`` to ``obj`` only if nobody saved it since ``expected_version``.

    Raises
    ------
    Conflict
        The record was changed by someone else: nothing is written.
    """
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if current.version != int(expected_version):
            who = current.updated_by.get_username() if current.updated_by else "someone"
            raise Conflict(
                f"{who} changed this {model.__name__.lower()} at "
                f"{timezone.localtime(current.updated_at):%H:%M on %d %B} after you opened it: "
                "your change was not saved. Reload to see theirs, then make yours again."
            )
        before = snapshot(current)
        for k, v in changes.items():
            setattr(current, k, v)
        current.version = F("version") + 1
        current.updated_by = user if getattr(user, "is_authenticated", False) else None
        current.save()
        current.refresh_from_db()
        record(place, user, current, "update", before)
    return current


# -- records as the CLI's tables -------------------------------------------------------------


def action_plan(place: HubPlace) -> ActionPlan:
    """The place's action plan as the CLI reads it (for RAG and for export)."""
    actions = place.actions.select_related("organisation").prefetch_related("milestones")
    rows, ms = [], []
    for a in actions:
        rows.append({c: getattr(a, c) for c in ACTION_COLUMNS if c != "organisation"}
                    | {"organisation": a.organisation.name if a.organisation else ""})  # fmt: skip
        for m in a.milestones.all():
            ms.append(
                {"action_id": a.action_id} | {c: getattr(m, c) for c in MILESTONE_COLUMNS[1:]}
            )
    return ActionPlan(
        pd.DataFrame(rows, columns=ACTION_COLUMNS).astype({"action_id": str}),
        pd.DataFrame(ms, columns=MILESTONE_COLUMNS),
    )


def learning_log(place: HubPlace) -> pd.DataFrame:
    """The place's learning log in the CLI's columns."""
    rows = [{c: getattr(e, c) for c in LEARNING_COLUMNS} for e in place.learning.all()]
    return pd.DataFrame(rows, columns=LEARNING_COLUMNS)


def asset_register(place: HubPlace, include_retired: bool = False) -> pd.DataFrame:
    """The place's assets as an asset register (the columns ``fairer assets`` reads)."""
    qs = place.assets.select_related("organisation")
    if not include_retired:
        qs = qs.filter(retired=False)
    rows = [
        {
            "name": a.name,
            "type": a.asset_type,
            "latitude": a.latitude,
            "longitude": a.longitude,
            "postcode": a.postcode,
            "opening": a.opening,
            "run_by": a.run_by,
            "organisation": a.organisation.name if a.organisation else "",
        }
        for a in qs
    ]
    return pd.DataFrame(rows, columns=ASSET_COLUMNS)


def write_asset_register(table: pd.DataFrame, path: str | Path) -> Path:
    """Write an asset register as CSV with formulas neutralised, atomically."""
    return write_text_atomic(path, neutralise_formulas(table).to_csv(index=False))


def check_assets(table: pd.DataFrame, label: str = "assets.csv") -> tuple[pd.DataFrame, list[str]]:
    """Check asset rows with the CLI's own reader (:func:`fairer.targeting.assets.read_assets`).

    Returns the rows it accepts (lat/lon, type normalised) and its messages; raises its
    :class:`FairerError` when none can be placed.
    """
    import geopandas as gpd

    from fairer.targeting.assets import read_assets

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / label
        table.to_csv(path, index=False)
        got = read_assets(path)
    pts = gpd.GeoSeries(
        gpd.points_from_xy(got.table["easting"], got.table["northing"]), crs=27700
    ).to_crs(4326)
    out = got.table.assign(latitude=pts.y.round(6).to_numpy(), longitude=pts.x.round(6).to_numpy())
    return out, got.messages


def organisation(place: HubPlace, name: str) -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    return Organisation.objects.get_or_create(place=place, name=name)[0]


# -- import: the CLI's files into the hub ----------------------------------------------------


def import_action_plan(place: HubPlace, path: str | Path, user=None) -> list[str]:
    """Replace the hub's action plan by a file (XLSX/CSV/YAML) read with the CLI's reader.

    Actions and milestones are matched by id: changed ones are updated (and recorded), new ones
    added, and ones the file no longer has are deleted (recorded too).
    """
    plan = read_action_plan(path)
    with transaction.atomic():
        seen = set()
        for a in plan.actions.to_dict("records"):
            fields = {c: a[c] for c in ACTION_COLUMNS if c not in ("action_id", "organisation")}
            fields["organisation"] = organisation(place, a["organisation"])
            pk = _kept(place, user, Action, dict(place=place, action_id=a["action_id"]), fields)
            seen.add(pk)
            action = Action.objects.get(pk=pk)
            mine = plan.milestones[plan.milestones["action_id"] == a["action_id"]]
            kept = set()
            for m in mine.to_dict("records"):
                mf = {c: m[c] for c in MILESTONE_COLUMNS[2:]}
                mf.update({k: mf[k] or None for k in ("due", "done")})  # "" → no date
                keys = dict(action=action, milestone_id=m["milestone_id"])
                kept.add(_kept(place, user, Milestone, keys, mf))
            _delete_missing(place, user, action.milestones, kept)
        _delete_missing(place, user, place.actions, seen)
    return plan.messages


def _kept(place: HubPlace, user, model, keys: dict, fields: dict) -> int:
    """Create or update one record from a file, recording the change; returns its id."""
    obj, verb, before = _upsert(model, keys, fields)
    if verb:
        record(place, user, obj, verb, before)
    return obj.pk


def _delete_missing(place: HubPlace, user, rows, kept: set[int]) -> None:
    """Delete (recording each) the records a file no longer has."""
    for gone in rows.exclude(pk__in=kept):
        before = snapshot(gone)
        gone.delete()
        record(place, user, gone, "delete", before)


def _upsert(model, keys: dict, fields: dict):
    """Create or update by keys; returns (object, verb or None when unchanged, before)."""
    obj = model.objects.filter(**keys).first()
    if obj is None:
        return model.objects.create(**keys, **fields), "create", None
    before = snapshot(obj)
    changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
    if not changed:
        return obj, None, before
    for k, v in changed.items():
        setattr(obj, k, v)
    obj.version += 1
    obj.save()
    return obj, "update", before


def import_learning_log(place: HubPlace, path: str | Path, user=None) -> list[str]:
    """Replace the hub's learning log by a file, read with the CLI's reader (matched by id)."""
    log, messages = read_learning_log(path)
    with transaction.atomic():
        seen = {
            _kept(place, user, LearningEntry, dict(place=place, entry_id=e["entry_id"]),
                  {c: e[c] for c in LEARNING_COLUMNS if c != "entry_id"})
            for e in log.to_dict("records")
        }  # fmt: skip
        _delete_missing(place, user, place.learning, seen)
    return messages


def import_assets(place: HubPlace, path: str | Path, user=None, replace: bool = True,
                  org: Organisation | None = None) -> tuple[int, list[str]]:  # fmt: skip
    """Add a register's assets (CSV/XLSX/GeoJSON/GeoPackage) checked by the CLI's reader.

    With ``replace`` the hub's assets become the file's (the rest are retired, recorded).
    Returns how many assets were read and the reader's messages.
    """
    import geopandas as gpd

    from fairer.targeting.assets import read_assets

    got = read_assets(path)
    pts = gpd.GeoSeries(
        gpd.points_from_xy(got.table["easting"], got.table["northing"]), crs=27700
    ).to_crs(4326)
    table = got.table.assign(
        latitude=pts.y.round(6).to_numpy(), longitude=pts.x.round(6).to_numpy()
    )
    extra = _extra_asset_columns(path, len(table))
    with transaction.atomic():
        kept = set()
        for i, r in enumerate(table.itertuples(index=False)):
            more = extra[i] if extra else {}
            fields = dict(
                asset_type=r.asset_type,
                latitude=float(r.latitude),
                longitude=float(r.longitude),
                retired=False,
                postcode=more.get("postcode", ""),
                opening=more.get("opening", ""),
                run_by=more.get("run_by", ""),
                organisation=org or organisation(place, more.get("organisation", "")),
            )
            obj, verb, before = _upsert(Asset, dict(place=place, name=r.name), fields)
            if verb:
                record(place, user, obj, verb, before)
            kept.add(obj.pk)
        if replace:
            for gone in place.assets.filter(retired=False).exclude(pk__in=kept):
                before = snapshot(gone)
                gone.retired = True
                gone.version += 1
                gone.save()
                record(place, user, gone, "retire", before)
    return len(table), got.messages


def _extra_asset_columns(path, n: int) -> list[dict] | None:
    """The register's own opening/run-by/postcode/organisation columns, when they line up."""
    from fairer.tabular import read_table

    if Path(path).suffix.lower() not in (".csv", ".xlsx"):
        return None
    df = read_table(Path(path), thousands=None)
    if len(df) != n:  # rows were set aside: the extra columns can no longer be matched
        return None
    cols = [c for c in ("postcode", "opening", "run_by", "organisation") if c in df.columns]
    return [{c: str(v) if pd.notna(v) else "" for c, v in row.items()}
            for row in df[cols].to_dict("records")]  # fmt: skip


def import_place_files(place: HubPlace, user=None) -> list[str]:
    """Bring the place's action plan, learning log and assets (from ``place.toml``) into the hub."""
    p = load_place(place.folder)
    messages: list[str] = []
    for kind, reader in (("actions", import_action_plan), ("learning", import_learning_log)):
        for s in p.sources_of(kind)[:1]:
            messages += reader(place, s.path, user)
    for s in p.sources_of("assets")[:1]:
        messages += import_assets(place, s.path, user)[1]
    return messages


# -- export: the hub into the CLI's files ----------------------------------------------------


def check_not_forked(place: HubPlace) -> None:
    """Refuse to overwrite a file that was edited after the hub wrote it."""
    for kind, digest in (place.exported or {}).items():
        path = Path(place.folder) / FILES_DIR / FILE_NAMES[kind]
        if path.exists() and sha256_of(path) != digest:
            raise FairerError(
                f"{FILE_NAMES[kind]} was changed after the hub wrote it: import it first "
                f"(fairer hub import {place.folder} {path}) or move it away; publishing would "
                "overwrite it",
                path=path,
            )


def export_files(place: HubPlace, folder: str | Path) -> dict[str, Path]:
    """Write the action plan, learning log and asset register with the CLI's writers."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    plan = action_plan(place)
    if len(plan.actions):
        written["actions"] = write_action_plan(plan, folder / FILE_NAMES["actions"])
    log = learning_log(place)
    if len(log):
        written["learning"] = write_learning_log(log, folder / FILE_NAMES["learning"])
    assets = asset_register(place)
    if len(assets):
        written["assets"] = write_asset_register(assets, folder / FILE_NAMES["assets"])
    return written


def write_place_files(place: HubPlace) -> dict[str, Path]:
    """Export into ``PLACE/hub_files`` and point ``place.toml`` at those files."""
    check_not_forked(place)
    written = export_files(place, Path(place.folder) / FILES_DIR)
    details = {"actions": "action plan", "learning": "learning log", "assets": "asset register"}
    point_sources(place.folder, {k: (p, details[k]) for k, p in written.items()})
    place.exported = {k: sha256_of(v) for k, v in written.items()}
    place.save(update_fields=["exported"])
    return written
