"""GraphQL answers, one function per operation name the W&B client sends.

No query parsing: each answer is a superset of the fields the client asks for (its pydantic and
Go decoders ignore extra fields). Shapes follow the query text shipped in
``wandb/sdk/artifacts/_generated/operations.py`` and what ``wandb-core`` was seen to need.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .answers import AddressedResolver, Answer, Identity, Resolver, error, ok
from .fragments import (
    artifact_fragment,
    collection_full,
    membership_fragment,
    project_info,
)
from .run_answers import RUN_ADDRESSED, RUN_RESOLVERS
from .store import Artifact, Collection, Store, gql_id, stable_number

SIGNED = "/signed"  # signed URLs: /signed/<token>/manifest/<n>, /signed/<token>/file/<n>/<path>


# -- operations --------------------------------------------------------------------------------


def viewer(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    return ok(
        {
            "viewer": {
                "id": gql_id("User", 1),
                "entity": who.viewer_entity,
                "username": who.viewer_entity,
                "name": who.viewer_entity,
                "email": f"{who.viewer_entity}@example.invalid",
                "admin": False,
                "flags": None,
                "deletedAt": None,
                "apiKeys": {"edges": []},
                "teams": {"edges": [{"node": {"name": who.team_entity}}]},
            }
        }
    )


def server_features(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    # No optional features: the client then sends its most compatible query variants.
    return ok({"serverInfo": {"features": []}})


def split_name(name: str) -> tuple[str, str]:
    """``model:v1`` -> (``model``, ``v1``); no version means ``latest``."""
    collection, _, version = name.partition(":")
    return collection, version or "latest"


def membership_by_name(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    entity, project = variables.get("entity", ""), variables.get("project", "")
    if not store.project_exists(entity, project):
        return ok({"project": None})
    name, version = split_name(variables.get("name", ""))
    found = store.membership(entity, project, name, version)
    membership = membership_fragment(store, *found) if found else None
    return ok(
        {"project": {**project_info(entity, project), "artifactCollectionMembership": membership}}
    )


def artifact_by_id(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    artifact = store.artifact_by_id(variables.get("id", ""))
    return ok({"artifact": artifact_fragment(store, artifact) if artifact else None})


def use_artifact(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    # A run declaring an input (``run.use_artifact``); the request log keeps who used what.
    artifact = store.artifact_by_id(variables.get("artifactID") or "")
    found = {"artifact": artifact_fragment(store, artifact)} if artifact else None
    return ok({"useArtifact": found})


def typed_collection(store: Store, variables: dict[str, Any], key: str) -> Collection | None:
    collection = store.collection(
        variables.get("entity", ""), variables.get("project", ""), variables.get(key, "")
    )
    return collection if collection and collection.type == variables.get("type") else None


def project_collection(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    entity, project = variables.get("entity", ""), variables.get("project", "")
    if not store.project_exists(entity, project):
        return ok({"project": None})
    collection = typed_collection(store, variables, "name")
    return ok(
        {
            "project": {
                "artifactType": {
                    "name": variables.get("type"),
                    "artifactCollection": collection_full(collection) if collection else None,
                }
            }
        }
    )


def project_artifacts(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    entity, project = variables.get("entity", ""), variables.get("project", "")
    if not store.project_exists(entity, project):
        return ok({"project": None})
    collection = typed_collection(store, variables, "collection")
    if collection is None:
        return ok({"project": {"artifactType": {"artifactCollection": None}}})
    # Newest first, as the W&B app lists versions; the cursor is the number already sent.
    members = sorted(collection.members, key=lambda m: -m.version_index)
    start = int(variables.get("cursor") or 0)
    page = members[start : start + int(variables.get("perPage") or 50)]
    end = start + len(page)
    connection = {
        "totalCount": len(members),
        "pageInfo": {
            "__typename": "PageInfo",
            "endCursor": str(end),
            "hasNextPage": end < len(members),
        },
        "edges": [
            {
                "version": f"v{m.version_index}",
                "cursor": str(start + i + 1),
                "node": artifact_fragment(store, m.artifact),
            }
            for i, m in enumerate(page)
        ],
    }
    return ok(
        {
            "project": {
                "artifactType": {
                    "artifactCollection": {**collection_full(collection), "artifacts": connection}
                }
            }
        }
    )


def link_artifact(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    spec = variables.get("input") or {}
    artifact = store.artifact_by_id(spec.get("artifactID") or "")
    if artifact is None:
        return error({"result": None}, f"artifact {spec.get('artifactID')!r} not found")
    aliases = [a["alias"] if isinstance(a, dict) else str(a) for a in spec.get("aliases") or []]
    collection, member = store.link(
        artifact,
        spec.get("entityName") or who.viewer_entity,
        spec.get("projectName") or "model-registry",
        spec.get("artifactPortfolioName") or artifact.name,
        aliases,
    )
    return ok(
        {
            "result": {
                "versionIndex": member.version_index,
                "artifactMembership": membership_fragment(store, collection, member),
            }
        }
    )


def update_artifact(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    spec = variables.get("input") or {}
    artifact = store.artifact_by_id(spec.get("artifactID") or "")
    if artifact is None:
        return error({"result": None}, f"artifact {spec.get('artifactID')!r} not found")
    store.update_artifact(artifact, spec.get("metadata"), spec.get("description"))
    return ok({"result": {"artifact": artifact_fragment(store, artifact)}})


def org_info(store: Store, who: Identity, variables: dict[str, Any]) -> Answer:
    """The team's organization, asked for when linking into a new-style `wandb-registry-*`."""
    org = {"name": "grader-org", "orgEntity": {"name": "grader-org"}}
    return ok({"entity": {"organization": org, "user": None}})


