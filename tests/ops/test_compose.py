"""compose.yaml, the production set, is valid YAML and speaks the settings' language: every
variable it gives the product's containers is one the settings read."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RECORD = """
import json, os, sys

class Recording(dict):
    def __init__(self, values):
        super().__init__(values)
        self.read = set()
    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)
    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)
    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

os.environ = Recording(os.environ)
import medpause.config.settings
sys.stdout.write(json.dumps(sorted(os.environ.read)))
"""


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_describes_the_production_set():
    services = compose()["services"]
    assert {"proxy", "web", "worker", "db", "db-replica", "redis", "s3", "setup"} <= set(services)
    web = services["web"]
    assert web["command"][:2] == ["medpause", "serve"]
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert services["worker"]["command"] == ["medpause", "worker"]  # the task queue's worker, no shell loop
    nginx = compose()["configs"]["nginx"]["content"]
    assert "location = /metrics { return 404; }" in nginx  # never relayed from outside
    assert "$$args" not in nginx and "$$request_uri" not in nginx  # no query strings in the proxy's log


def _product_variables() -> dict[str, str]:
    env = {}
    for service in compose()["services"].values():
        if str(service.get("image", "")).split("/")[-1].startswith("medpause"):
            env.update({k: str(v) for k, v in service["environment"].items()})
    return env


def test_every_variable_given_to_the_product_is_read_by_the_settings(tmp_path):
    given = _product_variables()
    assert "DATABASE_URL" in given and "MEDPAUSE_S3_BUCKET" in given
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDPAUSE_") and k != "DATABASE_URL"}
    # the values as compose would give them, with the data folders somewhere harmless
    env.update({k: v.replace("${POSTGRES_PASSWORD:?}", "pw").replace("${MEDPAUSE_SECRET_KEY:?}", secrets.token_urlsafe(50))
                .replace("${S3_ACCESS_KEY:?}", "a").replace("${S3_SECRET_KEY:?}", "s") for k, v in given.items()})
    env.update(MEDPAUSE_DATA_DIR=str(tmp_path / "var"), MEDPAUSE_METRICS_DIR=str(tmp_path / "metrics"))
    done = subprocess.run([sys.executable, "-c", RECORD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    read = set(json.loads(done.stdout))
    assert sorted(set(given) - read) == []


def test_redis_takes_the_shared_cache_when_named(tmp_path):
    code = ("import json, sys, medpause.config.settings as s; "
            "sys.stdout.write(json.dumps([s.CACHES['shared']['BACKEND'], s.CACHES['shared'].get('LOCATION')]))")
    env = {**os.environ, "MEDPAUSE_DATA_DIR": str(tmp_path / "var"), "MEDPAUSE_REDIS_URL": "redis://redis:6379/0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["django.core.cache.backends.redis.RedisCache", "redis://redis:6379/0"]
