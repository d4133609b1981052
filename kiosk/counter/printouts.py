"""Print jobs of a transfer's papers: one job per document, with ids that name what they are,
so the durable queue never prints the same paper twice by accident."""

from __future__ import annotations

from typing import Any


def transfer_jobs(result: dict[str, Any], suffix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """``(job id, document)`` for each paper of a transfer answer (``suffix`` for reprints)."""
    transfer = result["transfer"]
    return [
        (f"transfer-{transfer['id']}-{d['kind']}-{d['source_id']}{suffix}", d["document"])
        for d in result["documents"]
    ]


def labels(result: dict[str, Any]) -> str:
    """ "组织关系接转证明单、党员转入通知" — what is being printed."""
    return "、".join(d["label"] for d in result["documents"])
