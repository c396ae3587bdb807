"""A local S3 server (moto's server mode, its own process on a free loopback port) and the
project's object storage pointed at it (STORAGE_BACKEND=s3 as in production, docs/running.md)."""
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

BUCKET = "motcua-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Server:
    """`moto_server` in a child process: start, stop (the storage goes down), start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            pytest.fail("moto_server did not start")
        self.client().create_bucket(Bucket=BUCKET)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def env(self) -> dict:
        return {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": self.url, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret",
                "S3_CONNECT_TIMEOUT": "1", "S3_READ_TIMEOUT": "5", "S3_MAX_ATTEMPTS": "1"}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="test-key", aws_secret_access_key="test-secret")

    def objects(self) -> dict[str, bytes]:
        """Every object in the bucket: key -> content."""
        client = self.client()
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        return {key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


@pytest.fixture
def s3_server():
    pytest.importorskip("moto.server", reason="moto[server] is in the test extras (pip install -e .[test])")
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3(settings, s3_server):
    """Files go to the local S3 server through the production storage class."""
    from motcua.core.storage import s3_options

    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "motcua.core.storage.ObjectStorage",
                                     "OPTIONS": s3_options(s3_server.env())}}
    return s3_server
