"""The package list in setup.cfg covers every package folder, so installs ship all the code."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def listed_packages() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}


def package_folders() -> set[str]:
    found = set()
    for top in ("confkit", "webapp"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    found |= {"confkit.migrations", "confkit.migrations.versions"}
    return found


def test_every_package_folder_is_listed_in_setup_cfg() -> None:
    assert listed_packages() == package_folders()


def test_migration_scripts_are_where_setup_cfg_maps_them() -> None:
    assert (ROOT / "migrations" / "env.py").is_file()
    assert sorted((ROOT / "migrations" / "versions").glob("*.py"))


@pytest.mark.parametrize(
    ("package", "folder", "domain"),
    [("webapp", "translations", "messages"), ("confkit", "locale", "confkit")],
)
def test_the_message_catalogues_are_package_data(package: str, folder: str, domain: str) -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    patterns = [p.strip() for p in config["options.package_data"][package].split(",")]
    shipped = {path for pattern in patterns for path in (ROOT / package).glob(pattern)}
    catalogues = set((ROOT / package / folder).rglob(f"{domain}.*"))

    assert {path.suffix for path in catalogues} == {".po", ".mo"}
    assert catalogues <= shipped