# -- artifact files ---------------------------------------------------------------------------


def signed_manifest_url(base_url: str, store: Store, artifact: Artifact) -> str:
    return f"{base_url}{SIGNED}/{store.url_token}/manifest/{artifact.number}"


def signed_file_url(base_url: str, store: Store, artifact: Artifact, path: str) -> str:
    return f"{base_url}{SIGNED}/{store.url_token}/file/{artifact.number}/{quote(path)}"


def fetch_manifest(store: Store, who: Identity, variables: dict[str, Any], base_url: str) -> Answer:
    """Where the manifest lies: a signed URL the client then fetches without the key."""
    artifact = store.artifact_by_id(variables.get("id") or "")
    if artifact is None:
        return ok({"artifact": None})
    url = signed_manifest_url(base_url, store, artifact)
    return ok({"artifact": {"currentManifest": {"file": {"directUrl": url}}}})


def membership_files(
    store: Store, who: Identity, variables: dict[str, Any], base_url: str
) -> Answer:
    """The files of ``collection:alias`` with signed URLs, paged (``GetArtifactMembershipFileUrls``
    for ``download()``, ``ArtifactMembershipFiles`` for ``files()``)."""
    entity, project = variables.get("entity", ""), variables.get("project", "")
    if not store.project_exists(entity, project):
        return ok({"project": None})
    name = variables.get("collection", "")
    found = store.membership(entity, project, name, variables.get("alias", ""))
    if found is None:
        collection = store.collection(entity, project, name)
        info = {"__typename": collection.kind, "artifactMembership": None} if collection else None
        return ok({"project": {"artifactCollection": info}})
    collection, member = found
    artifact = member.artifact
    paths = sorted(artifact.files)
    if wanted := variables.get("fileNames"):
        paths = [p for p in paths if p in wanted]
    start = int(variables.get("cursor") or 0)
    page = paths[start : start + int(variables.get("perPage") or 50)]
    end = start + len(page)
    edges = []
    for i, path in enumerate(page):
        stored = artifact.files[path]
        url = signed_file_url(base_url, store, artifact, path)
        node = {
            "__typename": "File",
            "id": gql_id("File", stable_number(artifact.id, path)),
            "name": path,
            "displayName": path,
            "url": url,
            "directUrl": url,
            "sizeBytes": len(stored.data),
            "storagePath": None,
            "mimetype": None,
            "updatedAt": None,
            "digest": stored.md5_b64,
            "md5": stored.md5_b64,
        }
        edges.append({"cursor": str(start + i + 1), "node": node})
    files = {
        "totalCount": len(paths),
        "pageInfo": {
            "__typename": "PageInfo",
            "endCursor": str(end),
            "hasNextPage": end < len(paths),
        },
        "edges": edges,
    }
    membership = {"files": files}
    return ok(
        {
            "project": {
                "artifactCollection": {
                    "__typename": collection.kind,
                    "artifactMembership": membership,
                }
            }
        }
    )


ADDRESSED: dict[str, AddressedResolver] = {
    "FetchArtifactManifest": fetch_manifest,
    "GetArtifactMembershipFileUrls": membership_files,
    "ArtifactMembershipFiles": membership_files,
    **RUN_ADDRESSED,
}

RESOLVERS: dict[str, Resolver] = {
    "FetchOrgInfoFromEntity": org_info,
    "Viewer": viewer,
    "GetViewer": viewer,
    "GetDefaultEntity": viewer,
    "ServerFeaturesQuery": server_features,
    "ArtifactMembershipByName": membership_by_name,
    "ArtifactByID": artifact_by_id,
    "UseArtifact": use_artifact,
    "ProjectArtifactCollection": project_collection,
    "ProjectArtifacts": project_artifacts,
    "LinkArtifact": link_artifact,
    "UpdateArtifact": update_artifact,
    **RUN_RESOLVERS,
}


def execute(
    store: Store,
    who: Identity,
    operation: str | None,
    variables: dict[str, Any],
    base_url: str = "",
) -> Answer:
    """Answer one GraphQL request; unknown operations get an empty ``data``. ``base_url`` is
    the server as the client reached it (``http://host:port``), for URLs in answers."""
    if addressed := ADDRESSED.get(operation or ""):
        with store.lock:
            return addressed(store, who, variables, base_url)
    resolver = RESOLVERS.get(operation or "")
    if resolver is None:
        return ok({})
    with store.lock:  # one consistent snapshot per answer
        return resolver(store, who, variables)
