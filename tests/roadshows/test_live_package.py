"""The live-room package depends one way and keeps no state in module globals."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

import app

PACKAGE = Path(app.__file__).parent / "roadshows" / "live"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
ROOT = PACKAGE.parents[2]


def test_the_package_has_the_layers():
    assert {"access", "queries", "snapshot", "state", "use_cases", "events", "schemas"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_on_its_own(module):
    """In a fresh interpreter, importing any one module first works: no module needs another half-imported."""
    done = subprocess.run([sys.executable, "-c", f"import app.roadshows.live.{module}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "Counter", "OrderedDict", "deque", "Lock", "RLock",
                 "local", "WeakValueDictionary", "WeakKeyDictionary"}


def _mutable(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return name in MUTABLE_CALLS
    return False


@pytest.mark.parametrize("module", ["__init__", *MODULES])
def test_no_module_global_holds_mutable_state(module):
    """Per-process state lives in the app's `LiveState` (tests get a fresh one), never in a module global."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and _mutable(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [ast.unparse(t) for t in targets]
        if isinstance(node, ast.Global):
            found += node.names
    assert found == []
