"""platform/kubernetes/base: renders, validates against Kubernetes' schemas, and keeps the
promises an operator relies on (probes, non-root, read-only root, no secret values)."""

from __future__ import annotations

import re
from pathlib import Path

import kubernetes_validate
import pytest

from tests.platform.kustomize import render

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "platform" / "kubernetes" / "base"
# The oldest Kubernetes release still supported upstream when this was written, and the
# newest that kubernetes-validate knows.
VERSIONS = ["1.33.0", kubernetes_validate.latest_version()]


@pytest.fixture(scope="module")
def documents():
    return render(BASE)


def _by_kind(documents, kind):
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def _pod_specs(documents):
    for document in documents:
        if document["kind"] in ("Deployment", "Job"):
            yield document["metadata"]["name"], document["spec"]["template"]["spec"]
        elif document["kind"] == "CronJob":
            yield (
                document["metadata"]["name"],
                document["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            )


@pytest.mark.parametrize("version", VERSIONS)
def test_every_document_is_valid_kubernetes(documents, version):
    assert len(documents) > 10
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)


def test_web_and_worker_deployments_a_migration_job_and_the_rest(documents):
    kinds = {(d["kind"], d["metadata"]["name"]) for d in documents}
    assert {
        ("Deployment", "wijkplein-web"),
        ("Deployment", "wijkplein-worker"),
        ("Job", "wijkplein-migrate"),
        ("Service", "wijkplein-web"),
        ("Ingress", "wijkplein"),
        ("PodDisruptionBudget", "wijkplein-web"),
    } <= kinds
    assert any(kind == "NetworkPolicy" for kind, _ in kinds)


def test_one_cronjob_for_each_command_of_the_compose_scheduler(documents):
    loop = (ROOT / "platform" / "scheduler.sh").read_text()
    scheduled = set(re.findall(r"python manage\.py (\w+)", loop))
    cronjobs = _by_kind(documents, "CronJob").values()
    commands = [
        c["args"][2]
        for job in cronjobs
        for c in job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    ]

    assert sorted(commands) == sorted(scheduled)
    assert all(job["spec"]["concurrencyPolicy"] == "Forbid" for job in cronjobs)


def test_web_probes_use_the_health_endpoints(documents):
    web = _by_kind(documents, "Deployment")["wijkplein-web"]
    [container] = web["spec"]["template"]["spec"]["containers"]

    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    # New pods wait for their release's migrations.
    [init] = web["spec"]["template"]["spec"]["initContainers"]
    assert "migrate --check" in " ".join(init["command"])


def test_every_container_is_non_root_read_only_and_limited(documents):
    for name, spec in _pod_specs(documents):
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        mounts = {v["name"]: v for v in spec["volumes"]}
        for container in spec.get("initContainers", []) + spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert {"requests", "limits"} <= set(container["resources"]), name
            assert "memory" in container["resources"]["limits"], name
            assert container["image"].startswith("registry.example.nl/wijkplein:"), name
            paths = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "emptyDir" in mounts[paths["/tmp"]], name
            refs = [e for e in container["envFrom"] if "secretRef" in e]
            assert refs == [{"secretRef": {"name": "wijkplein"}}], name


def test_the_prometheus_directory_is_writable_in_the_web_pods(documents):
    config = _by_kind(documents, "ConfigMap")["wijkplein-config"]["data"]
    spec = _by_kind(documents, "Deployment")["wijkplein-web"]["spec"]["template"]["spec"]
    [web] = spec["containers"]
    mounted = {m["mountPath"]: m["name"] for m in web["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}

    assert "emptyDir" in volumes[mounted[config["PROMETHEUS_MULTIPROC_DIR"]]]


def test_no_secret_values_are_committed(documents):
    assert not [d for d in documents if d["kind"] == "Secret"]
    config = _by_kind(documents, "ConfigMap")["wijkplein-config"]["data"]
    for key in ("SECRET_KEY", "HASH_SECRET", "DATABASE_URL", "REDIS_URL", "METRICS_TOKEN"):
        assert key not in config
    example = ROOT / "platform" / "kubernetes" / "example-secret" / "secret.env.example"
    for line in example.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert value in ("", "change-me"), key
