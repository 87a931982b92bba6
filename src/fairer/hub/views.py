"""The hub's pages: thin views over the library (readers, jobs, publish) and the hub's records.

Every view goes through :func:`place_view`, the one place the role rule (:mod:`fairer.hub.roles`)
is applied: not a member → 404, a member without the right → 403.
"""

from __future__ import annotations

import functools
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fairer.delivery.actions import RAG_ORDER, rag_status
from fairer.errors import FairerError
from fairer.hub import published, sync
from fairer.hub.forms import (
    AssetForm,
    CommentForm,
    ImportForm,
    InviteForm,
    JoinForm,
    LearningForm,
    MilestoneForm,
    UploadForm,
    check_upload,
)
from fairer.hub.models import (
    Action,
    Asset,
    Change,
    HubPlace,
    Invitation,
    Membership,
    Milestone,
    Upload,
)
from fairer.hub.roles import Access
from fairer.hub.service import import_file as import_place_file


def access_for(request, hp: HubPlace) -> Access | None:
    """The user's standing in a place, or None when they have none there."""
    user = request.user
    if user.is_authenticated:
        m = Membership.objects.filter(user=user, place=hp).first()
        if m is not None:
            return Access(m.role, m.organisation_id)
        if user.is_superuser:
            return Access("owner")
    if hp.public:
        return Access("public")
    return None


def place_view(verb: str):
    """Resolve the place and the user's access; refuse what their role may not do."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, slug, *args, **kwargs):
            hp = HubPlace.objects.filter(slug=slug).first()
            if hp is None:
                raise Http404("no such place")
            access = access_for(request, hp)
            if access is None:
                if not request.user.is_authenticated:
                    return redirect(f"/accounts/login/?next={request.path}")
                raise Http404("no such place")
            if not access.may(verb):
                if not request.user.is_authenticated:
                    return redirect(f"/accounts/login/?next={request.path}")
                raise PermissionDenied(f"your role ({access.role}) may not do this")
            request.hub_place, request.access = hp, access
            return view(request, hp, access, *args, **kwargs)

        return inner

    return wrap


def _page(request, template: str, hp: HubPlace, access: Access, **context):
    return render(request, f"hub/{template}", {"place": hp, "access": access, **context})


def home(request):
    if request.user.is_authenticated:
        places = HubPlace.objects.filter(members__user=request.user).distinct()
        if request.user.is_superuser:
            places = HubPlace.objects.all()
    else:
        places = HubPlace.objects.filter(public=True)
    places = list(places.order_by("name"))
    if len(places) == 1:
        return redirect("glance", slug=places[0].slug)
    return render(request, "hub/home.html", {"places": places})


# -- the place at a glance -------------------------------------------------------------------


_RAG: dict[tuple, tuple] = {}


def _plan_rag(hp: HubPlace):
    """The plan's RAG today by the stated rule (``rag_status``), recomputed only after a change
    to the place's records (every change is recorded, so the last change's id is the key)."""
    plan_changes = Change.objects.filter(place=hp, model__in=("action", "milestone"))
    last = plan_changes.order_by("-id").values_list("id", flat=True).first()
    key = (hp.pk, last, date.today())
    if key not in _RAG:
        if len(_RAG) > 64:
            _RAG.clear()
        _RAG[key] = _compute_plan_rag(hp)
    return _RAG[key]


def _compute_plan_rag(hp: HubPlace):
    plan = sync.action_plan(hp)
    if plan.actions.empty:
        return None, None, {}
    actions, areas, ms = rag_status(plan, date.today())
    counts = actions["rag"].value_counts()
    return actions, ms, {r: int(counts.get(r, 0)) for r in RAG_ORDER + ["stopped"]}


@place_view("glance")
def glance(request, hp, access):
    folder = hp.folder
    actions, _, rag_counts = _plan_rag(hp)
    assets = _asset_points(hp)
    since = hp.changes.filter(at__gt=hp.published_at) if hp.published_at else hp.changes.all()
    unpublished = since.exclude(model="comment").count()
    comments = _comments(hp, "indicator") if access.may("read") else {}
    scorecard = [r | {"comments": comments.get(r["indicator_id"], [])}
                 for r in published.scorecard(folder)]  # fmt: skip
    return _page(
        request, "glance.html", hp, access,
        headlines=published.headlines(folder),
        scorecard=scorecard,
        gaps=published.gaps(folder),
        rug=published.rug(folder),
        map=published.need_map(folder),
        assets=assets,
        priorities=published.priorities(folder),
        allocation=published.allocation(folder),
        access_need=published.asset_access(folder),
        unpublished=unpublished,
        area_comments=_comments(hp, "area") if access.may("read") else {},
        actions=actions.to_dict("records") if actions is not None else [],
        rag_counts=rag_counts,
        learning=list(hp.learning.all()[:5]),
        reports=[p.name for p in published.reports(folder)],
        published_version=published.version(folder),
        assets_version=str(hp.assets.aggregate(m=Max("updated_at"), n=Count("id")).values()),
        comment_form=CommentForm() if access.may("comment") else None,
    )  # fmt: skip


def _asset_points(hp: HubPlace) -> list[dict]:
    """The place's live assets, positioned for the need map (British National Grid, y flipped)."""
    live = list(
        hp.assets.filter(retired=False).values("name", "asset_type", "latitude", "longitude")
    )
    if not live:
        return []
    east, north = published.to_bng([a["latitude"] for a in live], [a["longitude"] for a in live])
    return [a | {"x": round(e), "y": round(-n)} for a, e, n in zip(live, east, north, strict=True)]


