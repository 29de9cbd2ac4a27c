"""The security defaults that docs/security.md promises: loopback, no telemetry, no secrets in
settings or messages, limits on what comes in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nato_qa import QAService
from nato_qa.config import Settings, load_settings
from nato_qa.errors import ConfigError
from nato_qa.ui import build_app, launch

from ..conftest import ROOT, free_port, make_settings

SECRET = "sk-test-0123456789abcdefSECRET"


def test_defaults_are_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no nato-qa.toml here
    for name in list(os.environ):
        if name.startswith("NATO_QA_"):
            monkeypatch.delenv(name)
    s = Settings()
    assert s.host == "127.0.0.1" and s.auth is None and s.chroma_url is None
    assert s.ollama_base_url.startswith("http://127.0.0.1:")
    assert s.max_upload_bytes == 2_000_000 and s.max_file_bytes == 5_000_000
    assert s.max_question_chars == 2000 and s.model == "extractive"


@pytest.mark.slow
def test_ui_is_not_reachable_from_other_interfaces(service: QAService) -> None:
    app = launch(service, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        assert app.local_url.startswith("http://127.0.0.1:")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:  # the address other hosts would use (no packet is sent)
                probe.connect(("192.0.2.1", 9))
                outward = probe.getsockname()[0]
            except OSError:
                outward = "127.0.0.1"
        if outward.startswith("127."):
            pytest.skip("this machine has no non-loopback address")
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((outward, app.server_port)) != 0, f"reachable on {outward}"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", app.server_port)) == 0
    finally:
        app.close()


def test_telemetry_is_off(tmp_path: Path) -> None:
    svc = QAService(make_settings(tmp_path))
    on, off = {"1", "true", "yes"}, {"0", "false", "no"}
    for name, wanted in {
        "HF_HUB_OFFLINE": on,
        "HF_HUB_DISABLE_TELEMETRY": on,
        "GRADIO_ANALYTICS_ENABLED": off,
        "ANONYMIZED_TELEMETRY": off,
    }.items():
        assert os.environ.get(name, "").lower() in wanted, (name, os.environ.get(name))
    assert svc.store._client.get_settings().anonymized_telemetry is False
    assert build_app(svc).analytics_enabled is False


_GUARD = """
import os, socket
LOG = os.environ["NQA_GUARD_LOG"]
def _local(host):
    return isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost", "")
                                      or host.startswith("/"))
def _note(what):
    with open(LOG, "a") as f:
        f.write(what + "\\n")
def _check(addr):
    host = addr[0] if isinstance(addr, tuple) else addr
    if not _local(host):
        _note(f"connect {addr!r}")
        raise OSError("blocked by the test: not loopback")
for cls, name in ((socket.socket, "connect"), (socket.socket, "connect_ex")):
    real = getattr(cls, name)
    def wrapped(self, addr, _real=real):
        _check(addr)
        return _real(self, addr)
    setattr(cls, name, wrapped)
_real_cc = socket.create_connection
def create_connection(addr, *a, **k):
    _check(addr)
    return _real_cc(addr, *a, **k)
socket.create_connection = create_connection
_real_gai = socket.getaddrinfo
def getaddrinfo(host, *a, **k):
    if host is not None and not _local(host if isinstance(host, str) else host.decode()):
        _note(f"resolve {host!r}")
    return _real_gai(host, *a, **k)
socket.getaddrinfo = getaddrinfo
"""

_SERVE_AND_USE = """
import sys, httpx
from pathlib import Path
from gradio_client import Client
from nato_qa import QAService, load_settings
from nato_qa.ui import launch
tmp = Path(sys.argv[1])
svc = QAService(load_settings(store_dir=tmp / "vs", data_dir=tmp / "data", corpus_dir=tmp / "c"))
app = launch(svc, server_port=int(sys.argv[2]), prevent_thread_lock=True, quiet=True)
page = httpx.get(app.local_url, timeout=30)
assert page.status_code == 200, page.status_code
client = Client(app.local_url, verbose=False)
status = client.predict("up", "", "Who heads it?", [], {"text": "Izawa [1]"}, api_name="/feedback")
assert status.startswith("saved"), status
app.close()
try:  # the control: an outside connection is noticed (and refused)
    __import__("socket").create_connection(("192.0.2.1", 9), timeout=1)
except OSError:
    pass
print("OK")
"""


@pytest.mark.slow
def test_serving_the_ui_connects_to_nothing_beyond_loopback(tmp_path: Path) -> None:
    """Start the app, load its page, call its API: no outside connection or name lookup."""
    (tmp_path / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    log = tmp_path / "guard.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_", "NATO_QA_"))}
    env.update(PYTHONPATH=f"{tmp_path}:{ROOT / 'src'}", NQA_GUARD_LOG=str(log))
    done = subprocess.run(
        [sys.executable, "-c", _SERVE_AND_USE, str(tmp_path), str(free_port())],
        capture_output=True, text=True, env=env, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "OK" in done.stdout, done.stderr[-3000:]
    attempts = log.read_text().splitlines() if log.exists() else []
    control = "connect ('192.0.2.1', 9)"
    assert control in attempts, "the guard did not see the control connection"
    attempts.remove(control)
    assert not attempts, f"connections or lookups beyond loopback: {attempts}"


def test_settings_hold_no_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys come from the environment only: no setting can carry one, a file cannot either."""
    words = {"key", "token", "secret", "password", "credential", "apikey"}
    assert not [f for f in Settings.model_fields if words & set(f.split("_"))]
    with pytest.raises(ConfigError, match="openai_api_key"):
        load_settings(openai_api_key=SECRET)
    toml = tmp_path / "nato-qa.toml"
    toml.write_text(f'openai_api_key = "{SECRET}"\n', encoding="utf-8")
    monkeypatch.setenv("NATO_QA_CONFIG", str(toml))
    with pytest.raises(ConfigError, match="openai_api_key"):
        load_settings()


@pytest.mark.parametrize("where", ["misplaced key", "auth without user"])
def test_config_errors_do_not_echo_secrets(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if where == "misplaced key":
        toml = tmp_path / "nato-qa.toml"
        toml.write_text(f'openai_api_key = "{SECRET}"\n', encoding="utf-8")
        monkeypatch.setenv("NATO_QA_CONFIG", str(toml))
    else:
        monkeypatch.setenv("NATO_QA_AUTH", SECRET)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert SECRET not in str(info.value)


def test_login_password_is_hidden_in_settings_repr_and_dumps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NATO_QA_AUTH", f"reader:{SECRET}")
    settings = load_settings()
    shown = [repr(settings), str(settings), str(settings.model_dump()),
             settings.model_dump_json()]  # fmt: skip
    assert all(SECRET not in text for text in shown)
    assert settings.auth is not None and settings.auth.get_secret_value() == f"reader:{SECRET}"
    # a copy with other overrides keeps the login
    again = settings.with_overrides(k=3)
    assert again.auth is not None and again.auth.get_secret_value() == f"reader:{SECRET}"
