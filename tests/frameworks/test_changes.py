"""What changed between two versions, item by item: pure, on the files' own data (no database)."""

from frameworks.changes import Change, ItemStatus, version_changes
from frameworks.documents import canonical
from tests.frameworks.files import matrix_data, published_data


def _by_key(changes) -> dict:
    return {entry.key: entry for entry in changes}


def _fields(entry) -> list[str]:
    return [change.field for change in entry.changes]


def test_it_finds_nothing_between_a_version_and_itself():
    changes = version_changes(matrix_data(), matrix_data())
    assert [entry.status for entry in changes] == [ItemStatus.UNCHANGED] * 9
    assert all(entry.changes == [] for entry in changes)


def test_it_names_each_changed_field_with_its_old_and_new_text():
    new = matrix_data()
    new["items"][0]["title"] = "Impact and ambition"
    new["items"][0]["levels"][2]["descriptor"] = "Emergency admissions fall for a large group."
    new["items"][0]["section"] = "Source 004, chapter 1"
    impact = version_changes(matrix_data(), new)[0]
    assert impact.status == ItemStatus.CHANGED
    assert impact.changes[0] == Change("title", "Title", "Impact", "Impact and ambition")
    level_3 = impact.changes[1]
    assert (level_3.field, level_3.name) == ("level", "Level 3")
    assert level_3.before == matrix_data()["items"][0]["levels"][2]["descriptor"].strip()
    assert level_3.after == "Emergency admissions fall for a large group."
    assert _fields(impact) == ["title", "level", "section"]


def test_it_compares_a_level_by_the_label_a_reader_sees():
    # 1.0 gave Place the scale's labels; an own label is a change from "Emerging", not from "".
    new = matrix_data()
    new["items"][1]["levels"][0]["label"] = "Highly complex"
    [label] = _by_key(version_changes(matrix_data(), new))["place"].changes
    assert label == Change("label", "Label of level 1", "Emerging", "Highly complex")


def test_it_reports_a_renamed_scale_level_on_every_item():
    new = matrix_data()
    new["scale"][0]["label"] = "Starting"
    changes = version_changes(matrix_data(), new)
    assert all(_fields(entry) == ["label"] for entry in changes)


def test_it_names_related_items_by_title_and_ignores_their_order():
    old = published_data("kingsfund-16-lessons", "1.0")
    new = published_data("kingsfund-16-lessons", "1.0")
    new["items"][11]["related"].reverse()  # lesson 12: same factors, other order
    new["items"][1]["related"] = ["workforce", "leadership"]
    titles = {"leadership": "Leadership", "workforce": "Workforce"}
    changes = _by_key(version_changes(old, new, related_titles=titles))
    assert changes["lesson-12"].status == ItemStatus.UNCHANGED
    assert changes["lesson-02"].changes == [
        Change("related", "Bears on", "Leadership, focus-on-individuals", "Leadership, Workforce")
    ]


def test_it_lists_added_items_in_order_and_removed_items_last():
    new = matrix_data()
    dropped = new["items"].pop(1)
    new["items"].insert(0, {**dropped, "key": "context", "title": "Context"})
    changes = version_changes(matrix_data(), new)
    assert (changes[0].key, changes[0].status) == ("context", ItemStatus.ADDED)
    assert (changes[-1].key, changes[-1].status) == ("place", ItemStatus.REMOVED)
    assert len(changes) == 10


def test_it_reads_the_changes_of_matrix_1_1_from_the_two_files():
    changes = _by_key(
        version_changes(
            canonical(published_data("lga-maturity-matrix", "1.0")),
            canonical(published_data("lga-maturity-matrix", "1.1")),
        )
    )
    assert changes["care-model"].status == ItemStatus.UNCHANGED
    place = changes["place"]
    assert [c.after for c in place.changes if c.field == "label"] == [
        "Highly complex",
        "Complex",
        "Fairly simple",
        "Simple",
    ]
    assert "level" in _fields(changes["commissioning-and-payment"])
    assert "summary" in _fields(changes["leadership"])


def test_it_reads_the_changes_of_lessons_1_1_from_the_two_files():
    changes = version_changes(
        canonical(published_data("kingsfund-16-lessons", "1.0")),
        canonical(published_data("kingsfund-16-lessons", "1.1")),
    )
    changed = {entry.key: _fields(entry) for entry in changes if entry.changes}
    assert changed == {
        "lesson-01": ["related"],
        "lesson-02": ["related"],
        "lesson-04": ["level"],
        "lesson-05": ["summary"],
        "lesson-10": ["related"],
        "lesson-11": ["related"],
        "lesson-16": ["related"],
    }