def _comments(hp: HubPlace, kind: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in hp.comments.filter(target_kind=kind).select_related("author"):
        out.setdefault(c.target_key, []).append(c)
    return out


@place_view("glance")
def report_file(request, hp, access, name: str):
    found = {p.name: p for p in published.reports(hp.folder)}
    if name not in found:
        raise Http404("no such report")
    return FileResponse(open(found[name], "rb"), as_attachment=True, filename=name)


@place_view("glance")
def league(request, hp, access):
    from fairer.framework.league import league_table

    places = [hp] + [p for p in HubPlace.objects.exclude(pk=hp.pk) if access_for(request, p)]
    frames = [published.indicators(p.folder) for p in places]
    frames = [f for f in frames if f is not None]
    if not frames:
        return _page(request, "league.html", hp, access, table=None, indicators=[])
    results = pd.concat(frames, ignore_index=True)
    level = "place" if request.GET.get("level") == "place" and len(frames) > 1 else "ward"
    inds = results[results["level"] == level][["indicator_id", "indicator"]].drop_duplicates()
    chosen = request.GET.get("indicator") or (inds["indicator_id"].iloc[0] if len(inds) else "")
    table = None
    if chosen in set(inds["indicator_id"]):
        table = league_table(results, chosen, level).to_dict("records")
    return _page(request, "league.html", hp, access, table=table, chosen=chosen, level=level,
                 indicators=inds.to_dict("records"), several=len(frames) > 1)  # fmt: skip


# -- assets ----------------------------------------------------------------------------------


@place_view("read")
def assets(request, hp, access):
    rows = hp.assets.select_related("organisation").filter(retired=False)
    return _page(request, "assets.html", hp, access, assets=rows,
                 retired=hp.assets.filter(retired=True).count(),
                 upload=UploadForm() if access.may("edit_own") else None)  # fmt: skip


def _locate(form: AssetForm, hp: HubPlace) -> tuple[float, float]:
    d = form.cleaned_data
    if d.get("easting") is not None and d.get("northing") is not None:
        return published.from_bng(d["easting"], d["northing"])
    if d.get("latitude") is not None and d.get("longitude") is not None:
        return d["latitude"], d["longitude"]
    from fairer.targeting.place import locate_postcodes

    try:
        found = locate_postcodes(hp.folder, [d["postcode"]])
    except FairerError as exc:
        raise ValidationError(f"the postcode could not be looked up ({exc})") from exc
    if found.empty:
        raise ValidationError(
            f"postcode {d['postcode']} is not in this place's postcode directory: click the map "
            "or give coordinates"
        )
    return float(found["latitude"].iloc[0]), float(found["longitude"].iloc[0])


def _checked_asset(form: AssetForm, hp: HubPlace) -> dict:
    """The form's asset, placed and checked by the CLI's asset reader."""
    lat, lon = _locate(form, hp)
    d = form.cleaned_data
    row = pd.DataFrame([{"name": d["name"], "type": d["asset_type"], "latitude": lat,
                         "longitude": lon}])  # fmt: skip
    try:
        checked, msgs = sync.check_assets(row)
    except FairerError as exc:
        raise ValidationError(str(exc).split(": ", 1)[-1]) from exc
    if msgs:
        raise ValidationError("; ".join(m.split(": ", 1)[-1] for m in msgs))
    return dict(name=d["name"], asset_type=d["asset_type"], latitude=lat, longitude=lon,
                postcode=d.get("postcode", ""), opening=d.get("opening", ""),
                run_by=d.get("run_by", ""))  # fmt: skip


@place_view("edit_own")
def asset_new(request, hp, access):
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fields = _checked_asset(form, hp)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            with transaction.atomic():
                a = Asset.objects.create(place=hp, organisation_id=access.organisation_id,
                                         updated_by=request.user, **fields)  # fmt: skip
                sync.record(hp, request.user, a, "create", None)
            messages.success(request, f"Added {a.name}.")
            return redirect("assets", slug=hp.slug)
    return _page(
        request,
        "asset_form.html",
        hp,
        access,
        form=form,
        assets=_asset_points(hp),
        map=published.need_map(hp.folder),
    )


def _own(access: Access, obj):
    if not access.may_edit(obj):
        raise PermissionDenied("this belongs to another organisation")
    return obj


@place_view("edit_own")
def asset_edit(request, hp, access, pk: int):
    asset = _own(access, get_object_or_404(Asset, pk=pk, place=hp))
    form = AssetForm(request.POST or None, instance=asset, initial={"version": asset.version})
    if request.method == "POST" and form.is_valid():
        try:
            fields = _checked_asset(form, hp)
            sync.save_versioned(asset, form.cleaned_data["version"] or 0, fields, request.user, hp)
        except (ValidationError, sync.Conflict) as exc:
            form.add_error(None, str(exc) if isinstance(exc, sync.Conflict) else exc)
        else:
            messages.success(request, f"Saved {fields['name']}.")
            return redirect("assets", slug=hp.slug)
    return _page(request, "asset_form.html", hp, access, form=form, asset=asset,
                 assets=_asset_points(hp), map=published.need_map(hp.folder))  # fmt: skip


@require_POST
@place_view("edit_own")
def asset_retire(request, hp, access, pk: int):
    asset = _own(access, get_object_or_404(Asset, pk=pk, place=hp))
    try:
        sync.save_versioned(asset, int(request.POST.get("version", 0)), {"retired": True},
                            request.user, hp)  # fmt: skip
        messages.success(request, f"Retired {asset.name}.")
    except sync.Conflict as exc:
        messages.error(request, str(exc))
    return redirect("assets", slug=hp.slug)


def _saved_upload(f, suffix: str, folder: Path) -> Path:
    """The upload in a private temporary folder (never under a served path)."""
    stem = "".join(c for c in Path(f.name).stem if c.isalnum() or c in "-_ ")[:60] or "upload"
    path = folder / f"{stem}{suffix}"
    with open(path, "wb") as out:
        for chunk in f.chunks():
            out.write(chunk)
    return path


@require_POST
@place_view("edit_own")
def asset_upload(request, hp, access):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            suffix = check_upload(form.cleaned_data["file"], "assets")
            with tempfile.TemporaryDirectory() as tmp:
                path = _saved_upload(form.cleaned_data["file"], suffix, Path(tmp))
                org = hp.organisations.filter(pk=access.organisation_id).first()
                n, msgs = sync.import_assets(hp, path, request.user, replace=False, org=org)
            messages.success(request, f"Added or updated {n} assets from {path.name}.")
            for m in msgs:
                messages.warning(request, m)
        except (ValidationError, FairerError) as exc:
            messages.error(request, _one_line(exc))
    return redirect("assets", slug=hp.slug)


def _one_line(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


# -- actions ---------------------------------------------------------------------------------


@place_view("read")
def actions(request, hp, access):
    table, _, counts = _plan_rag(hp)
    rows = table.to_dict("records") if table is not None else []
    return _page(request, "actions.html", hp, access, actions=rows, rag_counts=counts)


@place_view("read")
def action_detail(request, hp, access, action_id: str):
    action = get_object_or_404(Action, place=hp, action_id=action_id)
    _, ms, _ = _plan_rag(hp)
    rag = {}
    if ms is not None:
        mine = ms[ms["action_id"] == action_id]
        rag = dict(zip(mine["milestone_id"], mine["rag"], strict=True))
    editable = access.may_edit(action)
    milestones = [
        {"m": m, "rag": rag.get(m.milestone_id, ""),
         "form": MilestoneForm(initial={"version": m.version, "status": m.status or "not started",
                                        "done": m.done, "note": m.note}) if editable else None}
        for m in action.milestones.all()
    ]  # fmt: skip
    history = Change.objects.filter(place=hp, model="milestone",
                                    object_id__in=[str(m.pk) for m in action.milestones.all()])[:20]  # fmt: skip
    return _page(request, "action.html", hp, access, action=action, milestones=milestones,
                 comments=_comments(hp, "action").get(action_id, []), history=history,
                 comment_form=CommentForm(initial={"target_kind": "action", "target_key": action_id})
                 if access.may("comment") else None)  # fmt: skip


@require_POST
@place_view("edit_own")
def milestone_update(request, hp, access, pk: int):
    m = get_object_or_404(Milestone.objects.select_related("action"), pk=pk, action__place=hp)
    _own(access, m)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()))
    else:
        d = form.cleaned_data
        done = d["done"] or (date.today() if d["status"] == "done" and not m.done else m.done)
        if d["status"] != "done" and not d["done"]:
            done = None
        try:
            sync.save_versioned(m, d["version"], {"status": d["status"], "done": done,
                                                  "note": d["note"]}, request.user, hp)  # fmt: skip
            messages.success(request, f"Updated milestone {m.milestone_id}.")
        except sync.Conflict as exc:
            messages.error(request, str(exc))
    return redirect("action", slug=hp.slug, action_id=m.action.action_id)


