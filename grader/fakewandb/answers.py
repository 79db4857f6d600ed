"""What every GraphQL answer is made of: who is asking, and an answer's status and body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .store import Store


@dataclass(frozen=True)
class Identity:
    """Who the key belongs to: a personal entity and the team it is a member of."""

    viewer_entity: str
    team_entity: str


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


# One function per operation name: the store, who the key belongs to, the request's variables.
Resolver = Callable[[Store, Identity, dict[str, Any]], Answer]
# The same, for answers holding URLs: also the server's address as the client reached it.
AddressedResolver = Callable[[Store, Identity, dict[str, Any], str], Answer]


def ok(data: dict[str, Any]) -> Answer:
    return Answer(200, {"data": data})


def error(data: dict[str, Any], message: str) -> Answer:
    # A GraphQL error travels with status 200; a 5xx would make the client retry for minutes.
    return Answer(200, {"data": data, "errors": [{"message": message}]})
