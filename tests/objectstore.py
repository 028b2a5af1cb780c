"""A local S3 server for the tests: moto's server mode on a free port, reached over real HTTP like MinIO or AWS.

`s3_server` (one per test run) is the endpoint URL; `s3_bucket` gives a test its own empty private bucket and
switches the portal's private storage to it (MEDIA_STORAGE=s3), as production settings would.
"""

import logging
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config

ACCESS_KEY_ID = "portal-test-key"
SECRET_ACCESS_KEY = "portal-test-secret"  # moto accepts any key pair
REGION = "us-east-1"


def s3_client(endpoint_url: str):
    """A boto3 client for the stand-in, as the portal itself would make one."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        region_name=REGION,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@dataclass
class Bucket:
    endpoint_url: str
    name: str
    client: object

    def object_keys(self, prefix: str = "") -> list[str]:
        """Every object's key under `prefix`, sorted."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def environment(self) -> dict[str, str]:
        """The environment a portal process (gunicorn, a worker) needs to use this bucket."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "S3_REGION": REGION,
        }


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in a thread of the test process, on a free port of 127.0.0.1; yields its URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 call otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings) -> Bucket:
    """A new, empty, private bucket; the portal's private files go there for this test."""
    bucket = Bucket(s3_server, f"portal-{uuid.uuid4().hex[:16]}", s3_client(s3_server))
    bucket.client.create_bucket(Bucket=bucket.name)
    for name, value in bucket.environment().items():
        setattr(settings, name, value)
    return bucket
