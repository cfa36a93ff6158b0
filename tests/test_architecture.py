"""The package's shape, checked statically with ``ast`` (issue 14, "Checked by").

- no import cycles among ``exporter.*`` modules;
- no writer package imports another writer;
- at most 14 modules at the top of ``exporter/``;
- no separator or label literal in the string constants of writers and readers
  (the one wording module owns every phrase a reader sees).

How an import is read (every ``import`` statement of a file counts, also those
inside functions -- a lazy import is still an arrow between two parts):

- ``import a.b`` imports the module ``a.b``;
- ``from a import b`` imports ``a.b`` when that is a module, else ``a``;
- relative imports are resolved against the importing module's package;
- imports under ``if TYPE_CHECKING:`` count too: a type-only import is still a
  dependency (mypy follows it, and the arrow between two parts must point one
  way for types as for code) -- this is how ``batch/worker`` naming
  ``exporter.batch.Job`` closes the batch circle the issue names;
- the implicit import of a parent package (importing ``a.b`` runs ``a/__init__``)
  is not an edge, so a package ``__init__`` that re-exports its submodules is
  no cycle by itself; it becomes one only when a submodule imports its
  package back (``from exporter.batch import Job`` inside ``batch/executors``),
  which is the import-order trap the rule is about.
"""

from __future__ import annotations

import ast
import itertools
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "exporter"
MAX_TOP_LEVEL = 14
#: what only the wording module may spell (issue 14, item 4)
WORDING_LITERALS = (" · ", "— ", " | ", "Published", "Updated", "Figure", "Corrections")


# --- reading the tree ------------------------------------------------------------------


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (``pkg/__init__.py`` is ``pkg``)."""
    found: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (functions, ``if TYPE_CHECKING:``, ``try``)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The ``exporter.*`` modules that the module ``name`` (file ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in modules else base)
        out.update(t for t in targets if t in modules and t != name)
    return out


def import_graph(modules: dict[str, Path] | None = None) -> dict[str, set[str]]:
    modules = modules if modules is not None else module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop inside a component, for the failure message: a -> b -> a."""
    members = set(component)
    start = component[0]
    # breadth-first from start back to start, inside the component
    paths = {w: [start, w] for w in graph[start] if w in members}
    queue = list(paths)
    while queue:
        v = queue.pop(0)
        if start in graph[v]:
            return " -> ".join([*paths[v], start])
        for w in sorted(graph[v]):
            if w in members and w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return " <-> ".join(component)


def describe_cycles(graph: dict[str, set[str]]) -> list[str]:
    return [f"{{{', '.join(c)}}}, e.g. {_cycle_path(graph, c)}" for c in cycles(graph)]


def writer_packages() -> set[str]:
    """The writers: ``exporter.writers.X`` named by the ``exporter.writers`` entry points.

    Any other module under ``exporter/writers/`` (``options.py``...) belongs to the
    base every writer builds on.
    """
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["project"]["entry-points"]["exporter.writers"]
    return {value.split(":")[0].split(".")[2] for value in table.values()
            if value.startswith("exporter.writers.")}


def writer_of(module: str, writers: set[str]) -> str | None:
    """``exporter.writers.pdf.fetcher`` -> ``pdf``; None outside a writer (or the base)."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[:2] == ["exporter", "writers"] and parts[2] in writers:
        return parts[2]
    return None


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                ids.add(id(body[0].value))
        # attribute docstrings: a bare string right after an assignment
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                for prev, stmt in itertools.pairwise(stmts):
                    if (isinstance(prev, (ast.Assign, ast.AnnAssign)) and isinstance(stmt, ast.Expr)
                            and isinstance(stmt.value, ast.Constant)
                            and isinstance(stmt.value.value, str)):
                        ids.add(id(stmt.value))
    return ids


def wording_literals(path: Path) -> list[str]:
    """``line: 'literal' (holds ...)`` for each string constant spelling a wording literal.

    Docstrings and comments are not string constants here (comments are not in
    the tree at all); f-string parts are.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _docstring_nodes(tree)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            hits = [w for w in WORDING_LITERALS if _holds(node.value, w)]
            if hits:
                found.append(f"{where}:{node.lineno}: {node.value!r} "
                             f"(holds {', '.join(repr(h) for h in hits)})")
    return sorted(found, key=lambda f: (int(f.split(":")[1]), f))


def _holds(text: str, literal: str) -> bool:
    """Separators as substrings; label words as whole words (``datePublished`` is a key)."""
    if literal.isalpha():
        return re.search(rf"(?<!\w){literal}(?!\w)", text) is not None
    return literal in text


# --- the checker, on small trees written here --------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        target = tmp_path / "exporter" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return module_files(tmp_path / "exporter")


