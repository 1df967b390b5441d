"""SITE_URL defaults to the address being served (HOST/PORT), in a real process as `make run` starts it."""
import subprocess
import sys

import pytest

from config import served_address
from tests.served import ROOT, app_env


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "8123"}, "http://127.0.0.1:8123"),
    ({"HOST": "fuhua.example.org", "PORT": "80"}, "http://fuhua.example.org:80"),
    ({"HOST": "0.0.0.0", "PORT": "7000"}, "http://127.0.0.1:7000"),
    ({"HOST": "::1", "PORT": "7000"}, "http://[::1]:7000"),
])
def test_served_address_names_host_and_port(env, expected):
    assert served_address(env) == expected


def _site_url(tmp_path, **env) -> str:
    settings = app_env(f"sqlite:///{tmp_path / 'site.db'}", secret_key="x" * 40, extra=env)
    code = "from app import create_app; print(create_app().config['SITE_URL'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=settings, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_unset_site_url_follows_the_served_port(tmp_path):
    assert "SITE_URL" not in app_env("sqlite://", secret_key="x" * 40)
    assert _site_url(tmp_path, HOST="127.0.0.1", PORT="5123") == "http://127.0.0.1:5123"


def test_a_set_site_url_wins(tmp_path):
    assert _site_url(tmp_path, PORT="5123", SITE_URL="https://fuhua.example.org/") == "https://fuhua.example.org"
