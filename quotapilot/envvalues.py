"""One codec for the environment values the components write and the Lambda code reads.

The components (:mod:`quotapilot.components`) encode each setting into the function's
environment with these functions; the engine (:mod:`quotapilot.engine.config`) decodes it with
their counterparts. Both sides import this module, so a format can't change on one side only.
Lists and objects are JSON: a comma-joined list can't hold an ARN with a comma in a session
name, and JSON says where it is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from quotapilot.domain import QuotaKey
from quotapilot.exceptions import ConfigurationError

#: What AWS accepts as an organisation id and as a role name.
ORGANIZATION_ID = r"o-[a-z0-9]{10,32}"
ROLE_NAME = r"[\w+=,.@-]{1,64}"


@dataclass(frozen=True)
class MemberAccount:
    """An account the engine collects from, and the role it assumes there."""

    account: str
    role_arn: str = ""  # empty: the engine's own account, no role to assume


@dataclass(frozen=True)
class Organization:
    """Every active account of an AWS organisation, read through the same member role."""

    id: str
    role_name: str

    def member(self, account: str) -> MemberAccount:
        return MemberAccount(account, member_role_arn(account, self.role_name))


@dataclass(frozen=True)
class RegressionWatch:
    """Where the serving and the load-test quotas come from, and which quotas to compare."""

    serving: str
    loadtest: str
    quotas: tuple[QuotaKey, ...]
    #: Quota levels with seasons (:class:`quotapilot.seasons.QuotaLevel`).
    levels: tuple[Any, ...] = ()


# Encoding (the components) ---------------------------------------------------------------


def encode_list(values: Iterable[str]) -> str:
    return json.dumps([str(v) for v in values])


def member_role_arn(account: str, role_name: str) -> str:
    return f"arn:aws:iam::{account}:role/{role_name}"


def encode_accounts(accounts: Iterable[str], role_name: str) -> str:
    return json.dumps([{"account": a, "role_arn": member_role_arn(a, role_name)} for a in accounts])


def encode_organization(organization_id: str, role_name: str) -> str:
    if not organization_id:
        return ""
    return json.dumps({"id": organization_id, "role_name": role_name})


def encode_watch(
    serving: str, loadtest: str, quotas: Iterable[str], seasons: list[dict] | None = None
) -> str:
    """``quotas`` as the CLI and the stack config spell them: ``aws:SERVICE/CODE@REGION``;
    ``seasons`` as :func:`quotapilot.seasons.levels_from` reads them."""
    keys = [QuotaKey.parse(q) for q in quotas]
    if not keys:
        return ""
    document: dict[str, Any] = {
        "serving": serving,
        "loadtest": loadtest,
        "quotas": [
            {"provider": k.provider, "service": k.service, "code": k.code, "region": k.region}
            for k in keys
        ],
    }
    if seasons:
        document["seasons"] = seasons
    return json.dumps(document)


# Decoding (the Lambda code) --------------------------------------------------------------


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        raise ConfigurationError(f"is not valid JSON: {detail}", path=name) from None


def decode_list(text: str, name: str) -> tuple[str, ...]:
    if not text.strip():
        return ()
    value = _json(text, name)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError("must be a JSON list of strings", path=name)
    return tuple(value)


def decode_accounts(text: str, name: str) -> tuple[MemberAccount, ...]:
    if not text.strip():
        return ()
    items = _json(text, name)
    if not isinstance(items, list):
        raise ConfigurationError("must be a JSON list", path=name)
    accounts = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("account"), str):
            raise ConfigurationError(
                'each entry needs {"account": "...", "role_arn": "..."}',
                path=name,
                entry=f"[{index}]",
            )
        accounts.append(MemberAccount(item["account"], str(item.get("role_arn", ""))))
    return tuple(accounts)


def decode_organization(text: str, name: str) -> Organization | None:
    if not text.strip():
        return None
    value = _json(text, name)
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("id"), str)
        or not re.fullmatch(ORGANIZATION_ID, value["id"])
        or not isinstance(value.get("role_name"), str)
        or not re.fullmatch(ROLE_NAME, value["role_name"])
    ):
        raise ConfigurationError(
            'must be {"id": "o-...", "role_name": "<an IAM role name>"}', path=name
        )
    return Organization(value["id"], value["role_name"])


def decode_watch(text: str, name: str) -> RegressionWatch | None:
    if not text.strip():
        return None
    raw = _json(text, name)
    if not isinstance(raw, Mapping):
        raise ConfigurationError("must be a JSON object", path=name)
    for part in ("serving", "loadtest"):
        if not isinstance(raw.get(part), str) or not raw[part]:
            raise ConfigurationError("needs a source string", path=name, entry=part)
    quotas = raw.get("quotas")
    if not isinstance(quotas, list) or not quotas:
        raise ConfigurationError("needs a non-empty quotas list", path=name, entry="quotas")
    keys = []
    for index, item in enumerate(quotas):
        try:
            keys.append(
                QuotaKey(
                    item.get("provider", "aws"),
                    item["service"],
                    item["code"],
                    item.get("region", "global"),
                )
            )
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ConfigurationError(
                f"each quota needs service and code ({error})",
                path=name,
                entry=f"quotas[{index}]",
            ) from None
    levels: tuple[Any, ...] = ()
    if raw.get("seasons") is not None:
        from quotapilot.seasons import levels_from

        levels = tuple(levels_from(raw["seasons"], name))
    return RegressionWatch(raw["serving"], raw["loadtest"], tuple(keys), levels)
