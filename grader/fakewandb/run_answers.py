"""GraphQL answers about runs: what a run sends (UpsertBucket, CreateRunFiles) and what
``wandb.Api()`` asks about it afterwards (``api.run(path)``, ``run.file(...)``, ``run.history()``,
``api.runs(path)``).

Shapes follow the query text in ``wandb/apis/public/runs.py`` and ``files.py`` (0.30, 0.31).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .answers import AddressedResolver, Answer, Identity, Resolver, ok
from .fragments import project_info
from .runs import RunRecord
from .store import TIMESTAMP, Store, gql_id, stable_number

RUN_FILES = "/runfiles"  # /runfiles/<token>/<entity>/<project>/<run>/<name>: PUT, then GET


def run_file_url(base_url: str, store: Store, run: RunRecord, name: str) -> str:
    """Where a run's file is uploaded and then read: the token stands for the key."""
    parts = (run.entity, run.project, run.run_id, name)
    return f"{base_url}{RUN_FILES}/{store.url_token}/" + "/".join(quote(p, safe="") for p in parts)


def _run_id(run: RunRecord) -> str:
    return gql_id("Run", stable_number("Run", run.entity, run.project, run.run_id))


# -- what a run sends --------------------------------------------------------------------------


def upsert_bucket(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    entity = variables.get("entity") or who.viewer_entity
    project = variables.get("project") or "uncategorized"
    run_id = variables.get("name") or "run"
    config = None
    if raw := variables.get("config"):
        wrapped = json.loads(raw) if isinstance(raw, str) else raw
        # The client sends {"key": {"value": v}}; keep the plain values.
        config = {
            k: (v.get("value") if isinstance(v, dict) and "value" in v else v)
            for k, v in wrapped.items()
        }
    run = store.upsert_run(
        entity,
        project,
        run_id,
        config,
        commit=variables.get("commit"),
        program=variables.get("program"),
        job_type=variables.get("jobType"),
    )
    return ok(
        {
            "upsertBucket": {
                "bucket": {
                    "id": _run_id(run),
                    "name": run_id,
                    "displayName": variables.get("displayName") or run_id,
                    "project": {
                        "id": project_info(entity, project)["id"],
                        "name": project,
                        "entity": {"name": entity},
                    },
                },
                "inserted": True,
            }
        }
    )


def create_run_files(
    store: Store, who: Identity, variables: dict[str, Any], base_url: str
) -> Answer:
    """One upload URL per file asked for (wandb-core insists on as many as it asked for)."""
    entity = variables.get("entity") or who.viewer_entity
    run = store.upsert_run(entity, variables.get("project") or "", variables.get("run") or "", None)
    files = [
        {"name": name, "uploadUrl": run_file_url(base_url, store, run, name)}
        for name in variables.get("files") or []
    ]
    return ok({"createRunFiles": {"runID": _run_id(run), "uploadHeaders": [], "files": files}})


# -- what wandb.Api() asks ---------------------------------------------------------------------


def _found(store: Store, variables: dict[str, Any]) -> RunRecord | None:
    return store.find_run(
        variables.get("entity") or "", variables.get("project") or "", variables.get("name") or ""
    )


def _history_keys(run: RunRecord) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in run.history:
        for key in row:
            counts[key] = counts.get(key, 0) + 1
    steps = [row.get("_step") for row in run.history if isinstance(row.get("_step"), int)]
    return {
        "lastStep": max(steps, default=-1),
        "keys": {k: {"typeCounts": [{"type": "number", "count": n}]} for k, n in counts.items()},
    }


def run_fragment(run: RunRecord, who: Identity) -> dict[str, Any]:
    """Every field of the client's RunFragment (and LightweightRunFragment)."""
    # The client unwraps {"key": {"value": v}} and sorts `_wandb` into rawconfig.
    config = {k: {"value": v, "desc": None} for k, v in run.config.items()}
    return {
        "__typename": "Run",
        "id": _run_id(run),
        "projectId": int(project_info(run.entity, run.project)["internalId"]),
        "name": run.run_id,
        "displayName": run.run_id,
        "tags": [],
        "sweepName": None,
        "state": "finished" if run.complete else "running",
        "config": json.dumps(config),
        "group": None,
        "jobType": run.job_type,
        "commit": run.commit,
        "readOnly": False,
        "createdAt": TIMESTAMP,
        "heartbeatAt": TIMESTAMP,
        "description": None,
        "notes": None,
        "systemMetrics": "{}",
        "summaryMetrics": json.dumps(run.summary),
        "historyLineCount": len(run.history),
        "user": {"name": who.viewer_entity, "username": who.viewer_entity},
        "historyKeys": _history_keys(run),
    }


def _in_project(run: RunRecord | None, variables: dict[str, Any], field: dict[str, Any]) -> Answer:
    if run is None:
        return ok({"project": None})
    info = project_info(run.entity, run.project)
    return ok({"project": {**info, "readOnly": False, "run": field}})


def run(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    found = _found(store, variables)
    if found is None:
        # The project may exist and the run not: the client then raises "Could not find run".
        return ok({"project": None})
    return _in_project(found, variables, run_fragment(found, who))


def run_state(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    found = _found(store, variables)
    state = {"state": "finished" if found and found.complete else "running"}
    return _in_project(found, variables, state)


def run_history_keys(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    found = _found(store, variables)
    return _in_project(found, variables, {"historyKeys": _history_keys(found) if found else None})


def full_history(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    """``run.history(pandas=False)`` without keys: the rows as JSON lines (events: none)."""
    found = _found(store, variables)
    if found is None:
        return ok({"project": None})
    lines = [json.dumps(row) for row in found.history]
    return _in_project(found, variables, {"history": lines, "events": []})


def sampled_history(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    """``run.history(keys=[...])``: per spec, the rows holding every key asked for (a run of
    the course's size is never sampled down)."""
    found = _found(store, variables)
    if found is None:
        return ok({"project": None})
    answers = []
    for raw in variables.get("specs") or []:
        spec = json.loads(raw) if isinstance(raw, str) else raw
        keys = list(spec.get("keys") or [])
        rows = [{k: row[k] for k in keys} for row in found.history if all(k in row for k in keys)]
        answers.append(rows)
    return _in_project(found, variables, {"sampledHistory": answers})


def run_files(store: Store, who: Identity, variables: dict[str, Any], base_url: str) -> Answer:
    """``run.file(name)`` / ``run.files()``: the files uploaded for the run, one page."""
    found = _found(store, variables)
    if found is None:
        return ok({"project": None})
    names = sorted(found.uploads)
    if wanted := variables.get("fileNames"):
        names = [n for n in names if n in wanted]
    edges = []
    for name in names:
        url = run_file_url(base_url, store, found, name)
        node = {
            "id": gql_id("File", stable_number(found.run_id, name)),
            "name": name,
            "url": url,
            "directUrl": url,
            "sizeBytes": len(found.uploads[name]),
            "mimetype": None,
            "updatedAt": TIMESTAMP,
            "md5": None,
        }
        edges.append({"node": node, "cursor": name})
    files = {"edges": edges, "pageInfo": {"endCursor": None, "hasNextPage": False}}
    info = project_info(found.entity, found.project)
    return ok({"project": {**info, "run": {"fileCount": len(names), "files": files}}})


def project_runs(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    """``api.runs("ENTITY/PROJECT")``: every run, newest first, in one page (no filters)."""
    entity, project = variables.get("entity") or "", variables.get("project") or ""
    found = store.runs_in(entity, project)
    if not found:
        return ok({"project": None})
    edges = [{"node": run_fragment(r, who), "cursor": str(i + 1)} for i, r in enumerate(found)]
    info = project_info(entity, project)
    runs = {"edges": edges, "pageInfo": {"endCursor": str(len(edges)), "hasNextPage": False}}
    return ok({"project": {**info, "readOnly": False, "runCount": len(found), "runs": runs}})


RUN_RESOLVERS: dict[str, Resolver] = {
    "UpsertBucket": upsert_bucket,
    "Run": run,
    "RunState": run_state,
    "RunHistoryKeys": run_history_keys,
    "RunFullHistory": full_history,
    "RunSampledHistory": sampled_history,
    "Runs": project_runs,
}

RUN_ADDRESSED: dict[str, AddressedResolver] = {
    "CreateRunFiles": create_run_files,
    "RunFiles": run_files,
}
