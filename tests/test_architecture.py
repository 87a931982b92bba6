"""The shape of the code, checked from its source: layers, one store module, thin commands.

settings → load → jobs → results → publish → render: each rule below keeps one step from
reaching back into another. The import graph is read with ``ast`` (every import, including
those inside functions), so a rule cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "fairer"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in SRC.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every fairer module ``path`` imports (``from fairer.x import y`` counts y if a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            if n.startswith("fairer") and n in MODULES:
                out.add(n)
    out.discard(me)
    return out


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _violations(sources: tuple[str, ...], forbidden: tuple[str, ...], allowed=()) -> list[str]:
    return sorted(
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        if _in(m, *sources)
        for t in targets
        if _in(t, *forbidden) and not _in(t, *allowed)
    )


@pytest.mark.parametrize(
    ("sources", "forbidden", "allowed"),
    [
        # statistics: frames in, frames out; nothing of fairer but its errors
        (("fairer.stats",), ("fairer",), ("fairer.stats", "fairer.errors")),
        # readers never reach the reports or the CLI
        (
            ("fairer.sources",),
            ("fairer.report", "fairer.cli", "fairer.cli_voices", "fairer.cli_hub"),
            (),
        ),
        # reports render results: no readers, loader, store, jobs' orchestration or context
        (
            ("fairer.report",),
            (
                "fairer.sources",
                "fairer.load",
                "fairer.store",
                "fairer.pipeline",
                "fairer.context",
                "fairer.cli",
                "fairer.cli_voices",
                "fairer.cli_hub",
                "fairer.hub",
            ),
            (),
        ),
        # jobs never render and never call the CLI
        (
            (
                "fairer.framework",
                "fairer.voices",
                "fairer.targeting",
                "fairer.delivery",
                "fairer.evaluate",
            ),
            (
                "fairer.report",
                "fairer.cli",
                "fairer.cli_voices",
                "fairer.cli_hub",
                "fairer.pipeline",
                "fairer.hub",
            ),
            (),
        ),
        # the hub shows published results and calls jobs: never the store, loader or readers
        (("fairer.hub",), ("fairer.store", "fairer.load", "fairer.sources", "fairer.report"), ()),
        # nothing imports the CLI
        (("fairer",), ("fairer.cli", "fairer.cli_voices", "fairer.cli_hub"), ()),
    ],
)
def test_layer_rules(sources, forbidden, allowed):
    found = _violations(sources, forbidden, allowed)
    if sources == ("fairer",):  # the CLI may import its own sub-app
        found = [v for v in found if not v.startswith(("fairer.cli ", "fairer.cli_voices ",
                                                        "fairer.cli_hub "))]  # fmt: skip
    assert not found, "\n".join(found)


def test_only_the_cli_and_the_hub_itself_reach_the_hub():
    """The hub is a layer over the library: nothing of the library depends on it."""
    found = sorted(
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        if not _in(m, "fairer.hub", "fairer.cli", "fairer.cli_hub")
        for t in targets
        if _in(t, "fairer.hub")
    )
    assert not found, "\n".join(found)


def _ancestor(a: str, b: str) -> bool:
    """Importing a submodule imports its packages: that edge is Python's, not a cycle."""
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles():
    graph = {m: {t for t in ts if not _ancestor(m, t)} for m, ts in GRAPH.items()}
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def strong(v):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    assert not cycles, cycles


SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+TABLE)\b", re.S
)


def test_all_sql_lives_in_the_store_module():
    offenders = []
    for m, path in MODULES.items():
        if _in(m, "fairer.store"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SQL.search(node.value)
            ):
                offenders.append(f"{m}:{node.lineno} SQL text")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("query", "execute", "con")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("store", "self")
            ):
                offenders.append(f"{m}:{node.lineno} store.{node.attr}")
    assert not offenders, "\n".join(offenders)


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and (getattr(n.func, "id", None) == name or getattr(n.func, "attr", None) == name)
    ]


def test_settings_are_read_and_the_store_opened_only_at_the_top():
    """Only the context (and the places that make or inspect a place) read place.toml or
    open the store; jobs and reports get them handed in."""
    # the hub is a top layer like the CLI: it registers places and points their sources at the
    # files it writes (fairer.place writes place.toml)
    may_read = {"fairer.place", "fairer.context", "fairer.load", "fairer.voices.workspace",
                "fairer.hub.sync", "fairer.hub.service", "fairer.hub.config"}  # fmt: skip
    may_open = {
        "fairer.store.base",
        "fairer.context",
        "fairer.load",
        "fairer.voices.workspace",
        "fairer.voices.importing",
        "fairer.voices.run",
    }
    read = [m for m, p in MODULES.items() if _calls(p, "load_place") and m not in may_read]
    opened = [m for m, p in MODULES.items() if _calls(p, "open_store") and m not in may_open]
    assert not read, f"read place.toml: {read}"
    assert not opened, f"open the store: {opened}"


def test_cli_commands_are_thin():
    """Each command's body is a few lines over a public function (its options aside)."""
    fat = []
    for name in ("cli.py", "cli_voices.py"):
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            decorated = any(
                isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "command"
                for d in node.decorator_list
            )
            if not decorated:
                continue
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
            lines = {n.lineno for stmt in body for n in ast.walk(stmt) if hasattr(n, "lineno")}
            if len(lines) > 12:
                fat.append(f"{name}:{node.name} has {len(lines)} lines")
    assert not fat, "\n".join(fat)


def test_the_disclosure_default_is_written_once():
    """A literal threshold default (argument default, or ``.get("…threshold", N)``) appears
    only in fairer.disclosure: everything else uses ``DEFAULT_THRESHOLD``."""
    found = []
    for m, p in MODULES.items():
        if m == "fairer.disclosure":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args[len(node.args.args) - len(node.args.defaults) :]
                pairs = list(zip(args, node.args.defaults, strict=True)) + [
                    (a, d)
                    for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
                    if d
                ]
                for arg, default in pairs:
                    if (
                        "threshold" in arg.arg
                        and isinstance(default, ast.Constant)
                        and isinstance(default.value, int)
                    ):
                        found.append(f"{m}:{node.lineno} {arg.arg}={default.value}")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "get"
                and len(node.args) == 2
                and isinstance(node.args[0], ast.Constant)
                and "threshold" in str(node.args[0].value)
                and isinstance(node.args[1], ast.Constant)
            ):
                found.append(
                    f"{m}:{node.lineno} .get({node.args[0].value!r}, {node.args[1].value})"
                )
    assert not found, found
