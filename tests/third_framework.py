"""A framework a programme brings, beside the two the product ships: four local priorities on a
four-level ladder, whose items correspond to factors of the maturity matrix 1.2. Published the
way a member of staff publishes an upload at /frameworks/upload/ (checked, kept, published)."""

from frameworks.models import FrameworkVersion
from frameworks.uploads import (
    framework_file_read,
    framework_upload_publish,
    framework_upload_stash,
)

SLUG = "riverside-local-priorities"
LEVELS = ["Starting", "Growing", "Established", "Leading"]
ITEMS = [
    # key, title, the matrix factors it corresponds to
    ("local-hospital-discharge", "Hospital discharge", ["care-model"]),
    ("local-shared-records", "Shared care records", ["information-management"]),
    ("local-joint-posts", "Joint posts", ["workforce"]),
    ("local-carers", "Support for carers", []),
]


def _item(n: int, key: str, title: str, maps_to: list[str]) -> str:
    levels = "".join(
        f"      - value: {v}\n        descriptor: {title} is {label.lower()} across the place.\n"
        for v, label in enumerate(LEVELS, start=1)
    )
    return (
        f"  - key: {key}\n    number: {n}\n    title: {title}\n    context: false\n"
        f'    section: "Riverside plan 2026, priority {n}"\n'
        f"    summary: How far {title.lower()} has come in Riverside.\n"
        f"    questions:\n      - Where does {title.lower()} stand today?\n"
        f"    prompts:\n      - Name the evidence for {title.lower()}.\n"
        f"      - Say who in the partnership leads on {title.lower()}.\n"
        f"    corresponds_to: [{', '.join(maps_to)}]\n"
        f"    levels:\n{levels}"
    )


def framework_text(version: str = "1.0") -> str:
    scale = "".join(
        f"  - value: {v}\n    label: {label}\n    description: The priority is {label.lower()}.\n"
        for v, label in enumerate(LEVELS, start=1)
    )
    items = "".join(_item(n, *item) for n, item in enumerate(ITEMS, start=1))
    return (
        f'slug: {SLUG}\nversion: "{version}"\nstatus: published\npublished: "2026-12-01"\n'
        "title: Riverside local priorities\nkind: maturity-matrix\n"
        "source:\n  document: Riverside plan 2026\n"
        "  citation: Riverside Health and Care Partnership (2026). Riverside plan 2026.\n"
        "description: Four priorities the Riverside partnership set itself for 2026.\n"
        'mapped_framework:\n  slug: lga-maturity-matrix\n  version: "1.2"\n'
        f"scale:\n{scale}items:\n{items}"
    )


def publish_third_framework(user) -> FrameworkVersion:
    name = f"{SLUG}-1.0.yaml"
    document = framework_file_read(name=name, content=framework_text().encode())
    upload = framework_upload_stash(document=document, user=user, filename=name)
    return framework_upload_publish(upload=upload)
