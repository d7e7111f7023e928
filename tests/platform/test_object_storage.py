"""Object storage: uploads and private files in an S3 bucket, served by a real S3 HTTP endpoint
(moto's server mode on loopback, started here), never by patching the storage class."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from django.utils.functional import empty
from moto.server import ThreadedMotoServer

from plumbing.storage import private_storage
from subsidies.models import Attachment
from tests.factories import VerifiedProfileFactory
from tests.subsidies.conftest import PDF_BYTES, pdf_upload
from tests.subsidies.test_views import _form_data

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = "wijkplein-media", "wijkplein-private"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def s3():
    """An S3 endpoint on 127.0.0.1 with the two buckets, and a client to look into them."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    yield endpoint, client, server
    server.stop()


@pytest.fixture
def s3_storages(s3):
    """The STORAGES that config/settings/base.py builds from AWS_* for this endpoint."""
    endpoint, client, server = s3
    common = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "file_overwrite": False,
        "default_acl": None,
    }
    backend = "storages.backends.s3.S3Storage"
    configured = {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {**common, "bucket_name": PUBLIC, "querystring_auth": False},
        },
        "private": {
            "BACKEND": backend,
            "OPTIONS": {**common, "bucket_name": PRIVATE, "location": "private"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=configured):
        private_storage._wrapped = empty
        yield client, server
    private_storage._wrapped = empty


def _keys(client, bucket):
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_attachment_goes_to_the_private_bucket_and_only_its_applicants_get_it(
    client, s3_storages, draft, applicant, wijk
):
    s3_client, _server = s3_storages
    client.force_login(applicant)
    url = reverse("subsidies:application_edit", args=[draft.pk])
    response = client.post(url, {**_form_data(draft), "quote": pdf_upload("offerte.pdf")})
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=draft)

    [key] = _keys(s3_client, PRIVATE)
    assert key.startswith("private/subsidies/attachments/")
    assert _keys(s3_client, PUBLIC) == []  # nothing private in the bucket images are read from
    download = reverse("subsidies:attachment_download", args=[draft.pk, attachment.pk])
    answer = client.get(download)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF_BYTES
    assert answer["Cache-Control"] == "private, no-store"

    neighbour = VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="99").user
    client.force_login(neighbour)
    assert client.get(download).status_code in (403, 404)


def test_public_uploads_get_a_plain_url_on_the_bucket(s3_storages):
    s3_client, _server = s3_storages
    name = storages["default"].save("images/bankje.jpg", ContentFile(b"jpeg"))

    assert _keys(s3_client, PUBLIC) == [name]
    url = storages["default"].url(name)
    assert url.endswith(f"/{PUBLIC}/{name}") and "Signature" not in url


def test_readyz_follows_the_object_storage(client, s3_storages):
    _client, server = s3_storages
    assert client.get("/readyz").status_code == 200

    server.stop()
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable\n"
