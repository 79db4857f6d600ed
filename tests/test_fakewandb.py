"""The fake W&B server, driven by the real ``wandb`` client in subprocesses.

Each client runs with HOME, TMPDIR and every W&B folder in a temporary directory, talking only to
127.0.0.1; a marker in its environment finds any ``wandb-core`` it leaves behind.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from grader.fakewandb import MANIFEST, SEEDING_FAILED, FakeWandb, key_from_header

KEY = "k" * 40
WRONG_KEY = "w" * 40
ARTIFACT = "grader-team/corrupt_mnist/corrupt_mnist_model"

ONLINE_RUN = """
import wandb
run = wandb.init(project="tester", config={"lr": 0.01, "epochs": 3})
for i in range(100):
    wandb.log({"test_metric": i * 0.5})
wandb.finish()
"""

API_SESSION = """
import json, wandb
api = wandb.Api()
def show(a):
    return {"name": a.name, "version": a.version, "aliases": sorted(a.aliases),
            "metadata": a.metadata, "type": a.type, "entity": a.entity, "project": a.project}
out = {}
v1 = api.artifact("grader-team/corrupt_mnist/corrupt_mnist_model:v1")
out["v1"] = show(v1)
out["latest"] = show(api.artifact("grader-team/corrupt_mnist/corrupt_mnist_model:latest"))
v1.link("grader-team/model-registry/my_registry", aliases=["best", "staging"])
v1.save()  # as the course's linker does after link()
collection = api.artifact_collection("model", "grader-team/corrupt_mnist/corrupt_mnist_model")
out["collection"] = [show(a) for a in collection.artifacts()]
out["linked"] = show(api.artifact("grader-team/model-registry/my_registry:staging"))
print("RESULT " + json.dumps(out))
"""

DOWNLOAD_SESSION = """
import json, os, wandb
api = wandb.Api()
out = {}
staging = api.artifact("grader-team/model-registry/my_registry:staging")
out["staging"] = {"version": staging.version, "source": staging.source_version,
                  "aliases": sorted(staging.aliases)}
folder = staging.download(root="by_alias")
out["by_alias"] = {n: open(os.path.join(folder, n)).read() for n in sorted(os.listdir(folder))}
project = "grader-team/corrupt_mnist/corrupt_mnist_model"
out["file"] = open(api.artifact(project + ":v0").file(root="single")).read()  # by digest
out["listed"] = sorted(f.name for f in api.artifact(project + ":v1").files())
print("RESULT " + json.dumps(out))
"""


# -- helpers -------------------------------------------------------------------------------------


def client_env(server: FakeWandb, folder: Path, key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    for name in ("home", "wandb", "cache", "config", "data", "tmp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(folder / "home"),
        WANDB_DIR=str(folder / "wandb"),
        WANDB_CACHE_DIR=str(folder / "cache"),
        WANDB_CONFIG_DIR=str(folder / "config"),
        WANDB_DATA_DIR=str(folder / "data"),
        WANDB_BASE_URL=server.base_url,
        TMPDIR=str(folder / "tmp"),  # wandb-core's port files
        NO_COLOR="1",
        FAKEWANDB_CLIENT=str(folder),  # finds leftover processes
    )
    if key is not None:
        env["WANDB_API_KEY"] = key
    return env


def processes_with(marker: bytes) -> list[int]:
    """Live processes whose environment holds ``marker``: the client and whatever it started.

    wandb-core calls setsid(), so its session or group says nothing; it inherits the environment.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours
    return found


