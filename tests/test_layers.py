"""The packages import each other only as DESIGN.md's layer picture allows.

Twilio → telephony/ (the adapter) → calls/ (one call's session) → speech/ and flow/ (the pure
decision) and routing/ (the floor) → store/. The composition roots (runtime, app, cli) wire
everything and nothing below them imports them at run time. Imports are read with `ast` from
every module, function-local ones included; an import under `if TYPE_CHECKING:` is a type
annotation, not a dependency, and is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "voice"
ROOTS = frozenset({"runtime", "app", "cli", "__main__"})


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Yield every node except the bodies of `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _imported(node: ast.AST, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing module's package
            base = module.split(".")[: -node.level]
            return [".".join([*base, node.module] if node.module else base)]
        return [node.module or ""]
    return []


def imports() -> dict[str, set[str]]:
    """Return, for each top-level part of voice/ (a package or module), what it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts)
        names = found.setdefault(parts[1], set())
        for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
            for name in _imported(node, module):
                bits = name.split(".")
                names.add(bits[1] if bits[0] == "voice" and len(bits) > 1 else f"<{bits[0]}>")
    return found


@pytest.fixture(scope="module")
def edges() -> dict[str, set[str]]:
    return imports()


def test_the_import_reader_sees_known_edges(edges):
    assert "flow" in edges["calls"]  # calls drives decide()
    assert "calls" in edges["telephony"]  # the adapter renders the calls' plans
    assert "<twilio>" in edges["telephony"]
    assert "<sqlalchemy>" in edges["store"]


def test_twilio_is_imported_only_in_telephony(edges):
    assert sorted(part for part, names in edges.items() if "<twilio>" in names) == ["telephony"]


@pytest.mark.parametrize(
    ("part", "forbidden"),
    [
        # the pure decision: a callflow, what was heard, who calls; nothing of calls or I/O
        ("flow", {"calls", "routing", "telephony", "web", "store", "speech", "analytics", "sim"}),
        ("speech", {"calls", "routing", "telephony", "web", "store", "analytics", "sim"}),
        # the floor knows agents and queues, not the call's session nor the provider
        ("routing", {"calls", "telephony", "web", "speech", "analytics", "sim"}),
        # one call's session returns neutral plans; the adapter renders them
        ("calls", {"telephony", "web", "analytics", "sim"}),
        ("telephony", {"web", "analytics", "sim"}),
        ("store", {"flow", "calls", "routing", "telephony", "web", "speech", "analytics", "sim"}),
        ("web", {"telephony", "sim"}),
    ],
)
def test_a_layer_never_imports_the_layers_above_it(edges, part, forbidden):
    assert edges[part] & forbidden == set()


@pytest.mark.parametrize("part", ["flow", "speech", "routing", "calls", "telephony", "store"])
def test_nothing_below_the_composition_roots_imports_them(edges, part):
    assert edges[part] & ROOTS == set()


def test_the_domain_packages_form_no_cycle(edges):
    domain = {"flow", "speech", "routing", "calls", "telephony", "store", "nlu", "users"}
    graph = {part: (edges[part] & domain) - {part} for part in domain}
    assert _cycle(graph) is None


def test_a_cycle_is_found_when_there_is_one():
    graph = {"calls": {"runtime"}, "runtime": {"telephony"}, "telephony": {"calls"}}
    assert _cycle(graph) == ["calls", "runtime", "telephony", "calls"]
    assert _cycle({"calls": {"flow"}, "flow": set()}) is None


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a path, or None when the graph has none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            if found := visit(nxt, [*path, node]):
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        if found := visit(start, []):
            return found
    return None
