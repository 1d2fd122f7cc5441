"""What the parts of the automation stack share.

``QuotaAutomation`` was one component whose resources were all its direct children; it is now
composed of parts (tables, functions, the approval workflow, events, observability), each a
component of its own. A resource's URN names its parent's type, so moving a resource under a
part would make Pulumi delete it and create a new one: for a DynamoDB table, every record
lost. Each resource in a part therefore keeps its old logical name and carries an alias to
its old parent, the automation, so that a deployed stack is updated in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

#: The type tokens of the parts: ``quotapilot:automation:<Part>``.
TYPE_PREFIX = "quotapilot:automation:"


@dataclass(frozen=True, kw_only=True)
class PartArgs:
    """How every part names and tags its resources."""

    #: Prefix of every resource's logical name: the automation's name, so that resources keep
    #: the names (and URNs) they had before the automation was split into parts.
    prefix: str
    #: Tags for every resource that takes them.
    tags: Mapping[str, str] = field(default_factory=dict)


def resource_options(part: pulumi.ComponentResource, opts: pulumi.ResourceOptions | None):
    """Options for a resource inside ``part``: its parent, and an alias to the part's own
    parent (``opts.parent``, the automation), which was the resource's parent before."""
    before = opts.parent if opts is not None else None
    return pulumi.ResourceOptions(
        parent=part, aliases=[pulumi.Alias(parent=before)] if before is not None else None
    )
