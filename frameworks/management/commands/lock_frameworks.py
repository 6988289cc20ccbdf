from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.documents import (
    FrameworkFileError,
    check_document,
    default_paths,
    parse_file,
    read_lock,
    write_lock,
)


class Command(BaseCommand):
    help = (
        "Record the content hash of newly published framework files in fixtures/"
        "frameworks.lock.json. A version already in the lock is never re-recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args, paths, **options):
        lock = read_lock()
        added, problems = [], []
        for path in paths or default_paths():
            try:
                doc = parse_file(path)
            except FrameworkFileError as exc:
                problems.extend(exc.problems)
                continue
            found = check_document(doc)
            problems.extend(found)
            if found or doc.data["status"] == "draft":
                continue
            if doc.label not in lock:
                lock[doc.label] = doc.content_hash
                added.append(doc.label)
            elif lock[doc.label] != doc.content_hash:
                self.stderr.write(f"{path}: {doc.label} differs from its locked content")
                problems.append(doc.label)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError("Lock not written: fix the problems above.")
        write_lock(lock)
        self.stdout.write(f"Lock: {len(added)} version(s) added ({', '.join(added) or 'none'}).")
