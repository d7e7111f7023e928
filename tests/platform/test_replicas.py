"""Three replicas behind a load balancer, as on the platform: three gunicorn replicas (the
production settings, one worker each) and a task worker behind Debian's HAProxy, on one
PostgreSQL through PgBouncer in transaction mode, one Redis and the loopback S3 (moto).
Residents vote, change their ballots and upload attachments through HAProxy while one
replica is killed (SIGKILL) and started again.

How "exactly once" is judged: the client resends a request that got no answer or a 502/503
(HAProxy's own answers while the replica died) and counts only a 302 as accepted. Afterwards
each resident has exactly one ballot, holding the choice of their last accepted change;
every accepted upload (a file name of its own) is stored exactly once, and an unanswered
attempt at most once. No answer may be a 500."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from budget.models import Ballot, Participation
from subsidies.models import Attachment
from tests.factories import VerifiedProfileFactory
from tests.platform.pooler import free_port, need_binary, pgbouncer
from tests.platform.support import PRODUCTION_ENV, ROOT
from tests.platform.test_object_storage import PRIVATE, PUBLIC, s3  # noqa: F401
from tests.subsidies.conftest import PDF_BYTES
from tests.subsidies.test_views import _form_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONF = ROOT / "platform" / "gunicorn.conf.py"
HOST = PRODUCTION_ENV["ALLOWED_HOSTS"]
REDIS_URL = "redis://127.0.0.1:6379/7"
RESIDENTS = 6
CHANGES = 6


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:] if log.exists() else "exited")
        try:
            if requests.get(url, headers={"Host": HOST}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Replica:
    def __init__(self, index: int, env: dict[str, str], folder: Path):
        self.port = free_port()
        self.log = folder / f"replica{index}.log"
        self.env = {
            **env,
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "GUNICORN_CMD_ARGS": (
                f"--bind=127.0.0.1:{self.port} --access-logfile=/dev/null "
                f"--error-logfile={self.log}"
            ),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
            [sys.executable, "-m", "gunicorn", "--config", str(CONF), "config.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait(self) -> None:
        assert self.process is not None
        _wait(f"http://127.0.0.1:{self.port}/healthz", self.process, self.log)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


def _haproxy_config(port: int, replicas: list[Replica]) -> str:
    servers = "\n".join(
        f"  server r{i} 127.0.0.1:{replica.port} check" for i, replica in enumerate(replicas)
    )
    return f"""global
  maxconn 256
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend web
  bind 127.0.0.1:{port}
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz hdr Host {HOST}
  default-server inter 300ms fall 1 rise 2
{servers}
"""


class Resident:
    """A browser: its own cookies (sent over plain HTTP to the load balancer, which here
    stands for the TLS proxy: X-Forwarded-Proto says https), resending what got no answer."""

    def __init__(self, base: str, sessionid: str):
        self.base = base
        self.cookies = {"sessionid": sessionid}
        self.statuses: list[int] = []

    def _headers(self) -> dict[str, str]:
        return {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{HOST}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        for _attempt in range(30):
            try:
                response = requests.request(
                    method,
                    self.base + path,
                    headers=self._headers(),
                    allow_redirects=False,
                    timeout=30,
                    **kwargs,
                )
            except requests.RequestException:
                self.statuses.append(0)
                time.sleep(0.3)
                continue
            self.statuses.append(response.status_code)
            self.cookies.update(response.cookies.get_dict())
            if response.status_code in (502, 503):
                time.sleep(0.3)
                continue
            return response
        raise AssertionError(f"{method} {path}: no answer after 30 attempts")

    def post_form(self, path: str, data: dict, files: dict | None = None) -> int:
        page = self.request("GET", path)
        assert page.status_code == 200, page.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        return self.request(
            "POST", path, data={**data, "csrfmiddlewaretoken": token[1]}, files=files
        ).status_code


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_residents_vote_and_upload_while_a_replica_is_killed(
    s3,  # noqa: F811 - the fixture imported above
    wijk,
    voting_round,
    projects,
    draft,
    applicant,
    tmp_path,
):
    haproxy = need_binary("haproxy")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    endpoint, s3_client, _server = s3
    residents = [
        VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number=str(n + 1)).user
        for n in range(RESIDENTS)
    ]
    titles = list(projects)

    with pgbouncer() as bouncer:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("PYTEST_", "PROMETHEUS", "DATABASE_"))
            },
            **PRODUCTION_ENV,
            "SECRET_KEY": "test-secret-key",  # the test's own, so its sessions hold
            "HASH_SECRET": "test-hash-secret",
            "DATABASE_URL": (
                f"postgres://postgres@127.0.0.1:{bouncer}/{connection.settings_dict['NAME']}"
            ),
            "DATABASE_TRANSACTION_POOLING": "true",
            "REDIS_URL": REDIS_URL,
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(tmp_path / "static"),
            "AWS_STORAGE_BUCKET_NAME": PUBLIC,
            "AWS_PRIVATE_STORAGE_BUCKET_NAME": PRIVATE,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "LOG_FORMAT": "text",
        }
        subprocess.run(  # noqa: S603 - the hashed static files production serves
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        replicas = [Replica(i, env, tmp_path) for i in range(3)]
        worker = subprocess.Popen(  # noqa: S603 - the task worker
            [sys.executable, "manage.py", "db_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        balancer_port = free_port()
        config = tmp_path / "haproxy.cfg"
        config.write_text(_haproxy_config(balancer_port, replicas))
        balancer = None
        try:
            for replica in replicas:
                replica.start()
            for replica in replicas:
                replica.wait()
            balancer = subprocess.Popen(  # noqa: S603 - Debian's haproxy, our own config
                [haproxy, "-db", "-f", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            base = f"http://127.0.0.1:{balancer_port}"
            _wait(f"{base}/healthz", balancer, tmp_path / "none")

            ballot_path = reverse("budget:ballot", args=[voting_round.pk])
            edit_path = reverse("subsidies:application_edit", args=[draft.pk])
            last_choice: dict[int, str] = {}
            accepted_uploads: list[str] = []
            tried_uploads: list[str] = []
            clients: list[Resident] = []
            failures: list[BaseException] = []

            def vote(index: int, user) -> None:
                browser = Resident(base, _session(user))
                clients.append(browser)
                try:
                    for change in range(CHANGES):
                        title = titles[(index + change) % len(titles)]
                        status = browser.post_form(
                            ballot_path,
                            {"projects": [projects[title].pk], "step": "confirm"},
                        )
                        if status == 302:
                            last_choice[user.pk] = title
                        time.sleep(0.1)
                except BaseException as error:  # noqa: BLE001 - asserted below
                    failures.append(error)

            def upload() -> None:
                browser = Resident(base, _session(applicant))
                clients.append(browser)
                try:
                    for n in range(CHANGES):
                        name = f"offerte-{n}.pdf"
                        tried_uploads.append(name)
                        status = browser.post_form(
                            edit_path,
                            _form_data(draft),
                            files={"quote": (name, PDF_BYTES, "application/pdf")},
                        )
                        if status == 302:
                            accepted_uploads.append(name)
                        time.sleep(0.1)
                except BaseException as error:  # noqa: BLE001 - asserted below
                    failures.append(error)

            threads = [
                threading.Thread(target=vote, args=(i, user)) for i, user in enumerate(residents)
            ]
            threads.append(threading.Thread(target=upload))
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            in_flight = sum(thread.is_alive() for thread in threads)
            replicas[1].kill()  # in the middle of the residents' requests
            time.sleep(1.0)
            replicas[1].start()
            replicas[1].wait()
            for thread in threads:
                thread.join(timeout=300)
        finally:
            if balancer is not None:
                balancer.terminate()
                balancer.wait(timeout=10)
            for replica in replicas:
                replica.kill(signal.SIGTERM)
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    assert failures == []
    assert in_flight > 0  # the replica died while residents were still at it
    statuses = [status for browser in clients for status in browser.statuses]
    assert 500 not in statuses
    assert len(last_choice) == RESIDENTS
    ballots = Ballot.objects.filter(round=voting_round)
    assert ballots.count() == RESIDENTS
    assert Participation.objects.filter(round=voting_round).count() == RESIDENTS
    expected = sorted([str(projects[title].pk)] for title in last_choice.values())
    assert sorted(list(ballot.choices) for ballot in ballots) == expected
    names = list(
        Attachment.objects.filter(application=draft).values_list("original_name", flat=True)
    )
    for name in accepted_uploads:
        assert names.count(name) == 1
    assert all(names.count(name) <= 1 for name in tried_uploads)
    assert len(accepted_uploads) == CHANGES
    # Each stored attachment is in the private bucket (moto's server may hold other
    # tests' objects: its state lives in this process).
    stored = {item["Key"] for item in s3_client.list_objects_v2(Bucket=PRIVATE)["Contents"]}
    attachments = Attachment.objects.filter(application=draft)
    assert all(f"private/{attachment.file.name}" in stored for attachment in attachments)
