"""scripts/make_source_shingles.py, run on small stand-in sources written by the test."""

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

from frameworks import paraphrase
from frameworks.shingles import copied_windows, unpack
from tests.frameworks.sources import lesson_titles

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_source_shingles.py"
MATRIX_TEXT = (
    "Integrated care programmes vary in their level of maturity, focus and context, and the "
    "highest levels of impact are in areas that have pursued integration for a decade."
)


def _script():
    spec = importlib.util.spec_from_file_location("make_source_shingles", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _heading(number: int, title: str) -> str:
    # Headings wrap over lines as the source's do; a word may break at its hyphen.
    wrapped = "\n".join(textwrap.wrap(f"{number}: {title}", width=30, break_on_hyphens=True))
    return f" {wrapped}\nThe lesson's own text starts here and runs on.\n\n"


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    heads = "".join(_heading(number, title) for number, title in lesson_titles())
    (folder / "000_lessons.txt").write_text("Why it matters\n\n" + heads, encoding="utf-8")
    listing = "".join(
        "\n".join(textwrap.wrap(f"{number}.  {title}", width=40)) + " \n\n"
        for number, title in lesson_titles()
    )
    (folder / "002_slides.txt").write_text(
        "Making integrated care happen at scale and pace: \n\n" + listing + "http://example.org\n",
        encoding="utf-8",
    )
    (folder / "004_matrix.txt").write_text(MATRIX_TEXT, encoding="utf-8")
    return folder


def test_it_writes_the_hashes_of_each_source_and_the_titles(seeds, tmp_path, capsys):
    out = tmp_path / "data"
    _script().main([str(seeds), "--out", str(out)])
    meta = json.loads((out / "shingles.json").read_text(encoding="utf-8"))
    assert (meta["window"], meta["digest_size"], meta["hash"]) == (8, 8, "blake2b")
    assert set(meta["sources"]) == {"000", "004"}
    assert meta["sources"]["004"]["file"] == "004_matrix.txt"
    hashes = unpack((out / "004.shingles").read_bytes())
    assert len(hashes) == meta["sources"]["004"]["shingles"] == len(MATRIX_TEXT.split()) - 7
    salt = bytes.fromhex(meta["salt"])
    copied = "we found the highest levels of impact are in areas that have"
    assert copied_windows(copied, hashes, salt=salt) == [
        "the highest levels of impact are in areas",
        "highest levels of impact are in areas that",
        "levels of impact are in areas that have",
    ]
    titles = json.loads((out / "lesson-titles.json").read_text(encoding="utf-8"))["lessons"]
    assert [(t["number"], t["title"]) for t in titles] == lesson_titles()
    assert "Wrote" in capsys.readouterr().out


def test_it_writes_the_paraphrase_shingles_of_each_sentence(seeds, tmp_path):
    out = tmp_path / "data"
    _script().main([str(seeds), "--out", str(out)])
    meta = json.loads((out / "shingles.json").read_text(encoding="utf-8"))
    assert meta["paraphrase"] == {"size": 2, "window": 4, "sentence_number_size": 4}
    assert meta["sources"]["004"]["sentences"] == 1
    records = paraphrase.unpack((out / "004.paraphrase").read_bytes())
    assert len(records) == meta["sources"]["004"]["paraphrase_shingles"]
    index = paraphrase.source_index({"004": records})
    salt = bytes.fromhex(meta["salt"])
    # The stand-in matrix sentence reworded, its content words kept in their order.
    reworded = (
        "Such programmes differ in maturity, focus and context; the greatest impact is in places."
    )
    found = paraphrase.near_copies(reworded, index, salt=salt)
    assert [each.sentence for each in found] == [
        "Such programmes differ in maturity, focus and context;"
    ]


def test_it_asks_for_the_folder_of_sources_rather_than_guess_one(tmp_path, capsys):
    # A clone has nothing beside it: the sources' folder is always named by whoever runs it.
    with pytest.raises(SystemExit):
        _script().main(["--out", str(tmp_path / "data")])
    assert "seeds" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_it_keeps_the_salt_so_a_second_run_writes_the_same_bytes(seeds, tmp_path):
    out = tmp_path / "data"
    script = _script()
    script.main([str(seeds), "--out", str(out)])
    first = {path.name: path.read_bytes() for path in out.iterdir()}
    script.main([str(seeds), "--out", str(out)])
    assert {path.name: path.read_bytes() for path in out.iterdir()} == first
    script.main([str(seeds), "--out", str(out), "--new-salt"])
    assert (out / "004.shingles").read_bytes() != first["004.shingles"]


def test_it_refuses_a_heading_that_differs_from_the_listed_title(seeds, tmp_path):
    lessons = seeds / "000_lessons.txt"
    lessons.write_text(
        lessons.read_text(encoding="utf-8").replace("Establish shared", "Establish joint"),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="heading of lesson 4 in source 000 does not match"):
        _script().main([str(seeds), "--out", str(tmp_path / "data")])


def test_it_refuses_a_folder_without_the_sources(tmp_path):
    with pytest.raises(SystemExit, match="expected one file 000_"):
        _script().main([str(tmp_path), "--out", str(tmp_path / "data")])
    with pytest.raises(SystemExit, match="is not a folder"):
        _script().main([str(tmp_path / "missing")])
