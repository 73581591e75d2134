"""The packages of compliance/ import each other without a cycle (ARCHITECTURE.md)."""

import grimp

# models_all imports every model so the metadata is complete; the audit seals ask for it
# (lazily) to find a sealed table by name. It is the one import allowed to point up.
ALLOWED = {("compliance.audit.seals", "compliance.models_all")}


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def package_graph() -> dict[str, set[str]]:
    """compliance.<package> -> the compliance packages it imports (any module, any depth)."""
    graph = grimp.build_graph("compliance")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        src = _package(module)
        edges.setdefault(src, set())
        for target in graph.find_modules_directly_imported_by(module):
            dst = _package(target)
            if dst != src and (module, target) not in ALLOWED:
                edges[src].add(dst)
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's components of the graph (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_the_finder_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert sorted(map(sorted, strongly_connected(edges))) == [["a", "b", "c"], ["d"]]


def test_the_packages_of_compliance_form_a_dag() -> None:
    edges = package_graph()
    assert "compliance.cases" in edges and "compliance.pay" in edges["compliance.dossiers"]
    cycles = [sorted(c) for c in strongly_connected(edges) if len(c) > 1]
    assert cycles == []