def test_checker_finds_a_lazy_cycle_and_a_package_cycle(tmp_path):
    modules = _tree(tmp_path, {
        "__init__.py": "",
        "batch/__init__.py": ("from exporter.batch.worker import run\n"
                              "def go():\n    from exporter.batch.executors import make\n"),
        "batch/executors.py": "from exporter.batch import Job\n",
        "batch/worker.py": "def run():\n    from exporter.batch import executors\n",
        "verify/__init__.py": "",
        "verify/result.py": "def summary():\n    from exporter.verify.report import line\n",
        "verify/report.py": "from exporter.verify.result import Check\n",
    })
    graph = import_graph(modules)
    assert graph["exporter.batch.worker"] == {"exporter.batch.executors"}
    assert graph["exporter.batch"] == {"exporter.batch.worker", "exporter.batch.executors"}
    assert cycles(graph) == [
        ["exporter.batch", "exporter.batch.executors", "exporter.batch.worker"],
        ["exporter.verify.report", "exporter.verify.result"],
    ]


def test_checker_allows_reexports_and_counts_type_checking_imports(tmp_path):
    modules = _tree(tmp_path, {
        "__init__.py": "",
        "feed/__init__.py": "from exporter.feed.config import load\nfrom . import lock\n",
        "feed/config.py": "import exporter.writers\n",
        "feed/lock.py": "from .config import load\n",
        "writers/__init__.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                "    from exporter.writers.rss import Channel\n"),
        "writers/rss.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           "    from ..feed import FeedSettings\n"),
    })
    graph = import_graph(modules)
    assert graph["exporter.feed"] == {"exporter.feed.config", "exporter.feed.lock"}
    assert graph["exporter.feed.lock"] == {"exporter.feed.config"}
    assert graph["exporter.writers.rss"] == {"exporter.feed"}
    assert cycles(graph) == [["exporter.feed", "exporter.feed.config", "exporter.feed.lock",
                              "exporter.writers", "exporter.writers.rss"]]
    del modules["exporter.writers.rss"]
    assert cycles(import_graph(modules)) == []


def test_checker_finds_wording_literals_but_not_docstrings(tmp_path):
    path = tmp_path / "w.py"
    path.write_text('"""Published · docs."""\n'
                    "def f():\n"
                    '    """Figure docs."""\n'
                    "    # Corrections in a comment\n"
                    '    return f"Figure {1}: " + " · "\n', encoding="utf-8")
    found = wording_literals(path)
    assert found == ["w.py:5: ' · ' (holds ' · ')", "w.py:5: 'Figure ' (holds 'Figure')"]
    path.write_text('KEY = "datePublished"\nSTYLE = "Updated_at"\nLABEL = "Updated:"\n',
                    encoding="utf-8")
    assert wording_literals(path) == ["w.py:3: 'Updated:' (holds 'Updated')"]


# --- the rules, on the real tree -------------------------------------------------------


def test_no_import_cycles():
    graph = import_graph()
    found = describe_cycles(graph)
    assert not found, "import cycles among exporter modules:\n" + "\n".join(found)


def test_no_writer_imports_another_writer():
    writers = writer_packages()
    assert {"pdf", "docx", "epub", "rss", "html", "ninjs"} <= writers
    bad = []
    for module, targets in import_graph().items():
        own = writer_of(module, writers)
        if own is None:
            continue
        for target in sorted(targets):
            other = writer_of(target, writers)
            if other is not None and other != own:
                bad.append(f"{module} imports {target}")
    assert not bad, "writers importing other writers:\n" + "\n".join(bad)


def test_at_most_14_top_level_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, f"{len(top)} top-level modules: {', '.join(top)}"


def docx_style_names() -> set[str]:
    """The paragraph and character style names declared in the DOCX house style.

    They are identifiers of ``reference.docx`` (what a user picks in Word's style
    pane, what pandoc's ``custom-style`` names), not wording a reader sees in the
    text, so ``"Corrections Heading"`` is no label literal.
    """
    tree = ast.parse((PACKAGE / "writers" / "docx" / "styles.py").read_text(encoding="utf-8"))
    return {call.args[0].value for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "StyleSpec"
            and call.args and isinstance(call.args[0], ast.Constant)}


def test_no_wording_literals_in_writers_and_readers():
    styles = docx_style_names()
    assert {"Corrections Heading", "Caption", "Title"} <= styles  # the table was found
    found = []
    for folder in ("writers", "readers"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            found += [f for f in wording_literals(path)
                      if f.split(": ", 1)[1].rsplit(" (holds", 1)[0].strip("'\"") not in styles]
    assert not found, "wording spelled outside the wording module:\n" + "\n".join(found)


def test_feed_does_not_use_rss_writer_internals():
    graph = import_graph()
    bad = sorted(f"{m} imports {t}" for m, ts in graph.items() if m.startswith("exporter.feed")
                 for t in ts if t.startswith("exporter.writers.rss"))
    assert not bad, "\n".join(bad)
