"""`medpause serve`: granian with one worker per CPU, no access log, the entry point's 414."""

import pytest
from django.core.management import call_command

from medpause.ops import server


def _flag(argv, name):
    return argv[argv.index(name) + 1]


def test_workers_follow_the_machine_unless_set(monkeypatch):
    monkeypatch.delenv("MEDPAUSE_WORKERS", raising=False)
    monkeypatch.setattr(server.os, "cpu_count", lambda: 6)
    argv = server.server_argv(host="127.0.0.1", port=8000)
    assert _flag(argv, "--workers") == "6"
    monkeypatch.setenv("MEDPAUSE_WORKERS", "3")
    assert _flag(server.server_argv(host="127.0.0.1", port=8000), "--workers") == "3"
    monkeypatch.setattr(server.os, "cpu_count", lambda: None)
    monkeypatch.delenv("MEDPAUSE_WORKERS")
    assert _flag(server.server_argv(host="127.0.0.1", port=8000), "--workers") == "1"


def test_the_server_never_logs_request_lines():
    argv = server.server_argv(host="0.0.0.0", port=8080)
    assert argv[1:4] == ["-m", "granian", "medpause.config.wsgi:application"]
    assert "--no-access-log" in argv and "--access-log" not in argv
    assert (_flag(argv, "--interface"), _flag(argv, "--host"), _flag(argv, "--port")) == ("wsgi", "0.0.0.0", "8080")


@pytest.mark.parametrize("args, env, workers, threads", [
    ([], {}, "2", "4"), (["--workers", "5", "--threads", "2"], {}, "5", "2"), ([], {"MEDPAUSE_THREADS": "8"}, "2", "8"),
])
def test_the_serve_command_starts_that_server(monkeypatch, capsys, args, env, workers, threads):
    started = []
    monkeypatch.setattr(server.os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.setattr(server.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("MEDPAUSE_WORKERS", raising=False)
    monkeypatch.delenv("MEDPAUSE_THREADS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    call_command("serve", "--port", "8123", *args)
    (argv,) = started
    assert (_flag(argv, "--port"), _flag(argv, "--workers"), _flag(argv, "--blocking-threads")) == ("8123", workers,
                                                                                                    threads)
    assert f"{workers} workers" in capsys.readouterr().out
