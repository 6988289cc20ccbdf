"""A round's report as a board paper in Word, for the officers of health and wellbeing boards
who paste its parts into their board's own template: the summary, the radar with its table, the
largest gaps with the next level up, the positions the team agreed and why, what changed since
the last round, and the plan.

It is a Document (reports.documents), made and cached like the report PDF and read from the same
report and plan sections (reports.plan_sections.build(report, reader=...)), so a reader from
outside the place gets a paper of their own (key "<id>-shared") that holds no more than their
PDF. The paper is first set down as plain blocks (headings, paragraphs, tables and the chart's
place); its digest is that of those blocks and of the code that lays them out, so it covers every
word the paper shows. Word is made from the blocks only when the file must be made: with Word's
own Title and Heading styles, table header rows repeated on each page, the language set to
British English, and the radar as a picture whose description is its message in words.
"""

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format

from assessment.plan_exports import member_name
from assessment.results import ItemResult
from assessment.statistics import plain_number
from reports import plan_sections
from reports.chart_export import figures_to_png
from reports.digests import document_digest
from reports.documents import Document
from reports.models import PdfKind
from reports.paper_docx import Block, Chart, Heading, Paragraph, Table, paper_docx
from reports.pdf import report_filename, round_document_key
from reports.plan_sections import PlanSections
from reports.selectors import Report
from reports.tasks import render_pdf


def number(value: float | None) -> str:
    """A level as the PDF prints it: 2, 2.5, or a dash where there is none."""
    return "—" if value is None else str(plain_number(value))


def counted(count: int, word: str) -> str:
    """ "1 action", "2 actions"."""
    return f"{count} {word if count == 1 else word + 's'}"


def paper_blocks(report: Report, sections: PlanSections) -> list[Block]:
    """Everything the paper shows, in its order."""
    a = report.assessment
    front = [
        Heading(f"{a.place.name}: integration maturity, {a.period}", 0),
        _about(report, sections),
    ]
    if not report.has_results:
        return [*front, *_nothing_yet(sections)]
    return [
        *front,
        *_summary(report, sections),
        *_radar(report),
        *_gaps(report),
        *_agreed(report),
        *_since(report, sections),
        *_plan(sections),
    ]


def _about(report: Report, sections: PlanSections) -> Paragraph:
    a = report.assessment
    as_of = date_format(timezone.localtime(report.as_of), "j F Y")
    frameworks = "; ".join(f"{v.title}, version {v.version}" for v in report.versions)
    return Paragraph(
        f"Round {a.period} · {a.get_status_display()} · {sections.summary.response_rate} · "
        f"data as of {as_of}. Frameworks: {frameworks}."
    )


def _nothing_yet(sections: PlanSections) -> list[Block]:
    s = sections.summary
    return [
        Heading("Nothing to report yet", 1),
        Paragraph(
            f"{s.submitted} of {counted(s.invited, 'respondent')} submitted: there are no "
            "levels, gaps or charts to show."
        ),
    ]


def _summary(report: Report, sections: PlanSections) -> list[Block]:
    s, a = sections.summary, report.assessment
    responded = f"{s.submitted} of {s.invited} responded"
    if s.not_submitted:
        responded += (
            f": the picture may change as the other {s.not_submitted} submit"
            if a.is_open
            else f": the other {s.not_submitted} did not submit"
        )
    blocks: list[Block] = [
        Heading("Summary", 1),
        Paragraph(f"{responded}."),
        Paragraph(
            f"{s.counts.done} of {counted(s.counts.total, 'action')} done, "
            f"{s.counts.overdue} overdue; {counted(s.gaps_without_action, 'gap')} with no "
            "action yet."
        ),
    ]
    if report.few_respondents:
        blocks.append(Paragraph(_few_respondents(report)))
    blocks += [Heading("The three largest gaps", 2), *_top_gaps(report, sections)]
    blocks += [Heading("Change since last round", 2), _change(sections)]
    basis = (
        "the one respondent's answer" if report.respondents == 1 else "the median of the answers"
    )
    blocks.append(
        Paragraph(
            f"Based on the submitted answers of {s.submitted} of "
            f"{counted(s.invited, 'respondent')}. Where the team recorded an agreed position "
            f"it is used; otherwise {basis}."
        )
    )
    return blocks