def run_client(
    server: FakeWandb, folder: Path, script: str, key: str | None = KEY, timeout: float = 90
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``script`` with the current interpreter; return the process and its wall time."""
    env = client_env(server, folder, key)
    marker = f"FAKEWANDB_CLIENT={env['FAKEWANDB_CLIENT']}".encode()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 3  # wandb-core exits shortly after its parent
    while (leftovers := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in leftovers:
        os.kill(pid, signal.SIGKILL)  # only processes this test started
    assert not leftovers, f"the client left processes running: {leftovers}"
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), elapsed


def post(url: str, body: dict[str, Any], key: str | None = KEY) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"api:{key}".encode()).decode()
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def seeded(server: FakeWandb) -> FakeWandb:
    server.seed_artifact(
        "corrupt_mnist_model",
        project="corrupt_mnist",
        versions=[
            {"metadata": {"accuracy": 0.61}},
            {"metadata": {"accuracy": 0.93}, "aliases": ["best"]},
            {"metadata": {"accuracy": 0.88}},
        ],
    )
    return server


def with_files(server: FakeWandb) -> FakeWandb:
    """Three versions with different files, two of them linked into a registry."""
    server.seed_artifact(
        "corrupt_mnist_model",
        project="corrupt_mnist",
        versions=[
            {"files": {"model.pth": b"weights zero"}},
            {"files": {"model.pth": b"weights one", "notes.txt": b"one"}},
            {"files": {"model.pth": b"weights two"}},
        ],
    )
    assert server.seed_link("corrupt_mnist/corrupt_mnist_model:v2", "my_registry") == "v0"
    link = server.seed_link(
        "corrupt_mnist/corrupt_mnist_model:v1", "my_registry", aliases=["staging"]
    )
    assert link == "v1"
    return server


def get(url: str, key: str | None = KEY) -> tuple[int, bytes]:
    headers = {}
    if key is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"api:{key}".encode()).decode()
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def graphql(server: FakeWandb, operation: str, variables: dict[str, Any]) -> Any:
    status, body = post(
        server.base_url + "/graphql", {"operationName": operation, "variables": variables}
    )
    assert status == 200, body
    return body["data"]


# -- online runs ---------------------------------------------------------------------------------


def test_online_run_arrives_with_history_config_summary_and_exit_code(tmp_path: Path) -> None:
    with FakeWandb(api_key=KEY) as server:
        process, elapsed = run_client(server, tmp_path, ONLINE_RUN)
    assert process.returncode == 0, process.stderr
    assert server.store.errors == []
    ((entity, project, _), run), *others = server.store.runs.items()
    assert others == []
    # No entity given: the run lands in the viewer's personal entity, not the team.
    assert (entity, project) == ("student-personal", "tester")
    assert [row["test_metric"] for row in run.history] == [i * 0.5 for i in range(100)]
    assert [row["_step"] for row in run.history] == list(range(100))
    assert run.config["lr"] == 0.01 and run.config["epochs"] == 3
    assert run.summary["test_metric"] == 49.5
    assert (run.exit_code, run.complete) == (0, True)
    graphql = [r for r in server.store.requests if r.operation]
    assert all(r.key_valid and r.status == 200 for r in graphql)
    assert {"Viewer", "UpsertBucket", "CreateRunFiles"} <= set(server.store.operations)
    print(f"online run: {elapsed:.2f} s")


def test_online_run_with_a_wrong_key_is_refused_quickly(tmp_path: Path) -> None:
    with FakeWandb(api_key=KEY) as server:
        process, elapsed = run_client(server, tmp_path, ONLINE_RUN, key=WRONG_KEY)
    # Measured 3.5-4 s: the 401 on UpsertBucket ends wandb.init with CommError at once.
    assert process.returncode != 0
    assert elapsed < 30, f"the client took {elapsed:.1f} s to give up"
    assert "invalid API key" in process.stderr
    assert server.store.runs == {}
    assert "UpsertBucket" in [r.operation for r in server.store.rejected]
    assert not any(r.key_valid for r in server.store.requests if r.operation)
    print(f"wrong-key run: {elapsed:.2f} s")


RUN_READ_BACK = """
import json, sys, wandb
api = wandb.Api()
(listed,) = api.runs("student-personal/tester")
run = api.run(listed.path and "/".join(listed.path))
metadata = run.metadata or {}
out = {"config": dict(run.config), "commit": run.commit, "args": metadata.get("args"),
       "code": metadata.get("codePath"), "git": metadata.get("git"), "state": run.state,
       "history": run.history(pandas=False), "loss": run.history(keys=["loss"], pandas=False),
       "files": sorted(f.name for f in run.files()), "last_step": run.lastHistoryStep}
try:
    api.run("student-personal/tester/nosuchrun").config
except Exception as error:
    out["missing"] = type(error).__name__
print("RESULT " + json.dumps(out))
"""

TRAIN_IN_REPOSITORY = """
import sys, wandb
run = wandb.init(project="tester", config={"seed": 4})
for step in range(3):
    run.log({"loss": 1 / (step + 1)})
run.finish()
"""


def test_a_run_reads_back_through_the_api_with_commit_metadata_and_history(
    tmp_path: Path,
) -> None:
    """What `reproduce a run` needs: the run's config, commit, command line and history."""
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / "train.py").write_text(TRAIN_IN_REPOSITORY)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repository, check=True)
    subprocess.run([*git, "add", "."], cwd=repository, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=repository, check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True
    ).stdout.strip()
    with FakeWandb(api_key=KEY) as server:
        env = client_env(server, tmp_path / "client", KEY)
        trained = subprocess.run(
            [sys.executable, "train.py", "--fast"],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert trained.returncode == 0, trained.stderr
        process, _ = run_client(server, tmp_path / "reader", RUN_READ_BACK)
    assert process.returncode == 0, process.stderr
    assert server.store.errors == []
    ((_, run),) = server.store.runs.items()
    assert run.commit == commit and run.metadata["args"] == ["--fast"]
    line = next(x for x in process.stdout.splitlines() if x.startswith("RESULT "))
    seen = json.loads(line.removeprefix("RESULT "))
    assert seen["config"] == {"seed": 4}
    assert (seen["commit"], seen["git"]["commit"]) == (commit, commit)
    assert (seen["args"], seen["code"]) == (["--fast"], "train.py")
    assert seen["state"] == "finished" and seen["last_step"] == 2
    assert [row["loss"] for row in seen["history"]] == [1.0, 0.5, 1 / 3]
    assert seen["loss"] == [{"_step": i, "loss": 1 / (i + 1)} for i in range(3)]
    assert "wandb-metadata.json" in seen["files"]
    assert seen["missing"] in ("CommError", "ValueError", "RunNotFoundError")


def test_run_files_need_the_servers_token() -> None:
    with FakeWandb(api_key=KEY) as server:
        graphql(server, "UpsertBucket", {"entity": "e", "project": "p", "name": "r1"})
        created = graphql(
            server, "CreateRunFiles", {"entity": "e", "project": "p", "run": "r1", "files": ["a"]}
        )
        (entry,) = created["createRunFiles"]["files"]
        url = entry["uploadUrl"]
        request = urllib.request.Request(url, b"contents", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert get(url, key=None) == (200, b"contents")
        forged = url.replace(server.store.url_token, "x" * len(server.store.url_token))
        assert get(forged, key=None)[0] == 403
        assert server.store.runs[("e", "p", "r1")].uploads == {"a": b"contents"}
        assert graphql(server, "Run", {"entity": "e", "project": "p", "name": "nope"}) == {
            "project": None
        }


# -- wandb.Api: artifacts and links --------------------------------------------------------------


@pytest.fixture(scope="module")
def api_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[FakeWandb, dict[str, Any]]:
    """One client process fetching, linking and listing (each process costs seconds)."""
    with seeded(FakeWandb(api_key=KEY)) as server:
        process, _ = run_client(server, tmp_path_factory.mktemp("api"), API_SESSION)
    assert process.returncode == 0, process.stderr
    line = next(x for x in process.stdout.splitlines() if x.startswith("RESULT "))
    return server, json.loads(line.removeprefix("RESULT "))


def test_api_fetches_a_seeded_artifact_by_version_and_alias(api_session: Any) -> None:
    server, out = api_session
    assert out["v1"] == {
        "name": "corrupt_mnist_model:v1",
        "version": "v1",
        "aliases": ["best"],
        "metadata": {"accuracy": 0.93},
        "type": "model",
        "entity": "grader-team",
        "project": "corrupt_mnist",
    }
    assert (out["latest"]["version"], out["latest"]["metadata"]) == ("v2", {"accuracy": 0.88})
    assert server.store.errors == []


def test_api_link_is_recorded_with_its_aliases(api_session: Any) -> None:
    server, out = api_session
    (link,) = server.store.links
    assert (link.source_entity, link.source_project) == ("grader-team", "corrupt_mnist")
    assert (link.source_name, link.source_version) == ("corrupt_mnist_model", "v1")
    assert (link.target_entity, link.target_project) == ("grader-team", "model-registry")
    assert (link.portfolio, link.aliases, link.target_version) == (
        "my_registry",
        ("best", "staging"),
        "v0",
    )
    assert "UpdateArtifact" in server.store.operations  # artifact.save() after link()
    # The registry now serves the linked version under its new aliases.
    assert out["linked"]["version"] == "v0"
    assert {"best", "staging"} <= set(out["linked"]["aliases"])
    assert out["linked"]["metadata"] == {"accuracy": 0.93}


def test_api_lists_an_artifact_collection(api_session: Any) -> None:
    _, out = api_session
    versions = {a["version"]: a for a in out["collection"]}
    assert sorted(versions) == ["v0", "v1", "v2"]
    assert versions["v0"]["metadata"] == {"accuracy": 0.61}
    assert versions["v2"]["aliases"] == ["latest"]


def test_api_with_a_wrong_key_fails_at_once(tmp_path: Path) -> None:
    with seeded(FakeWandb(api_key=KEY)) as server:
        process, elapsed = run_client(server, tmp_path, API_SESSION, key=WRONG_KEY)
    assert process.returncode != 0
    assert "AuthenticationError" in process.stderr
    assert elapsed < 30
    assert server.store.links == []
    assert [r.operation for r in server.store.rejected] == ["Viewer"]


# -- wandb.Api: downloading artifact files ------------------------------------------------------


@pytest.fixture(scope="module")
def download_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[FakeWandb, dict[str, Any]]:
    """One client process downloading by registry alias, by digest and listing files."""
    with with_files(FakeWandb(api_key=KEY)) as server:
        process, _ = run_client(server, tmp_path_factory.mktemp("dl"), DOWNLOAD_SESSION)
    assert process.returncode == 0, process.stderr
    line = next(x for x in process.stdout.splitlines() if x.startswith("RESULT "))
    return server, json.loads(line.removeprefix("RESULT "))


def test_download_by_registry_alias_gets_that_versions_files(download_session: Any) -> None:
    server, out = download_session
    assert server.store.errors == []
    # The registry's v1 is the project's v1; its alias and the newest link's latest.
    assert out["staging"] == {"version": "v1", "source": "v1", "aliases": ["latest", "staging"]}
    assert out["by_alias"] == {"model.pth": "weights one", "notes.txt": "one"}
    operations = server.store.operations
    assert {"FetchArtifactManifest", "GetArtifactMembershipFileUrls"} <= set(operations)
    assert "ArtifactMembershipFiles" in operations  # artifact.files()
    assert server.store.links == []  # seeded links are not the client's


def test_downloads_are_recorded_by_source_version_and_route(download_session: Any) -> None:
    server, out = download_session
    got = [(d.version, d.path, d.signed) for d in server.store.downloads]
    assert got[0] == ("v1", MANIFEST, True)
    assert sorted(got[1:3]) == [("v1", "model.pth", True), ("v1", "notes.txt", True)]
    # artifact.file() has no signed URL: it fetches the file by its digest, with the key.
    assert got[3:] == [("v0", MANIFEST, True), ("v0", "model.pth", False)]
    assert out["file"] == "weights zero"
    assert out["listed"] == ["model.pth", "notes.txt"]
    # Signed URLs are fetched without the key, as from a cloud bucket.
    signed = [r for r in server.store.requests if r.path.startswith("/signed/")]
    assert signed and not any(r.key_given for r in signed)


def test_download_without_a_key_hands_out_nothing(tmp_path: Path) -> None:
    with with_files(FakeWandb(api_key=KEY)) as server:
        process, _ = run_client(server, tmp_path, DOWNLOAD_SESSION, key=None)
    assert process.returncode != 0
    assert server.store.downloads == []


def test_signed_urls_need_the_servers_token_and_digests_the_key() -> None:
    with with_files(FakeWandb(api_key=KEY)) as server:
        found = server.store.membership("grader-team", "corrupt_mnist", "corrupt_mnist_model", "v2")
        assert found is not None
        member_id = found[1].artifact.id
        manifest = graphql(server, "FetchArtifactManifest", {"id": member_id})
        url = manifest["artifact"]["currentManifest"]["file"]["directUrl"]
        assert url.startswith(server.base_url + "/signed/")
        status, body = get(url, key=None)
        assert status == 200
        entry = json.loads(body)["contents"]["model.pth"]
        md5 = hashlib.md5(b"weights two")
        assert entry["digest"] == base64.b64encode(md5.digest()).decode()
        assert entry["size"] == len(b"weights two")
        forged = url.replace(server.store.url_token, "x" * len(server.store.url_token))
        assert get(forged, key=None)[0] == 403
        by_digest = f"{server.base_url}/artifacts/grader-team/{md5.hexdigest()}"
        assert get(by_digest, key=None)[0] == 401
        assert get(by_digest) == (200, b"weights two")
        files = graphql(
            server,
            "GetArtifactMembershipFileUrls",
            {
                "entity": "grader-team",
                "project": "model-registry",
                "collection": "my_registry",
                "alias": "staging",
                "perPage": 1,
            },
        )
        page = files["project"]["artifactCollection"]["artifactMembership"]["files"]
        assert [e["node"]["name"] for e in page["edges"]] == ["model.pth"]
        assert page["pageInfo"]["hasNextPage"] is True
    got = [(d.version, d.path, d.signed) for d in server.store.downloads]
    assert got == [("v2", MANIFEST, True), ("v2", "model.pth", False)]


def test_a_server_on_hold_answers_once_seeded() -> None:
    from concurrent.futures import Future, ThreadPoolExecutor

    ready: Future = Future()
    with FakeWandb(api_key=KEY) as server:
        server.seed_when_ready(ready, lambda srv, name: srv.seed_artifact(name, project="p"))
        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(
                graphql,
                server,
                "ArtifactMembershipByName",
                {"entity": "grader-team", "project": "p", "name": "late:v0"},
            )
            time.sleep(0.3)
            assert not asked.done()  # held, not answered "not found"
            ready.set_result("late")
            answer = asked.result(timeout=10)
        assert answer["project"]["artifactCollectionMembership"]["versionIndex"] == 0
        broken: Future = Future()
        server.seed_when_ready(broken, lambda srv, _: srv.seed_link("p/none:v0", "r"))
        broken.set_result(None)
        assert graphql(server, "Viewer", {})["viewer"]  # released after the failure
    (error,) = server.store.errors
    assert error.startswith(SEEDING_FAILED) and "no seeded artifact" in error


# -- the server itself (no client) ---------------------------------------------------------------


def test_unknown_operation_gets_empty_data_and_wrong_key_gets_401() -> None:
    with FakeWandb(api_key=KEY) as server:
        url = server.base_url + "/graphql"
        body = {"query": "query Nope { nope }", "operationName": "Nope", "variables": {"a": 1}}
        assert post(url, body) == (200, {"data": {}})
        assert post(url, body, key=WRONG_KEY)[0] == 401
        assert post(url, body, key=None)[0] == 401
        assert post(url, {"query": "query Guessed { x }"}) == (200, {"data": {}})
        # Methods http.server would answer 501 to are served too (a 5xx makes clients retry).
        odd = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        odd.request("DELETE", "/anything")
        assert odd.getresponse().status == 401
        odd.close()
    first, second, third, fourth, _ = server.store.requests
    assert (first.operation, first.variables, first.key_valid, first.status) == (
        "Nope",
        {"a": 1},
        True,
        200,
    )
    assert (second.key_valid, third.key_valid) == (False, False)
    assert fourth.operation == "Guessed"


def test_file_stream_appends_lines_and_drops_repeats() -> None:
    def chunk(offset: int, *steps: int) -> dict[str, Any]:
        lines = [json.dumps({"_step": s, "m": s}) for s in steps]
        return {"files": {"wandb-history.jsonl": {"offset": offset, "content": lines}}}

    with FakeWandb(api_key=KEY) as server:
        url = server.base_url + "/files/e/p/r1/file_stream"
        assert post(url, chunk(0, 0, 1)) == (200, {})
        assert post(url, chunk(1, 1, 2)) == (200, {})  # a resend overlapping one line
        summary = {"wandb-summary.json": {"offset": 0, "content": ['{"m": 2}']}}
        assert post(url, {"files": summary, "complete": True, "exitcode": 3}) == (200, {})
        assert post(url, chunk(0, 0), key=WRONG_KEY)[0] == 401
    run = server.store.runs["e", "p", "r1"]
    assert [row["_step"] for row in run.history] == [0, 1, 2]
    assert (run.summary, run.exit_code, run.complete) == ({"m": 2}, 3, True)


def test_binds_only_loopback_and_closes_everything_on_exit() -> None:
    with FakeWandb(api_key=KEY) as server:
        host, port = server.address
        assert host == "127.0.0.1"
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        local = {row.split()[1] for row in listening if row.split()[3] == "0A"}  # LISTEN
        assert f"0100007F:{port:04X}" in local
        assert f"00000000:{port:04X}" not in local
        # A keep-alive connection, as wandb-core leaves them open between requests.
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        kept.request("POST", "/graphql", body=b'{"operationName": "Nope"}')
        assert kept.getresponse().read() == b'{"errors": [{"message": "invalid API key"}]}'
        thread = server.thread
    assert thread is not None and not thread.is_alive()
    assert kept.sock is not None
    assert kept.sock.recv(1) == b""  # stop() cut it: nothing reaches the store any more
    kept.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_key_from_header() -> None:
    assert key_from_header("Basic " + base64.b64encode(b"api:abc").decode()) == "abc"
    assert key_from_header("Basic !!!") is None
    assert key_from_header("Bearer abc") is None
    assert key_from_header(None) is None


def test_huge_or_inflating_bodies_are_refused_unread() -> None:
    """The server lives in the grader's process: a body beyond its limit is answered 413
    without being read into memory, and so is a small gzip body that inflates beyond it."""
    import gzip
    import http.client

    from grader.fakewandb import handler, store

    with FakeWandb(api_key=KEY) as server:
        host, port = server.address
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.putrequest("POST", "/graphql")
        connection.putheader("Content-Length", str(handler.MAX_BODY_BYTES + 1))
        connection.endheaders()  # and never send that body
        assert connection.getresponse().status == 413
        connection.close()
        bomb = gzip.compress(b"\0" * (handler.MAX_BODY_BYTES + 1024))
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("POST", "/graphql", body=bomb, headers={"Content-Encoding": "gzip"})
        assert connection.getresponse().status == 413
        assert server.store.errors == []
        assert len(bomb) < 1 << 20
    assert store.UPLOADS_LIMIT < 1 << 30
    state = store.Store()
    assert state.upload("e", "p", "r", "big", b"x" * (store.UPLOADS_LIMIT - 10))
    assert not state.upload("e", "p", "r", "more", b"y" * 20)
    assert state.upload("e", "p", "r", "big", b"z")  # replacing a file frees its room
