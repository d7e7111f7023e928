"""Render a Kustomize base the way `kubectl kustomize` does, for the few fields our base uses.

`kubectl` and `kustomize` are Go programs that PyPI and npm carry no well-kept package of, and
CI installs only what pyproject.toml lists. So the test renders platform/kubernetes/base with
this small renderer, which knows exactly the kustomization fields the base uses (`resources`
files, `labels` pairs, `images`, `namespace`) and refuses any other field, so that a base that
grows beyond it fails here instead of being validated half-rendered. With kubectl at hand,
`kubectl kustomize platform/kubernetes/base` gives the same documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

KNOWN_FIELDS = {"apiVersion", "kind", "resources", "labels", "images", "namespace"}
# Kinds whose pods the `labels` (includeTemplates) and `images` reach, and where the pod is.
POD_PATHS = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


class UnsupportedKustomization(ValueError):
    """The kustomization uses a field this renderer does not know."""


def _pod_template(document: dict[str, Any]) -> dict[str, Any] | None:
    path = POD_PATHS.get(document.get("kind", ""))
    if path is None:
        return None
    node: Any = document
    for key in path:
        node = node.get(key, {})
    return node


def _image(reference: str, images: list[dict[str, str]]) -> str:
    name, _, tag = reference.partition(":")
    for image in images:
        if image["name"] == name:
            new = image.get("newName", name)
            new_tag = image.get("newTag", tag)
            return f"{new}:{new_tag}" if new_tag else new
    return reference


def render(directory: Path) -> list[dict[str, Any]]:
    """The documents the kustomization in `directory` produces."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - KNOWN_FIELDS
    if unknown:
        raise UnsupportedKustomization(f"not rendered here: {sorted(unknown)}")
    documents: list[dict[str, Any]] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        if path.is_dir():
            documents.extend(render(path))
            continue
        documents.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    for document in documents:
        for entry in kustomization.get("labels", []):
            unknown = set(entry) - {"pairs", "includeSelectors", "includeTemplates"}
            if unknown or entry.get("includeSelectors"):
                raise UnsupportedKustomization(f"labels: not rendered here: {entry}")
            document.setdefault("metadata", {}).setdefault("labels", {}).update(entry["pairs"])
            template = _pod_template(document)
            if template is not None and entry.get("includeTemplates"):
                template.setdefault("metadata", {}).setdefault("labels", {}).update(entry["pairs"])
        if "namespace" in kustomization:
            document["metadata"]["namespace"] = kustomization["namespace"]
        template = _pod_template(document)
        if template is not None:
            spec = template.get("spec", {})
            for container in spec.get("initContainers", []) + spec.get("containers", []):
                container["image"] = _image(container["image"], kustomization.get("images", []))
    return documents