def _top_gaps(report: Report, sections: PlanSections) -> list[Paragraph]:
    s = sections.summary
    return [
        Paragraph(
            f"{g.result.title}: now {number(g.result.current)} ({g.result.level_label}), "
            f"target {number(g.result.target)}: a gap of {number(g.result.gap)}; "
            + ("no action yet" if g.no_action_yet else f"{counted(g.actions, 'action')} on it"),
            style="List Number",
        )
        for g in s.top_gaps
    ] or [Paragraph(_no_gaps(report, s.scored_factors))]


def _few_respondents(report: Report) -> str:
    if report.respondents == 1:
        told = "Only one person has submitted: every figure drawn from the answers is theirs."
    else:
        told = "Only two people have submitted: each can read the other's answers from the range."
    return (
        f"{told} With fewer than three respondents, answers can be told apart, though this "
        "round does not show names."
    )


def _no_gaps(report: Report, scored: int) -> str:
    if scored or report.gaps.strengths:
        return "No factor is below its target."
    return "No factor has both a level and a target yet."


def _change(sections: PlanSections) -> Paragraph:
    since = sections.since
    if since.withheld:
        return Paragraph(
            "No earlier round of the place is shared with you: no change since one is shown."
        )
    if since.previous is None:
        return Paragraph(
            "This is the place's first round on record: the next round's report shows what changed."
        )
    moves = since.factor_moves
    largest = "; ".join(
        f"{c.label}: {number(c.before.value)} → {number(c.now.value)} ({c.change_text})"
        for c in since.largest_moves
    )
    return Paragraph(
        f"Since {since.previous.period}, factors: {moves.up} up, {moves.down} down, "
        f"{moves.same} unchanged." + (f" Largest moves: {largest}." if largest else "")
    )


def _radar(report: Report) -> list[Block]:
    """The factors' radar and, beside it as always, its table."""
    ladder = report.ladder
    if ladder is None:
        return []
    blocks: list[Block] = [Heading(ladder.heading, 1)]
    if ladder.figure in report.figures:
        caption = report.chart_labels()[ladder.figure]
        blocks.append(Chart(ladder.figure, caption, report.chart_alts()[ladder.figure]))
    rows = tuple(
        (
            f.title + (" (context)" if f.scores.is_context else ""),
            number(f.current),
            number(f.target),
            number(f.gap),
            _basis(f),
        )
        for f in ladder.items
    )
    caption = (
        f"{ladder.heading}: where the place stands (agreed, or the median of answers), "
        "its target and the gap."
    )
    return [*blocks, Table(caption, ("Factor", "Now", "Target", "Gap", "Basis"), rows)]


def _basis(f: ItemResult) -> str:
    count = f.current_spread.count
    if f.agreed:
        return "agreed"
    if count == 1:
        return "one respondent's answer"
    return f"median of {count}" if count else "no answers"


def _gaps(report: Report) -> list[Block]:
    """The factors ranked by their gap, each with what the next level up looks like."""
    blocks: list[Block] = [
        Heading("Gap analysis", 1),
        Paragraph(
            "Factors ranked by the distance from where the place stands to its target, with "
            "what the next level up looks like."
        ),
    ]
    rows = tuple(
        (
            f"{n}. {e.factor.title}",
            f"{number(e.factor.current)} ({e.factor.level_label})",
            number(e.factor.target),
            number(e.factor.gap),
            f"{e.factor.next_level} {e.factor.next_label}: {e.factor.next_descriptor}"
            if e.factor.next_level
            else "At the top of the scale",
        )
        for n, e in enumerate(report.gaps.ranked, start=1)
    )
    if rows:
        header = ("Factor", "Now", "Target", "Gap", "The next level")
        blocks.append(Table("The largest gaps, and the next level up.", header, rows))
    else:
        blocks.append(Paragraph(_no_gaps(report, 0)))
    for c in report.gaps.context:
        blocks.append(
            Paragraph(
                f"{c.title} describes the place's circumstances rather than its progress, so it "
                f"is shown but not ranked: {number(c.current)} ({c.level_label}).",
                style="List Bullet",
            )
        )
    return blocks


