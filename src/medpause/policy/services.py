"""Loading regions and policy files into versioned rows."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction

from medpause.policy.models import NATIONAL, PolicyVersion, Region
from medpause.policy.regions import PROVINCES
from medpause.policy.schema import PolicyError, build_policy, deep_merge, parse_header


def regions_load() -> int:
    """Create or rename the 31 provincial-level regions; returns how many exist."""
    for code, zh, en in PROVINCES:
        Region.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "parent": None})
    return Region.objects.count()


def _jsonable(doc: dict) -> dict:
    return json.loads(json.dumps(doc, default=str))


def _read(path: Path) -> tuple[dict, str]:
    raw = path.read_bytes()
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PolicyError(path.name, "(file)", f"is not UTF-8: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(path.name, "(syntax)", str(exc)) from exc
    return doc, hashlib.sha256(raw).hexdigest()


@transaction.atomic
def policies_load(*, directory: Path | None = None) -> list[PolicyVersion]:
    """Read every policies/*.toml, resolve each region file over the version it builds on
    (its province's file if there is one, else the national baseline in force on its
    effective date), validate it and store it. Idempotent; all or nothing."""
    directory = Path(directory or settings.POLICY_DIR)
    regions_load()
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise PolicyError(str(directory), "(directory)", "holds no policy files")
    entries = []
    for path in files:
        doc, sha = _read(path)
        head = parse_header(doc, path.name)
        entries.append((path, doc, sha, head))

    seen = set()
    for path, _doc, _digest, head in entries:
        key = (head["scope"], head["version"])
        if key in seen:
            raise PolicyError(path.name, "policy.version", f"{head['scope']}@{head['version']} is defined twice")
        seen.add(key)

    # national first, then provinces, then cities; each in date order
    def rank(entry):
        scope = entry[3]["scope"]
        level = 0 if scope == NATIONAL else (1 if scope.endswith("0000") else 2)
        return (level, entry[3]["effective_from"], scope)

    resolved: dict[str, list[tuple]] = {}
    stored = []
    for path, doc, _file_sha, head in sorted(entries, key=rank):
        scope = head["scope"]
        if scope == NATIONAL:
            full = doc
        else:
            if not scope.endswith("0000"):
                parent_code = head["parent"]
                parent = Region.objects.filter(code=parent_code).first()
                if parent is None:
                    raise PolicyError(path.name, "policy.parent", f"unknown region {parent_code!r}")
                Region.objects.update_or_create(
                    code=scope,
                    defaults={"name_zh": head["region_name_zh"], "name_en": head["region_name_en"], "parent": parent},
                )
                chain = [parent_code, NATIONAL]
            else:
                if not Region.objects.filter(code=scope).exists():
                    raise PolicyError(path.name, "policy.region", f"unknown region {scope!r}")
                chain = [NATIONAL]
            base = None
            for base_scope in chain:
                candidates = [e for e in resolved.get(base_scope, []) if e[0] <= head["effective_from"]]
                if candidates:
                    base = candidates[-1][1]
                    break
            if base is None:
                raise PolicyError(
                    path.name, "policy.effective_from", "no national baseline is in force on this date"
                )
            overlay = {k: v for k, v in doc.items() if k != "policy"}
            full = deep_merge({k: v for k, v in base.items() if k != "policy"}, overlay)
            full["policy"] = dict(doc["policy"])
        full = _jsonable(full)
        label = f"{scope}@{head['version']}"
        build_policy(full, path.name, label)  # raises PolicyError naming file and key
        resolved.setdefault(scope, []).append((head["effective_from"], full))
        resolved[scope].sort(key=lambda e: e[0])
        content_sha = hashlib.sha256(json.dumps(full, sort_keys=True).encode()).hexdigest()
        existing = PolicyVersion.objects.filter(scope=scope, version=head["version"]).first()
        if existing and existing.sha256 != content_sha and existing.application_set.exists():
            raise PolicyError(
                path.name,
                "policy.version",
                f"{label} has changed but applications were judged by it; give the changed rules a new version",
            )
        pv, _ = PolicyVersion.objects.update_or_create(
            scope=scope,
            version=head["version"],
            defaults={
                "effective_from": head["effective_from"],
                "document": full,
                "source_file": path.name,
                "sha256": content_sha,
            },
        )
        stored.append(pv)
    return stored