# -- learning --------------------------------------------------------------------------------


@place_view("read")
def learning(request, hp, access):
    return _page(request, "learning.html", hp, access, entries=hp.learning.all())


@place_view("edit_own")
def learning_new(request, hp, access):
    form = LearningForm(request.POST or None, initial={"date": date.today()})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            e = form.save(commit=False)
            e.place, e.organisation_id, e.updated_by = hp, access.organisation_id, request.user
            n = hp.learning.count() + 1
            while hp.learning.filter(entry_id=f"L{n}").exists():
                n += 1
            e.entry_id = f"L{n}"
            e.save()
            sync.record(hp, request.user, e, "create", None)
        messages.success(request, "Added to the learning log.")
        return redirect("learning", slug=hp.slug)
    return _page(request, "learning_form.html", hp, access, form=form)


# -- voices ----------------------------------------------------------------------------------


@place_view("read")
def voices(request, hp, access):
    statements, total = [], 0
    if (Path(hp.folder) / "voices" / "voices.toml").exists():
        from fairer.voices.importing import load_statements
        from fairer.voices.workspace import open_consultation

        cons = open_consultation(hp.folder)
        found = load_statements(cons)
        total = len(found)
        newest_first = found.sort_values(["source_id", "row"], ascending=[False, True])
        statements = newest_first.head(200).to_dict("records")
    return _page(request, "voices.html", hp, access, uploads=hp.uploads.all()[:20],
                 statements=statements, total=total,
                 upload=UploadForm() if access.may("upload") else None)  # fmt: skip