def _agreed(report: Report) -> list[Block]:
    """The positions the team agreed at the workshop, and why."""
    agreed = [r for r in report.results if r.agreed]
    blocks: list[Block] = [Heading("Agreed positions", 1)]
    if not agreed:
        return [*blocks, Paragraph("No agreed position has been recorded for any item.")]
    rows = tuple(
        (
            _item_name(r),
            f"{number(r.current)} ({r.level_label}), target {number(r.target)}",
            _why(r),
        )
        for r in agreed
    )
    header = ("Item", "Agreed level", "Why the team agreed it")
    caption = "Where the team agreed a position, with its reasons and any minority view."
    return [*blocks, Table(caption, header, rows)]


def _item_name(r: ItemResult) -> str:
    if r.scores.kind == "lesson" and r.scores.number:
        return f"Lesson {r.scores.number}. {r.title}"
    return r.title


def _why(r: ItemResult) -> str:
    parts = []
    if r.split:
        spread = r.current_spread
        parts.append(f"Answers were split ({spread.min} to {spread.max}).")
    parts.append(r.rationale or "No reason was recorded.")
    if r.minority_view:
        parts.append(f"Minority view: {r.minority_view}")
    return " ".join(parts)


def _since(report: Report, sections: PlanSections) -> list[Block]:
    since, a = sections.since, report.assessment
    heading = Heading("Since last round", 1)
    if since.previous is None:
        return [heading, *_nothing_before(report, sections)]
    before, now = since.previous.period, a.period
    blocks: list[Block] = [
        heading,
        Heading(f"Where each item stood in {before} and stands in {now}", 2),
    ]
    for table in since.tables:
        first = "Factor" if table.is_ladder else "Lesson"
        rows = tuple(
            (
                c.title if c.is_factor or not c.number else f"{c.number}. {c.title}",
                number(c.before and c.before.value),
                number(c.now and c.now.value),
                c.change_text,
            )
            for c in table.changes
        )
        caption = f"{table.heading}: level in {before}, level in {now}, and the change."
        blocks += [Heading(table.heading, 3), Table(caption, (first, before, now, "Change"), rows)]
    return [*blocks, Heading(f"Actions completed since {before}", 2), _completed(sections)]


def _nothing_before(report: Report, sections: PlanSections) -> list[Paragraph]:
    """No round before this one, or none the reader may see: said the same way as the PDF."""
    place = report.assessment.place.name
    if sections.since.withheld:
        said = (
            f"No earlier round of {place} is shared with you, so this report shows no change "
            "since one."
        )
    else:
        said = (
            f"This is {place}'s first round on record, so there is no earlier round to compare "
            "with: the next round's report shows what changed."
        )
    done = "; ".join(c.action.title for c in sections.since.completed)
    return [
        Paragraph(said),
        *([Paragraph(f"Completed in this round's plan: {done}.")] if done else []),
    ]


def _completed(sections: PlanSections) -> Block:
    """The actions completed since the round before, and whether their items moved."""
    before, now = sections.since.previous.period, sections.plan.assessment.period
    rows = tuple(
        (
            o.action.title,
            o.title,
            number(o.before and o.before.value),
            number(o.now and o.now.value),
            number(o.expected_level),
            o.verdict,
        )
        for o in sections.since.outcomes
    )
    if not rows:
        return Paragraph(f"No action has been completed since {before}.")
    header = ("Action", "Item", before, now, "Expected", "Moved as expected?")
    caption = f"Actions completed since {before}, and whether their items moved as expected."
    return Table(caption, header, rows)


