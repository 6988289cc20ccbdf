"""Where rendered documents are stored, from the environment, as Django's STORAGES wants it.

Every web node and worker must share the default storage: a folder (MEDIA_ROOT) on one machine,
else a bucket through django-storages: S3-compatible (STORAGE_BUCKET) or an Azure Blob Storage
container (STORAGE_AZURE_CONTAINER), never both. Each is checked with a clear error.
"""

from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str


def bucket_storage(bucket: str, container: str) -> dict | None:
    """The default storage's STORAGES entry for a bucket or container; None for the folder."""
    if bucket and container:
        raise ImproperlyConfigured(
            "Set STORAGE_BUCKET (S3-compatible) or STORAGE_AZURE_CONTAINER (Azure), not both."
        )
    if bucket:
        return _s3(bucket)
    if container:
        return _azure(container)
    return None


def _s3(bucket: str) -> dict:
    if find_spec("storages") is None or find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "STORAGE_BUCKET needs django-storages: pip install -e '.[s3]' (see .env.example)."
        )
    # Unset options are left to django-storages, which falls back to boto3's own AWS_* variables.
    options = {
        "endpoint_url": env_str("STORAGE_ENDPOINT_URL"),
        "region_name": env_str("STORAGE_REGION"),
        "access_key": env_str("STORAGE_ACCESS_KEY_ID"),
        "secret_key": env_str("STORAGE_SECRET_ACCESS_KEY"),
        "location": env_str("STORAGE_PREFIX"),
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Reports are private: no public ACL, and no file is ever linked to directly.
            "default_acl": None,
            "querystring_auth": True,
            **{name: value for name, value in options.items() if value},
        },
    }


def _azure(container: str) -> dict:
    try:
        installed = find_spec("storages") and find_spec("azure.storage.blob")
    except ModuleNotFoundError:  # not even the azure namespace
        installed = None
    if not installed:
        raise ImproperlyConfigured(
            "STORAGE_AZURE_CONTAINER needs django-storages' Azure backend: "
            "pip install -e '.[azure]' (see .env.example)."
        )
    # The storage account: its connection string (as the Azure portal shows it; it may name the
    # blob endpoint, as an emulator's does) or its name and access key; one or the other. The
    # container is the app's own: the backend's listing is not kept within a prefix.
    account = {
        "connection_string": env_str("STORAGE_AZURE_CONNECTION_STRING"),
        "account_name": env_str("STORAGE_AZURE_ACCOUNT_NAME"),
        "account_key": env_str("STORAGE_AZURE_ACCOUNT_KEY"),
    }
    if account["connection_string"]:
        if account["account_name"] or account["account_key"]:
            raise ImproperlyConfigured(
                "Set STORAGE_AZURE_CONNECTION_STRING or STORAGE_AZURE_ACCOUNT_NAME and "
                "STORAGE_AZURE_ACCOUNT_KEY, not both."
            )
    elif not (account["account_name"] and account["account_key"]):
        raise ImproperlyConfigured(
            "STORAGE_AZURE_CONTAINER needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY (see .env.example)."
        )
    return {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "azure_container": container,
            # As in a bucket, a name is written over, never given a suffix: a name is its content.
            "overwrite_files": True,
            **{name: value for name, value in account.items() if value},
        },
    }
