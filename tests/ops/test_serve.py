"""`medpause serve`: no access log of the server's own (it would print query strings, card
numbers among them), and its worker processes count metrics in an emptied folder."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command


def test_serve_starts_the_server_without_an_access_log_and_with_the_metrics_folder(monkeypatch, settings, tmp_path):
    settings.MEDPAUSE_METRICS_DIR = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # recorded, so that undoing removes what serve sets
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    started = {}

    def execv(path, argv):
        started.update(path=path, argv=argv, env=dict(os.environ))
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", execv)
    with pytest.raises(SystemExit):
        call_command("serve", "--host", "127.0.0.1", "--port", "8123", "--workers", "2")
    argv = started["argv"]
    assert "medpause.config.wsgi:application" in argv
    assert [a for a in argv if "access" in a] == ["--no-access-log"]  # the server prints no request lines
    assert started["env"]["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "metrics")
    assert (tmp_path / "metrics").is_dir() and oct((tmp_path / "metrics").stat().st_mode & 0o777) == "0o700"