def _plan(sections: PlanSections) -> list[Block]:
    plan, s = sections.plan, sections.summary
    counts = s.counts
    blocks: list[Block] = [
        Heading("Improvement plan", 1),
        Paragraph(
            f"{counted(counts.total, 'action')}: {counts.done} done, {counts.open} planned or "
            f"in progress ({counts.overdue} overdue). "
            f"{counted(s.gaps_without_action, 'gap')} to target with no action yet, "
            "listed as such so the gaps nobody owns are seen."
        ),
    ]
    header = ("Action", "Owner", "Due", "Status")
    for section in plan.sections:
        heading = section.heading
        if not section.version.framework.shipped:
            heading += f" of {section.version.title}"
        rows = tuple(line for row in section.rows for line in _plan_rows(row))
        caption = f"{heading}: actions with their owner, due date and status."
        blocks += [Heading(heading, 2), Table(caption, header, rows)]
    if plan.unlinked:
        rows = tuple(_action_cells(act, None) for act in plan.unlinked)
        caption = "Actions linked to no item of this round's framework versions."
        blocks += [Heading("Actions linked to no item", 2), Table(caption, header, rows)]
    return blocks


def _plan_rows(row) -> list[tuple[str, ...]]:
    """A plan row's item with its gap, then each of its actions, or that it has none."""
    item = row.item.title
    if row.item.number and not row.is_factor:
        item = f"{row.item.number}. {item}"
    lines = [(f"{item}: {row.gap_text if row.gap else 'no gap to target'}",)]
    lines += [_action_cells(act, row) for act in row.actions]
    if row.no_action_yet:
        lines.append(("No action yet", "", "", ""))
    return lines


def _action_cells(act, row) -> tuple[str, str, str, str]:
    title = act.title
    for e in getattr(act, "expected", []):
        if row is not None and e.item.pk == row.item.pk:
            title += f"\nExpected to reach level {e.level.value} {e.level.label}."
    if act.carried_from:
        title += f"\nCarried over from {act.carried_from.assessment.period}."
    owner = "; ".join(filter(None, [member_name(act), act.owner])) or "—"
    due = date_format(act.due, "j M Y") if act.due else "—"
    status = act.get_status_display() + (", overdue" if act.is_overdue else "")
    return title, owner, due, status


# --- the document ---------------------------------------------------------------------------------


def paper_filename(report: Report) -> str:
    return str(Path(report_filename(report)).with_suffix(".docx"))


def _docx_of(report: Report, blocks: list[Block]) -> Callable[[Path], None]:
    """Writes the paper, its charts drawn only when it must be made."""

    def write(out: Path) -> None:
        names = [b.name for b in blocks if isinstance(b, Chart)]
        # A round nobody has answered shows no chart: the browser is not asked for one.
        pngs = figures_to_png([report.figures[name] for name in names]) if names else []
        paper_docx(blocks, dict(zip(names, pngs, strict=True))).save(out)

    return write


def paper_document(
    report: Report, *, reader=None, read_at: datetime | None = None, outside: bool = False
) -> Document:
    """The board paper as `reader` may read it (None: as the place's own members do; `outside`:
    as readers from outside who may not open the round before it): two per round, cached apart,
    as the report PDF (reports.pdf.report_document)."""
    read_at = read_at or timezone.now()  # before the plan is read, as the report was
    sections = plan_sections.build(report, reader=reader, outside=outside)
    blocks = paper_blocks(report, sections)
    pk = report.assessment.pk
    content = [[type(b).__name__, asdict(b)] for b in blocks]
    return Document(
        kind=PdfKind.PAPER,
        key=round_document_key(report, sections),
        digest=document_digest({"paper": content}),
        filename=paper_filename(report),
        write=_docx_of(report, blocks),
        # Plain ids only: the task builds the paper again, as this person may read it.
        task=render_pdf,
        task_kwargs={"kind": PdfKind.PAPER, "assessment_id": pk, "user_id": reader and reader.pk},
        read_at=read_at,
    )
