"""confkit is a library: importing all of it loads no web framework and no part of the web app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import confkit

WEB_PACKAGES = ("flask", "flask_wtf", "wtforms", "werkzeug", "webapp")

# Run in a fresh interpreter: the test process itself has long imported Flask.
IMPORT_EVERYTHING = """
import importlib
import pkgutil
import sys

package_name, *forbidden = sys.argv[1:]
package = importlib.import_module(package_name)
for module in pkgutil.walk_packages(package.__path__, package_name + "."):
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in forbidden)
if loaded:
    sys.exit(package_name + " imports " + ", ".join(loaded))
"""


def import_everything(package_name: str, *, search_path: Path) -> subprocess.CompletedProcess[str]:
    """Import every module of ``package_name`` in a new interpreter and check what came along."""
    inherited = os.environ.get("PYTHONPATH")
    search_paths = [str(search_path), inherited] if inherited else [str(search_path)]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(search_paths))
    return subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, package_name, *WEB_PACKAGES],
        capture_output=True,
        text=True,
        env=environment,
        cwd=search_path,
        check=False,
    )


def test_importing_every_confkit_module_loads_no_web_package() -> None:
    project_root = Path(confkit.__file__).resolve().parent.parent

    result = import_everything("confkit", search_path=project_root)

    assert result.returncode == 0, result.stderr


def test_the_check_catches_a_module_that_imports_flask(tmp_path: Path) -> None:
    package = tmp_path / "leaky"
    (package / "web").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "web" / "__init__.py").write_text("")
    (package / "web" / "views.py").write_text("import flask\n")

    result = import_everything("leaky", search_path=tmp_path)

    assert result.returncode != 0
    assert "leaky imports flask" in result.stderr
