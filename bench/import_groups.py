"""How tangled the apps are: the largest group of apps that import each other in a circle.

    .venv/bin/python bench/import_groups.py

Every import counts, including those inside functions and tests (grimp reads them all);
`--no-tests` leaves out the apps' tests/ packages; `--contract` also leaves out the
exceptions .importlinter lists (the imports it ignores), to show what the layers allow.
"""

import configparser
import re
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent / "daiban"


def _exceptions() -> list[tuple[str, str]]:
    """The `importer -> imported` lines of .importlinter's ignore_imports, as patterns."""
    config = configparser.ConfigParser()
    config.read(ROOT.parent / ".importlinter")
    pairs = []
    for section in config.sections():
        for line in config[section].get("ignore_imports", "").splitlines():
            if "->" in line and not line.strip().startswith("#"):
                left, right = (part.strip() for part in line.split("->"))
                pairs.append((left, right))
    return pairs


def _matches(pattern: str, module: str) -> bool:
    regex = re.escape(pattern).replace(r"\*\*", ".+").replace(r"\*", "[^.]+")
    return re.fullmatch(regex, module) is not None


def app_graph(include_tests: bool = True, contract: bool = False) -> dict[str, set[str]]:
    graph = grimp.build_graph("daiban", include_external_packages=False)
    ignored = _exceptions() if contract else []
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or (not include_tests and "tests" in parts):
            continue
        app = parts[1]
        edges.setdefault(app, set())
        for imported in graph.find_modules_directly_imported_by(module):
            if any(_matches(a, module) and _matches(b, imported) for a, b in ignored):
                continue
            other = imported.split(".")
            if len(other) >= 2 and other[1] != app:
                edges[app].add(other[1])
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively enough for a dozen apps."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.add(top)
                if top == node:
                    break
            groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups, key=len, reverse=True)


def main() -> None:
    contract = "--contract" in sys.argv
    include_tests = "--no-tests" not in sys.argv and not contract
    edges = app_graph(include_tests, contract)
    # Apps are the packages under daiban/ (settings, urls, conftest are modules, not apps).
    apps = sorted(a for a in edges if (ROOT / a / "__init__.py").exists())
    groups = strongly_connected({a: edges[a] & set(apps) for a in apps})
    largest = groups[0]
    print(f"apps: {len(apps)}; largest strongly connected group: {len(largest)} apps")
    print("  " + ", ".join(sorted(largest)))
    for group in groups[1:]:
        if len(group) > 1:
            print("  other cycle: " + ", ".join(sorted(group)))


if __name__ == "__main__":
    main()
