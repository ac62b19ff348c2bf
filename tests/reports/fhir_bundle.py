"""Reading an exported Bundle back in tests: its references, and its resources by kind."""

from __future__ import annotations

from typing import Any


def references(node: object) -> list[str]:
    """Every `reference` anywhere in a resource or Bundle."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(references(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(references(item))
    return found


def unresolved(bundle: dict[str, Any]) -> set[str]:
    """References that point at no entry of the Bundle."""
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    return {r for r in references(bundle) if r not in full_urls}


def of_kind(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