@require_POST
@place_view("upload")
def voices_upload(request, hp, access):
    """Workshop notes or a survey export: imported and redacted by fairer.voices before anything
    is kept; the file itself is deleted with its temporary folder."""
    from fairer.voices.importing import import_files

    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "choose a file to upload")
        return redirect("voices", slug=hp.slug)
    try:
        suffix = check_upload(form.cleaned_data["file"], "notes")
        with tempfile.TemporaryDirectory() as tmp:
            path = _saved_upload(form.cleaned_data["file"], suffix, Path(tmp))
            report = import_files(hp.folder, [path])
    except (ValidationError, FairerError) as exc:
        messages.error(request, _one_line(exc))
        return redirect("voices", slug=hp.slug)
    n = sum(k for _, k in report.imported)
    with transaction.atomic():
        up = Upload.objects.create(place=hp, uploaded_by=request.user, filename=path.name,
                                   statements=n, redactions=dict(report.redactions))  # fmt: skip
        sync.record(hp, request.user, up, "upload", None)
    red = sum(report.redactions.values())
    messages.success(request, f"Imported {n} statements from {path.name}; {red} pieces of "
                              "personal data were redacted before anything was kept.")  # fmt: skip
    return redirect("voices", slug=hp.slug)


def _review_sheet(folder) -> tuple[pd.DataFrame, list[str]] | None:
    """The review workbook ``fairer voices code`` last wrote (the same file an analyst fills in
    offline), and its codebook's theme names."""
    path = Path(folder) / "voices" / "review" / "review.xlsx"
    if not path.exists():
        return None
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    return sheets["review"], sheets["themes"]["theme"].tolist()


