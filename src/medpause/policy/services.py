"""Loading regions and policy files into versioned rows."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from medpause.policy.models import NATIONAL, PolicyVersion, Region
from medpause.policy.regions import PROVINCES
from medpause.policy.schema import PolicyError, build_policy, deep_merge, parse_header

# Keys only the national baseline may set: a region cannot widen the national frame it works in.
NATIONAL_ONLY = (("waiting_period", "max_wait_months"),)


@dataclass(frozen=True)
class PolicyFile:
    """One policy file as read: its document as written, the SHA-256 of its bytes and its header."""

    path: Path
    doc: dict
    sha256: str
    head: dict

    @property
    def scope(self) -> str:
        return self.head["scope"]

    @property
    def label(self) -> str:
        return f"{self.scope}@{self.head['version']}"


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


def policy_files_read(directory: Path | None = None) -> list[PolicyFile]:
    """Every policies/*.toml with its header, national first, then provinces, then cities, each
    in date order. Errors name the file and the key."""
    directory = Path(directory or settings.POLICY_DIR)
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise PolicyError(str(directory), "(directory)", "holds no policy files")
    files = []
    for path in paths:
        doc, sha = _read(path)
        files.append(PolicyFile(path, doc, sha, parse_header(doc, path.name)))
    seen = set()
    for file in files:
        key = (file.scope, file.head["version"])
        if key in seen:
            raise PolicyError(file.path.name, "policy.version", f"{file.scope}@{file.head['version']} is defined twice")
        seen.add(key)
        if file.scope != NATIONAL:
            for table, key in NATIONAL_ONLY:
                if key in (file.doc.get(table) or {}):
                    raise PolicyError(file.path.name, f"{table}.{key}", "only the national baseline sets it")

    def rank(file: PolicyFile):
        level = 0 if file.scope == NATIONAL else (1 if file.scope.endswith("0000") else 2)
        return (level, file.head["effective_from"], file.scope)

    return sorted(files, key=rank)


def policy_files_resolve(files: list[PolicyFile]) -> list[tuple[PolicyFile, dict]]:
    """Each file's document resolved over the version it builds on (its province's file if there
    is one, else the national baseline in force on its effective date), as JSON values. Pure: no
    database; `files` in the order `policy_files_read` gives."""
    resolved: dict[str, list[tuple]] = {}
    out = []
    for file in files:
        if file.scope == NATIONAL:
            full = file.doc
        else:
            chain = [NATIONAL] if file.scope.endswith("0000") else [file.head["parent"], NATIONAL]
            base = None
            for base_scope in chain:
                candidates = [e for e in resolved.get(base_scope, []) if e[0] <= file.head["effective_from"]]
                if candidates:
                    base = candidates[-1][1]
                    break
            if base is None:
                raise PolicyError(
                    file.path.name, "policy.effective_from", "no national baseline is in force on this date"
                )
            overlay = {k: v for k, v in file.doc.items() if k != "policy"}
            full = deep_merge({k: v for k, v in base.items() if k != "policy"}, overlay)
            full["policy"] = dict(file.doc["policy"])
        full = _jsonable(full)
        resolved.setdefault(file.scope, []).append((file.head["effective_from"], full))
        resolved[file.scope].sort(key=lambda e: e[0])
        out.append((file, full))
    return out


def _regions_of(files: list[PolicyFile]) -> None:
    """The region each file names exists; a city is created (or renamed) under its province."""
    for file in files:
        if file.scope == NATIONAL:
            continue
        if not file.scope.endswith("0000"):
            parent = Region.objects.filter(code=file.head["parent"]).first()
            if parent is None:
                raise PolicyError(file.path.name, "policy.parent", f"unknown region {file.head['parent']!r}")
            Region.objects.update_or_create(
                code=file.scope,
                defaults={"name_zh": file.head["region_name_zh"], "name_en": file.head["region_name_en"],
                          "parent": parent},
            )
        elif not Region.objects.filter(code=file.scope).exists():
            raise PolicyError(file.path.name, "policy.region", f"unknown region {file.scope!r}")


@transaction.atomic
def policies_load(*, directory: Path | None = None) -> list[PolicyVersion]:
    """Read every policies/*.toml, resolve each region file over the version it builds on,
    validate it and store it. Idempotent; all or nothing."""
    regions_load()
    files = policy_files_read(directory)
    _regions_of(files)
    stored = []
    for file, full in policy_files_resolve(files):
        build_policy(full, file.path.name, file.label)  # raises PolicyError naming file and key
        content_sha = hashlib.sha256(json.dumps(full, sort_keys=True).encode()).hexdigest()
        existing = PolicyVersion.objects.filter(scope=file.scope, version=file.head["version"]).first()
        if existing and existing.sha256 != content_sha and existing.application_set.exists():
            raise PolicyError(
                file.path.name,
                "policy.version",
                f"{file.label} has changed but applications were judged by it; give the changed rules a new version",
            )
        pv, _ = PolicyVersion.objects.update_or_create(
            scope=file.scope,
            version=file.head["version"],
            defaults={
                "effective_from": file.head["effective_from"],
                "document": full,
                "source_file": file.path.name,
                "sha256": content_sha,
            },
        )
        stored.append(pv)
    return stored
