"""Benchmark: validating a policy document (`policy.schema.build_policy`).

    .venv/bin/python bench/policy_schema.py              # national.toml and Shanghai over it
    .venv/bin/python bench/policy_schema.py --number 500

Reads the shipped files, resolves Shanghai over the national baseline the way `policies_load`
does, and times `build_policy` on each: CPU time of this process (the machine is shared), best of 5
rounds of --number calls, per call. A policy
is built once per stored version and kept (`policy.selectors.policy_of`), so this is the price
of loading a version, not of a request."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import timeit
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=200, help="calls per round")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    import django

    django.setup()
    from medpause.policy.schema import build_policy, deep_merge

    policies = Path(sys.modules["medpause"].__file__).parent / "policies"
    national = tomllib.loads((policies / "national.toml").read_text(encoding="utf-8"))
    shanghai = tomllib.loads((policies / "310000-shanghai.toml").read_text(encoding="utf-8"))
    resolved = deep_merge({k: v for k, v in national.items() if k != "policy"}, shanghai)
    documents = {
        "national.toml": json.loads(json.dumps(national, default=str)),
        "310000-shanghai.toml (resolved)": json.loads(json.dumps(resolved, default=str)),
    }
    for name, doc in documents.items():
        build_policy(doc, name, "bench")  # warm up (imports, schema compilation)
        rounds = timeit.repeat(lambda doc=doc, name=name: build_policy(doc, name, "bench"), number=args.number, repeat=5,
                               timer=time.process_time)
        best = min(rounds) / args.number
        print(f"{name}: {best * 1e3:.3f} ms per build_policy (CPU, best of 5 x {args.number})")


if __name__ == "__main__":
    main()