@place_view("review")
def voices_review(request, hp, access):
    """Agree with or correct fairer's codes on the review sample: the answers are written as a
    corrections file and coded again with ``fairer.voices``' own loop (``--corrections``)."""
    found = _review_sheet(hp.folder)
    if found is None:
        return _page(request, "review.html", hp, access, rows=[], themes=[])
    sheet, themes = found
    if request.method == "POST":
        rows = []
        for sid in sheet["statement_id"]:
            if request.POST.get(f"seen-{sid}") != "on":
                continue  # not reviewed: skipped, as a blank row in the workbook
            chosen = [
                t for t in themes if request.POST.get(f"theme-{sid}-{themes.index(t)}") == "on"
            ]
            rows.append({"statement_id": sid, "analyst themes": "; ".join(chosen) or "none"})
        if not rows:
            messages.error(request, "tick 'reviewed' on at least one statement")
            return redirect("voices_review", slug=hp.slug)
        from fairer.voices.review import ANALYST_COLUMN
        from fairer.voices.run import code_consultation

        folder = Path(hp.folder) / "voices" / "review"
        path = folder / f"hub_review_{timezone.now():%Y%m%d_%H%M%S}.csv"
        from fairer.tabular import write_table

        rows = [
            {"statement_id": r["statement_id"], ANALYST_COLUMN: r["analyst themes"]} for r in rows
        ]
        write_table(pd.DataFrame(rows), path)  # the reviewed-workbook columns, formulas neutralised
        try:
            run = code_consultation(hp.folder, corrections=path)
        except FairerError as exc:
            messages.error(request, str(exc))
            return redirect("voices_review", slug=hp.slug)
        up = Upload.objects.create(place=hp, uploaded_by=request.user, filename=path.name,
                                   statements=len(rows), redactions={})  # fmt: skip
        sync.record(hp, request.user, up, "review", None)
        for line in run.summary_lines()[:4]:
            messages.success(request, line)
        return redirect("voices_review", slug=hp.slug)
    rows = [
        {"sid": r["statement_id"], "question": r["question"], "text": r["text"],
         "confidence": r["confidence"],
         "themes": [(i, t, t in [c.strip() for c in r["coded themes"].split(";")])
                    for i, t in enumerate(themes)]}
        for r in sheet.to_dict("records")
    ]  # fmt: skip
    return _page(request, "review.html", hp, access, rows=rows, themes=themes)


# -- comments, history -----------------------------------------------------------------------


@require_POST
@place_view("comment")
def comment(request, hp, access):
    form = CommentForm(request.POST)
    if form.is_valid():
        c = form.save(commit=False)
        c.place, c.author = hp, request.user
        c.save()
        sync.record(hp, request.user, c, "create", None)
        messages.success(request, "Comment added.")
    else:
        messages.error(request, "a comment needs some text (at most 2,000 characters)")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(f"/p/{hp.slug}/") else f"/p/{hp.slug}/")


_LABELS = ("name", "milestone", "action", "tried", "text", "filename", "slug")
_QUIET = {"version", "updated_at", "updated_by", "id"}


def _describe(change: Change) -> dict:
    """One history row: what the record is, and each field's value before and after."""
    after, before = change.after or {}, change.before or {}
    shown = after or before
    label = next((str(shown[k]) for k in _LABELS if shown.get(k)), change.object_id)
    diff = [(k, before.get(k), v) for k, v in after.items()
            if before and k not in _QUIET and before.get(k) != v]  # fmt: skip
    return {"c": change, "label": label[:120], "diff": diff}


