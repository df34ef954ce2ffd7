"""Configuration layers: defaults < instance confkit.cfg < environment < test_config."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import read_or_create_secret_key


def test_the_instance_folder_is_created(instance_path: Path) -> None:
    app = create_app()

    assert Path(app.instance_path) == instance_path
    assert instance_path.is_dir()


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(instance_path: Path) -> None:
    app = create_app()

    assert app.config["CONFKIT_DATABASE_URL"] == f"sqlite:///{instance_path / 'confkit.sqlite'}"
    assert app.config["CONFKIT_SMTP_URL"] is None
    assert app.config["CONFKIT_BASE_URL"] is None


def test_the_secret_key_is_generated_once_and_reused(instance_path: Path) -> None:
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]

    assert first == second
    assert len(bytes.fromhex(first)) == 32
    key_file = instance_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0, "the key file is readable by others"


def test_each_instance_folder_gets_its_own_secret_key(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    first = read_or_create_secret_key(tmp_path / "a" / "secret_key")
    second = read_or_create_secret_key(tmp_path / "b" / "secret_key")

    assert first != second


def test_an_empty_secret_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text("\n")

    with pytest.raises(RuntimeError, match="empty"):
        read_or_create_secret_key(key_file)


def test_a_configured_secret_key_leaves_no_key_file(
    instance_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFKIT_SECRET_KEY", "from-the-environment")

    app = create_app()

    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (instance_path / "secret_key").exists()


def test_environment_variables_override_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFKIT_DATABASE_URL", "sqlite:///elsewhere.sqlite")
    monkeypatch.setenv("CONFKIT_SECRET_KEY", "environment-secret")
    monkeypatch.setenv("CONFKIT_SMTP_URL", "smtp://127.0.0.1:8025")
    monkeypatch.setenv("CONFKIT_BASE_URL", "https://conference.example")

    config = create_app().config

    assert config["CONFKIT_DATABASE_URL"] == "sqlite:///elsewhere.sqlite"
    assert config["SECRET_KEY"] == "environment-secret"
    assert config["CONFKIT_SMTP_URL"] == "smtp://127.0.0.1:8025"
    assert config["CONFKIT_BASE_URL"] == "https://conference.example"


def test_an_empty_environment_variable_counts_as_unset(
    instance_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFKIT_DATABASE_URL", "")

    config = create_app().config

    assert config["CONFKIT_DATABASE_URL"] == f"sqlite:///{instance_path / 'confkit.sqlite'}"


def test_the_instance_config_file_overrides_defaults_and_the_environment_overrides_it(
    instance_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_path.mkdir()
    (instance_path / "confkit.cfg").write_text(
        'CONFKIT_BASE_URL = "https://from-file.example"\nCONFKIT_SMTP_URL = "smtp://file:25"\n'
    )
    monkeypatch.setenv("CONFKIT_SMTP_URL", "smtp://environment:25")

    config = create_app().config

    assert config["CONFKIT_BASE_URL"] == "https://from-file.example"
    assert config["CONFKIT_SMTP_URL"] == "smtp://environment:25"


def test_test_config_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFKIT_BASE_URL", "https://environment.example")
    monkeypatch.setenv("CONFKIT_SECRET_KEY", "environment-secret")

    config = create_app(
        {"CONFKIT_BASE_URL": "https://test.example", "SECRET_KEY": "test-secret"}
    ).config

    assert config["CONFKIT_BASE_URL"] == "https://test.example"
    assert config["SECRET_KEY"] == "test-secret"


def test_a_relative_instance_path_is_made_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONFKIT_INSTANCE_PATH", "relative-instance")

    app = create_app()

    assert Path(app.instance_path) == tmp_path.resolve() / "relative-instance"
