"""Where stored files live: the data folder's files/ (the default) or an S3-compatible bucket
(django-storages), chosen from the environment. Every stored file -- uploaded documents, batch
files -- goes through Django's storage API, never a path of its own."""

from __future__ import annotations

from collections.abc import Mapping

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(env: Mapping[str, str]) -> dict | None:
    """The STORAGES entry for the bucket MEDPAUSE_S3_BUCKET, or None when it is not set.

    MEDPAUSE_S3_ENDPOINT_URL   the server's address (MinIO, Ceph, a cloud's S3 API); unset: AWS
    MEDPAUSE_S3_ACCESS_KEY_ID, MEDPAUSE_S3_SECRET_ACCESS_KEY   the keys (unset: boto3's own chain)
    MEDPAUSE_S3_REGION         the bucket's region
    MEDPAUSE_S3_PREFIX         a folder inside the bucket (default: none)
    """
    bucket = env.get("MEDPAUSE_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = env.get("MEDPAUSE_S3_ENDPOINT_URL", "").strip() or None
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": env.get("MEDPAUSE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env.get("MEDPAUSE_S3_SECRET_ACCESS_KEY") or None,
            "region_name": env.get("MEDPAUSE_S3_REGION") or None,
            "location": env.get("MEDPAUSE_S3_PREFIX", "").strip("/"),
            # Objects are private: no ACL granting anyone, never overwritten (names are random),
            # and reachable only through the views that check the caller's rights.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            # a self-hosted server is reached by path (http://host/bucket/key), not by a DNS name per bucket
            "addressing_style": "path" if endpoint else None,
            "signature_version": "s3v4",
        },
    }