@place_view("read")
def history(request, hp, access):
    changes = Change.objects.filter(place=hp).select_related("user")[:200]
    return _page(request, "history.html", hp, access, rows=[_describe(c) for c in changes])


# -- files: export, import, publish ----------------------------------------------------------


@place_view("read")
def export(request, hp, access, what: str, fmt: str):
    writers = {
        ("actions", "xlsx"), ("actions", "csv"), ("learning", "xlsx"), ("learning", "csv"),
        ("assets", "csv"),
    }  # fmt: skip
    if (what, fmt) not in writers:
        raise Http404("no such export")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{what}.{fmt}"
        if what == "actions":
            sync.write_action_plan(sync.action_plan(hp), path)
        elif what == "learning":
            sync.write_learning_log(sync.learning_log(hp), path)
        else:
            sync.write_asset_register(sync.asset_register(hp), path)
        body = path.read_bytes()
    kind = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
            else "text/csv; charset=utf-8")  # fmt: skip
    resp = HttpResponse(body, content_type=kind)
    resp["Content-Disposition"] = f'attachment; filename="{hp.slug}_{what}.{fmt}"'
    return resp


@place_view("edit_any")
def import_file(request, hp, access):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            suffix = check_upload(form.cleaned_data["file"], kind)
            with tempfile.TemporaryDirectory() as tmp:
                path = _saved_upload(form.cleaned_data["file"], suffix, Path(tmp))
                msgs = import_place_file(hp.slug, kind, path, request.user)
            messages.success(request, f"Imported the {dict(form.fields['kind'].choices)[kind]}.")
            for m in msgs:
                messages.warning(request, m)
            return redirect("glance", slug=hp.slug)
        except (ValidationError, FairerError) as exc:
            form.add_error(None, _one_line(exc))
    return _page(request, "import.html", hp, access, form=form)


@require_POST
@place_view("publish")
def publish(request, hp, access):
    from fairer.hub.service import publish as publish_place

    try:
        msgs = publish_place(hp.slug, request.user, pdf=request.POST.get("pdf") == "on")
    except FairerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Published: the tables, report and progress report are up to date."
        )
        for m in msgs[:10]:
            messages.warning(request, m)
    return redirect("glance", slug=hp.slug)


# -- people ----------------------------------------------------------------------------------


@place_view("manage")
def members(request, hp, access):
    from fairer.hub.service import invite

    form = InviteForm(request.POST or None)
    link = None
    if request.method == "POST" and "public" in request.POST:
        hp.public = request.POST["public"] == "on"
        hp.save(update_fields=["public"])
        sync.record(hp, request.user, hp, "update", None)
        messages.success(request, f"The public view is {'on' if hp.public else 'off'}.")
        return redirect("members", slug=hp.slug)
    if request.method == "POST" and form.is_valid():
        token = invite(hp.slug, form.cleaned_data["role"], form.cleaned_data["organisation"],
                       created_by=request.user)  # fmt: skip
        link = request.build_absolute_uri(f"/invite/{token}/")
    return _page(request, "members.html", hp, access, form=form, link=link,
                 members=hp.members.select_related("user", "organisation").order_by("role"))  # fmt: skip


def join(request, token: str):
    inv = Invitation.objects.filter(token=token, used_at__isnull=True,
                                    expires_at__gt=timezone.now()).first()  # fmt: skip
    if inv is None:
        raise Http404("this invitation has been used or has expired")
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if user is None and form.is_valid():
            User = get_user_model()
            name = form.cleaned_data["username"]
            if User.objects.filter(username=name).exists():
                form.add_error("username", "that name is taken: log in first, then open the link")
            else:
                try:
                    validate_password(form.cleaned_data["password"], User(username=name))
                except ValidationError as exc:
                    form.add_error("password", exc)
                else:
                    user = User.objects.create_user(name, password=form.cleaned_data["password"])
        if user is not None:
            with transaction.atomic():
                Membership.objects.update_or_create(
                    user=user, place=inv.place,
                    defaults={"role": inv.role, "organisation": inv.organisation},
                )  # fmt: skip
                inv.used_by, inv.used_at = user, timezone.now()
                inv.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("glance", slug=inv.place.slug)
    return render(request, "hub/join.html", {"invitation": inv, "form": form})
