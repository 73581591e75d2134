"""No test asserts how long something took: timings belong in bench/, which prints them.

A wall-clock figure in an assertion fails on a busy machine and passes on a fast one whatever
the code does. A test asserts the behaviour instead (every request answered; no write lock
taken; a client that gives up after a generous timeout turns a stall into an error).
Reading the clock to wait for something (a deadline in a polling loop) is fine; asserting on
it, or on anything computed from it, is not.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CLOCKS = {"monotonic", "perf_counter", "time", "process_time", "thread_time"}
CLOCKS |= {f"{name}_ns" for name in CLOCKS}


def _is_clock_call(node: ast.AST) -> bool:
    """time.monotonic(), time.perf_counter(), time.time(), ... or the bare imported names."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in CLOCKS and isinstance(func.value, ast.Name) and func.value.id == "time"
    return isinstance(func, ast.Name) and func.id in CLOCKS - {"time"}


def _reads_clock(node: ast.AST, tainted: set[str]) -> bool:
    return any(
        _is_clock_call(n) or (isinstance(n, ast.Name) and n.id in tainted) for n in ast.walk(node)
    )


def _targets(node: ast.AST) -> Iterator[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
    for target in targets:
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                yield n.id


def _offences(source: str) -> list[int]:
    """Lines of asserts on the clock or on names computed from it (per function)."""
    tree = ast.parse(source)
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
    lines: set[int] = set()
    for scope in scopes:
        assigns = [
            n
            for n in ast.walk(scope)
            if isinstance(n, ast.Assign | ast.AugAssign | ast.AnnAssign) and n.value is not None
        ]
        tainted: set[str] = set()
        grew = True
        while grew:  # names computed from the clock, from those, and so on
            before = len(tainted)
            for node in assigns:
                if _reads_clock(node.value, tainted):  # type: ignore[arg-type]
                    tainted.update(_targets(node))
            grew = len(tainted) > before
        lines.update(
            n.lineno
            for n in ast.walk(scope)
            if isinstance(n, ast.Assert) and _reads_clock(n.test, tainted)
        )
    return sorted(lines)


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.resolve() != Path(__file__).resolve())


def test_no_test_asserts_on_the_wall_clock() -> None:
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in _test_files()
        for line in _offences(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "wall-clock assertions (move the timing to bench/): " + ", ".join(found)


def _src(*body: str) -> str:
    return "def t():\n" + "".join(f"    {line}\n" for line in body)


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        (_src("began = time.monotonic()", "f()", "assert time.monotonic() - began < 15"), True),
        (
            _src("s = time.perf_counter()", "took = time.perf_counter() - s", "assert took < 5"),
            True,
        ),
        (_src("a = monotonic()", "b = a + 1", "c = [b]", "assert c"), True),
        (
            _src(
                "deadline = time.monotonic() + 60", "while time.monotonic() < deadline:", "    f()"
            ),
            False,
        ),
        (_src("deadline = time.monotonic() + 60", "assert done()"), False),
        (_src("assert clock.now() == NOW"), False),
    ],
)
def test_the_check_catches_what_it_guards(source: str, caught: bool) -> None:
    assert bool(_offences(source)) is caught
