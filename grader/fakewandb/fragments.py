"""Renders the store's objects as the GraphQL fragments the W&B client asks for.

Each dict is a superset of the fragment's fields (the client's pydantic models and Go decoders
ignore extra fields); names follow ``wandb/sdk/artifacts/_generated/fragments.py``.
"""

from __future__ import annotations

import json
from typing import Any

from .store import TIMESTAMP, Artifact, Collection, Membership, Store, gql_id, stable_number


def project_info(entity: str, project: str) -> dict[str, Any]:
    number = stable_number("Project", entity, project)
    return {
        "__typename": "Project",
        "id": gql_id("Project", number),
        "internalId": str(number),
        "name": project,
        "entity": {"name": entity, "id": gql_id("Entity", stable_number("Entity", entity))},
    }


def collection_info(collection: Collection) -> dict[str, Any]:
    return {
        "__typename": collection.kind,
        "id": collection.id,
        "name": collection.name,
        "project": project_info(collection.entity, collection.project),
    }


def collection_full(collection: Collection) -> dict[str, Any]:
    return {
        **collection_info(collection),
        "description": None,
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "type": {"name": collection.type},
        "defaultArtifactType": {"name": collection.type},
        "tags": {"edges": []},
        "aliases": {"edges": []},
    }


def alias_list(store: Store, artifact: Artifact) -> list[dict[str, Any]]:
    """Every alias of ``artifact`` in every collection holding it, as the server lists them."""
    return [
        {
            "__typename": "ArtifactAlias",
            "id": gql_id("ArtifactAlias", stable_number(collection.id, alias)),
            "alias": alias,
            "artifactCollection": collection_info(collection),
        }
        for collection, member in store.memberships_of(artifact)
        for alias in member.aliases
    ]


def artifact_fragment(store: Store, artifact: Artifact) -> dict[str, Any]:
    source = store.collection(artifact.entity, artifact.project, artifact.name)
    assert source is not None  # an artifact always lives in its sequence
    return {
        "__typename": "Artifact",
        "id": artifact.id,
        "artifactSequence": collection_info(source),
        "versionIndex": artifact.version_index,
        "artifactType": {"name": artifact.type},
        "description": artifact.description,
        "metadata": json.dumps(artifact.metadata),
        "ttlDurationSeconds": -1,  # the backend value for "inherit" (no TTL of its own)
        "ttlIsInherited": True,
        "tags": [],
        "historyStep": None,
        "state": "COMMITTED",
        "size": artifact.size,
        "digest": f"{artifact.number:032x}",
        "digestAlgorithm": "MANIFEST_MD5",
        "commitHash": f"{artifact.number:012x}",
        "fileCount": len(artifact.files),
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "aliases": alias_list(store, artifact),
    }


def membership_fragment(store: Store, collection: Collection, member: Membership) -> dict[str, Any]:
    return {
        "__typename": "ArtifactCollectionMembership",
        "id": gql_id(
            "ArtifactCollectionMembership", stable_number(collection.id, str(member.version_index))
        ),
        "versionIndex": member.version_index,
        "createdAt": TIMESTAMP,
        "aliases": [
            {
                "__typename": "ArtifactAlias",
                "id": gql_id("ArtifactAlias", stable_number(collection.id, alias)),
                "alias": alias,
            }
            for alias in member.aliases
        ],
        "artifactCollection": collection_info(collection),
        "artifact": artifact_fragment(store, member.artifact),
    }
