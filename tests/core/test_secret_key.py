"""No shared secret by default: an install without SECRET_KEY signs with a random key of its own."""
import logging
import stat

import pytest
from flask import Flask

from config import DEV_SECRET_KEY, DevelopmentConfig, ProductionConfig


def configured(config_class, key_file):
    class Configured(config_class):
        SECRET_KEY = None
        SECRET_KEY_FILE = key_file

    app = Flask(__name__)
    app.config.from_object(Configured)
    Configured.init_app(app)
    return app


def test_without_secret_key_a_random_key_is_made_once_and_kept(tmp_path, caplog):
    key_file = tmp_path / "instance" / "secret_key"
    with caplog.at_level(logging.WARNING, logger="config"):
        first = configured(DevelopmentConfig, key_file)
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key != DEV_SECRET_KEY
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "SECRET_KEY is not set" in caplog.text and "made now" in caplog.text
    assert configured(DevelopmentConfig, key_file).config["SECRET_KEY"] == key  # the next start reads it


def test_two_installs_get_different_keys(tmp_path):
    one = configured(DevelopmentConfig, tmp_path / "a" / "secret_key").config["SECRET_KEY"]
    two = configured(DevelopmentConfig, tmp_path / "b" / "secret_key").config["SECRET_KEY"]
    assert one != two


def test_a_set_secret_key_is_used_and_no_file_is_made(tmp_path):
    class WithKey(DevelopmentConfig):
        SECRET_KEY = "k" * 40
        SECRET_KEY_FILE = tmp_path / "secret_key"

    app = Flask(__name__)
    app.config.from_object(WithKey)
    WithKey.init_app(app)
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_an_empty_key_file_is_refused_rather_than_used(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("\n")
    with pytest.raises(RuntimeError, match="no usable key"):
        configured(DevelopmentConfig, key_file)


def test_production_without_secret_key_refuses_to_start_and_makes_no_key(tmp_path):
    key_file = tmp_path / "secret_key"
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        configured(ProductionConfig, key_file)
    assert not key_file.exists()
