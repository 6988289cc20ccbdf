"""Framework versions that staff upload: checked whole, previewed, then published.

An upload is a YAML file in the fixtures' shape or an XLSX workbook (frameworks.workbook); both
parse to the same document and pass the same checks as the fixtures, then the rules of an
upload: a new slug or a later version of an uploaded framework, never a shipped one, and every
key an item names found among the loaded versions. It is published through the loader the
fixtures use (frameworks.services), so it is as immutable as they are: its content hash is
recorded on the version and nothing changes a published version.
"""

import datetime
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

from frameworks.documents import (
    FrameworkDocument,
    FrameworkFileError,
    Problem,
    check_document,
    parse_text,
)
from frameworks.models import Framework, FrameworkUpload, FrameworkVersion, VersionStatus
from frameworks.services import check_references, framework_document_load
from frameworks.workbook_reader import workbook_read

# Checked before the file is opened: the shipped matrix is 20 KB as a workbook, 60 KB as YAML.
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
SUFFIXES = (".xlsx", ".yaml", ".yml")
# An upload not published within this time is forgotten at the next upload.
PENDING_FOR = datetime.timedelta(days=1)


class AlreadyPublished(Exception):
    def __init__(self, version: FrameworkVersion):
        self.version = version
        super().__init__(f"{version} is already published")


def framework_file_read(*, name: str, content: bytes) -> FrameworkDocument:
    """The uploaded file as a document ready to publish, or FrameworkFileError naming the line
    or cell of every problem. An upload is published when it is published here: its status is
    "published", and its publication date today unless the file gives one."""
    name = Path(name).name[:200] or "upload"
    if len(content) > UPLOAD_MAX_BYTES:
        limit = f"{UPLOAD_MAX_BYTES // 2**20} MB"
        raise FrameworkFileError([Problem(name, "", f"the file is larger than {limit}")])
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        document = workbook_read(name, content)
    elif suffix in SUFFIXES:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problem = Problem(name, "", "the file is not UTF-8 text; save it as UTF-8 YAML")
            raise FrameworkFileError([problem]) from exc
        _refuse_aliases(name, text)
        document = parse_text(name, text)
    else:
        raise FrameworkFileError(
            [Problem(name, "", "upload an XLSX workbook (.xlsx) or a YAML file (.yaml)")]
        )
    document.data["status"] = VersionStatus.PUBLISHED.value
    document.data.setdefault("published", timezone.localdate().isoformat())
    if problems := upload_problems(document):
        raise FrameworkFileError(problems)
    return document


def _refuse_aliases(name: str, text: str) -> None:
    """A YAML alias (``*name``) repeats what its anchor holds: nested, a few kilobytes stand
    for billions of values that the checks and the hash would walk. No framework needs one."""
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.AliasToken):
                line = token.start_mark.line + 1
                message = "an alias (*name): write the content out in full"
                raise FrameworkFileError([Problem(name, f"line {line}", message)])
    except yaml.YAMLError:
        return  # parse_text names the line of the fault


def upload_problems(document: FrameworkDocument) -> list[Problem]:
    """The fixtures' checks, then those of an upload against what is loaded already."""
    problems = check_document(document)
    if problems:
        return problems
    data = document.data

    def problem(path: str, message: str) -> None:
        problems.append(Problem(document.path, document.where(path), message))

    framework = Framework.objects.filter(slug=data["slug"]).first()
    if framework and framework.shipped:
        problem("slug", f"{data['slug']} ships with the product: give the upload its own slug")
    elif framework and framework.kind != data["kind"]:
        problem("kind", f"{data['slug']} is a framework of kind {framework.kind}")
    elif framework:
        latest = framework.versions.order_by("-major", "-minor").first()
        if latest and latest.version == data["version"]:
            problem(
                "version",
                f"{data['slug']} {data['version']} is already published; a change of content "
                f"is a new version: give it a later version number",
            )
        elif latest and _number(data["version"]) < (latest.major, latest.minor):
            problem("version", f"a new version of {data['slug']} comes after {latest.version}")
    return problems + check_references([document])


def _number(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def framework_upload_stash(*, document: FrameworkDocument, user, filename: str) -> FrameworkUpload:
    """Keep a checked upload until it is published from its preview."""
    FrameworkUpload.objects.filter(
        published=None, created_at__lt=timezone.now() - PENDING_FOR
    ).delete()
    return FrameworkUpload.objects.create(
        uploaded_by=user,
        filename=Path(filename).name[:200],
        document=document.data,
        content_hash=document.content_hash,
    )


def framework_upload_publish(*, upload: FrameworkUpload) -> FrameworkVersion:
    """Publish a previewed upload, checked again (a version may have been published since).

    The upload row is locked, so of two presses of "Publish" one publishes and the other
    raises AlreadyPublished; a version of the same slug and number published meanwhile from
    another upload refuses this one.
    """
    try:
        with transaction.atomic():
            upload = FrameworkUpload.objects.select_for_update().get(pk=upload.pk)
            if upload.published_id:
                raise AlreadyPublished(upload.published)
            document = FrameworkDocument(path=upload.filename, data=upload.document)
            problems = upload_problems(document)
            if not problems and document.content_hash != upload.content_hash:
                problems = [Problem(upload.filename, "", "the upload changed since its preview")]
            if problems:
                raise FrameworkFileError(problems)
            framework_document_load(document=document, shipped=False)
            version = FrameworkVersion.objects.get(
                framework__slug=document.slug, version=document.version
            )
            upload.published = version
            upload.save(update_fields=["published"])
    except IntegrityError as exc:
        message = f"{upload.label} was published meanwhile"
        raise FrameworkFileError([Problem(upload.filename, "", message)]) from exc
    return version
