"""The report as one self-contained HTML page (inline style, the chart embedded as a data URI)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from reports.build import clock
from reports.charts import delivery_chart_png, png_data_uri
from reports.paper import Paper
from reports.transcript import marked_text

__all__ = ["marked_html", "not_read_html", "render_html", "report_sections_html"]

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1d2433;max-width:980px;margin:24px auto;
padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde}
.meta{color:#667}.score{font-size:40px;font-weight:700}.pill{display:inline-block;padding:1px 8px;
border-radius:10px;background:#eef;margin-left:6px;font-size:12px}.human{background:#fde8c8}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:5px 6px;
text-align:left;vertical-align:top}blockquote{margin:4px 0 4px 12px;color:#334;font-style:italic}
.t{color:#667;font-size:12px;font-style:normal}.contra{color:#a33}.cand{background:#f7f9ff}
img{max-width:100%}.note{color:#667;font-size:13px}
mark.unsure{background:none;border-bottom:2px dotted #c80;color:inherit}
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}
tr,blockquote,li,img{break-inside:avoid}thead{display:table-header-group}}
"""
# Margins for a printed page; its size is the reader's paper (reports.paper).
_PAGE = {"a4": "@page{size:A4;margin:16mm 14mm}", "letter": "@page{size:letter;margin:0.6in}"}


_STATUS = {
    "not enough evidence": "Not enough evidence: the answers never showed this competency, so no "
    "rubric level describes the candidate.",
    "asked, not answered": "Asked, but not answered.",
    "not asked": "Not asked in this interview.",
}


_KIND = {"practice": "Practice interview", "exam": "Assessed interview"}
_NO_ANSWERS = "No answers were given, so there is nothing to go on here."
_NONE_WELL = "No answer gave a specific example to quote yet: say what you did and what came of it."
_NONE_TO_IMPROVE = "Nothing stood out to work on in the answers given."
_NO_PLAN = "No exercises this time: the answers gave nothing that needs practice."


def _listed(tag: str, items: list[str], empty: str) -> list[str]:
    """A list of HTML items, or a note saying why there are none (never an empty list)."""
    if not items:
        return [f"<p class=note>{empty}</p>"]
    return [f"<{tag}>", *(f"<li>{item}</li>" for item in items), f"</{tag}>"]


def _day(started_at: str) -> str:
    moment = datetime.fromisoformat(started_at)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored in UTC
    return moment.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def not_read_html(turn: dict[str, Any]) -> str:
    """A note under a report transcript entry for each stretch of it heard in another language,
    and each sentence not made out, left out of what was read (HTML, escaped)."""
    return "".join(
        f"<br><span class=note>Heard in another language ({escape(o['language'])}), not read as "
        f"evidence: &ldquo;{escape(o['words'])}&rdquo;</span>"
        for o in turn.get("other_language") or []
    ) + "".join(
        "<br><span class=note>Not made out by the transcription, not read as evidence: "
        f"&ldquo;{escape(sentence)}&rdquo;</span>"
        for sentence in turn.get("not_made_out") or []
    )


def marked_html(text: str, unsure: list[dict[str, Any]]) -> str:
    """A turn's text as HTML (escaped), the words in ``unsure`` wrapped in ``<mark class=unsure>``.

    ``unsure`` is a report transcript entry's list (:func:`reports.transcript.unsure_words`).
    """
    return "".join(
        escape(piece)
        if p is None
        else f'<mark class=unsure title="the recogniser was unsure of this word (p={p:.2f})">'
        f"{escape(piece)}</mark>"
        for piece, p in marked_text(text, unsure)
    )


def _quote(e: dict[str, Any]) -> str:
    cls = ' class="contra"' if e["stance"] == "contradicts" else ""
    passing = (
        f" · said answering another question ({escape(str(e['question_id']))})"
        if e.get("in_passing")
        else ""
    )
    return (
        f"<blockquote{cls}>“{escape(e['quote'])}” <span class=t>{clock(e['start_s'])}&ndash;"
        f"{clock(e['end_s'])}, turn {e['turn']} · {escape(e['signal'])}{passing}</span>"
        "</blockquote>"
    )


# Why a competency's score is marked for review: the judge's opinion far from the rules', or
# part of an answer left out as another language or as not made out (``reports.build``).
_TO_CHECK = ("A person checks this score before it is used: part of the answers was heard in "
             "another language or could not be made out and was left out, or the second "
             "opinion differed.")  # fmt: skip


def _competencies(report: dict[str, Any]) -> list[str]:
    out = ["<h2>Competencies</h2>"]
    for c in report["competencies"]:
        human = c.get("human_score")
        pill = f'<span class="pill human">recruiter: {_fmt(human)}</span>' if human else ""
        score = f"{_fmt(c['score'])} / 5" if c["score"] is not None else "not scored"
        out.append(f"<h3>{escape(c['name'])} <span class=pill>{score}</span>{pill}</h3>")
        if c.get("anchor"):
            level = round(c["score"])  # the anchor says what the level means, not what was said
            out.append(f"<div class=note>Level {level} on this role's rubric means: "
                       f"{escape(c['anchor'])}</div>")  # fmt: skip
        elif c["status"] != "assessed":
            out.append(f"<div class=note>{escape(_STATUS[c['status']])}</div>")
        if c.get("needs_review"):
            out.append(f"<div class=note>{_TO_CHECK}</div>")
        merged: list[dict[str, Any]] = []
        for e in c["evidence"]:  # one line per quoted sentence, with all it shows
            last = merged[-1] if merged else None
            if last and last["quote"] == e["quote"] and last["stance"] == e["stance"]:
                last["signal"] += f", {e['signal']}"
            else:
                merged.append(dict(e))
        out += [_quote(e) for e in merged[:6]]
    return out


def _answered(report: dict[str, Any]) -> int:
    return int(report.get("coverage", {}).get("questions_answered", 1))


def _summary(report: dict[str, Any]) -> list[str]:
    summary, answered = report["summary"], _answered(report)
    went_well = [
        f"{escape(w['text'])} — at {w['at']}: “{escape(w['quote'])}”" for w in summary["went_well"]
    ]
    to_improve = [
        f"{escape(i['text'])} <span class=t>(at {i['at']})</span>" for i in summary["improvements"]
    ]
    return [
        "<h2>Summary</h2><h3>What went well</h3>",
        *_listed("ul", went_well, _NONE_WELL if answered else _NO_ANSWERS),
        "<h3>What to work on</h3>",
        *_listed("ol", to_improve, _NONE_TO_IMPROVE if answered else _NO_ANSWERS),
    ]


def _questions(report: dict[str, Any]) -> list[str]:
    out = ["<h2>Questions</h2><table><thead><tr><th>Question</th><th>Rating</th><th>Why</th>"
           "</tr></thead>"]  # fmt: skip
    for q in report["questions"]:
        why = "<br>".join(escape(r or "") for r in q["rationale"])
        rating = _fmt(q["rating"]) if q["status"] == "answered" else escape(q["status"])
        out.append(f"<tr><td>{escape(q['text'])}</td><td>{rating}</td><td>{why}</td></tr>")
    return [*out, "</table>"]


def _looking(delivery: dict[str, Any]) -> str:
    why = (delivery.get("not_measured") or {}).get("looking_at_screen")
    return escape(why) if why else _fmt(delivery["looking_at_screen"])


def _delivery(report: dict[str, Any]) -> list[str]:
    delivery = report["delivery"]
    out = [
        "<h2>Delivery</h2>",
        f"<p>Pace {_fmt(delivery['words_per_minute'])} words per minute"
        " (comfortable: 120&ndash;160) ·"
        f" fillers {_fmt(delivery['fillers_per_100_words'])} per 100 words (noticed above 1.3) ·"
        f" {delivery['pauses_over_2s']} pauses over 2 s · looking at the screen"
        f" {_looking(delivery)}</p>",
    ]
    if delivery["answers"]:
        chart = png_data_uri(delivery_chart_png(delivery["answers"]))
        out.append(f'<img alt="Delivery per answer" src="{chart}">')
    return [*out, f"<p class=note>{escape(delivery['note'])}</p>"]


def _plan(report: dict[str, Any]) -> list[str]:
    plan = [f"<b>{escape(p['focus'])}</b> {escape(p['exercise'])}" for p in report["practice_plan"]]
    return ["<h2>Practice plan</h2>",
            *_listed("ol", plan, _NO_PLAN if _answered(report) else _NO_ANSWERS)]  # fmt: skip


_SIGNAL_TEXT = {
    "paste": "pasted {chars} characters at once",
    "tab-hidden": "left the interview's tab",
    "tab-shown": "came back to the tab",
    "inactivity": "no typing or speaking for {seconds} s",
}


def _signal(s: dict[str, Any]) -> str:
    text = _SIGNAL_TEXT.get(str(s.get("signal")), str(s.get("signal")))
    return text.format(chars=s.get("chars", "?"), seconds=s.get("seconds", "?"))


def _coding(section: list[dict[str, Any]]) -> list[str]:
    """The report's "Coding" part as HTML pieces (nothing when no code was written)."""
    if not section:
        return []
    out = ["<h2>Coding</h2>"]
    for q in section:
        growth = q["growth"]
        grew = "not measured"
        if growth and growth.get("exponent") is not None:
            verdict = "as expected" if growth.get("as_expected") else "slower than expected"
            grew = (f"n<sup>{growth['exponent']}</sup> ({verdict}: {escape(growth['complexity'])}"
                    f" is about n<sup>{growth['expected']}</sup>)")  # fmt: skip
        hidden = ("not submitted" if q["hidden_total"] is None
                  else f"{q['hidden_passed']} of {q['hidden_total']} passed")  # fmt: skip
        first = ("never" if q["first_pass_after_s"] is None
                 else f"{clock(q['first_pass_after_s'])} after the first code")  # fmt: skip
        lint = q["lint_findings"]
        if lint is None:
            lint = "the linter did not run" if q.get("lint_failed") else "not linted"
        hints = "not recorded" if q["hints"] is None else q["hints"]
        rows = [("Hidden tests (best submit)", hidden), ("Running time grew as", grew),
                ("Runs of the examples", q["runs"]), ("Submits", q["submits"]),
                ("Every hidden test passed", first), ("Linter findings (last code run)", lint),
                ("Hints given", hints)]  # fmt: skip
        out.append(f"<h3>{escape(q['title'])}</h3><table>")
        out += [f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows]
        out.append("</table>")
        if q["signals"]:
            out.append("<p>Signals for a person to review (not a verdict):</p><ul>")
            out += [f"<li>{clock(s['at_s'])} {escape(_signal(s))}</li>" for s in q["signals"]]
            out.append("</ul>")
        final = q["final"]
        if final is not None:
            result = f"{final['passed']} of {final['total']} passed"
            if final["stopped"]:
                result += f", stopped ({escape(str(final['stopped']))})"
            out.append(f"<p>Last code run ({escape(str(final['kind']))}, "
                       f"{escape(str(final['language']))}, {clock(final['at_s'])}): {result}</p>"
                       f"<pre>{escape(final['code'] or '')}</pre>")  # fmt: skip
        if q["snapshots"]:
            out.append(f"<details><summary>Replay: {len(q['snapshots'])} snapshots of the code"
                       "</summary>")  # fmt: skip
            for s in q["snapshots"]:
                out.append(f"<p class=t>{clock(s['at_s'])} ({escape(str(s['language']))})</p>"
                           f"<pre>{escape(s['code'] or '')}</pre>")  # fmt: skip
            out.append("</details>")
    return out


def report_sections_html(report: dict[str, Any]) -> str:
    """The report's summary, questions, delivery (with its chart) and practice plan as an HTML
    fragment, for a page that shows the scores, evidence and transcript itself (the dashboard's
    session page). Call it with :data:`reports.charts` drawing serialised, as for
    :func:`render_html`."""
    return "\n".join([*_summary(report), *_questions(report), *_delivery(report),
                      *_coding(report.get("coding") or []), *_plan(report)])  # fmt: skip


def render_html(
    report: dict[str, Any], paper: Paper | None = None, *, for_candidate: bool = False
) -> str:
    """The page for ``report`` (the data from :func:`reports.build.build_report`), for the
    candidate named in it; printed on ``paper`` (A4 or US Letter) when given, else on whatever
    the browser that prints it uses. ``for_candidate``: without the recruiters' own review
    (their scores and notes), which is theirs."""
    if for_candidate:
        competencies = [{**c, "human_score": None} for c in report["competencies"]]
        report = {**report, "review": {"notes": [], "human_scores": []},
                  "competencies": competencies}  # fmt: skip
    role = report["role"]
    name = report.get("candidate_name")
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Interview report: {escape(role['title'])}</title>",
        f"<style>{_STYLE}{_PAGE[paper] if paper else ''}</style></head><body>",
        f"<h1>{escape(role['title'])}</h1>",
        f"<div class=meta>{f'For <bdi>{escape(name)}</bdi> · ' if name else ''}"
        f"{_KIND.get(str(report.get('mode')), 'Interview')} · "
        f"{escape(_day(report['started_at']))}</div>",
        f"<p><span class=score>{_fmt(report['overall'])}</span> / 5 overall"
        " <span class=note>(every score cites the candidate's own words)</span></p>",
        f"<p class=note>{escape(report['overall_note'])}</p>" if report.get("overall_note") else "",
        *_summary(report),
        *_competencies(report),
        *_questions(report),
        *_delivery(report),
        *_coding(report.get("coding") or []),
        *_plan(report),
    ]
    if report["review"]["notes"] or report["review"]["human_scores"]:
        parts.append("<h2>Recruiter review</h2><ul>")
        for s in report["review"]["human_scores"]:
            parts.append(
                f"<li>{escape(str(s['recruiter']))}, {escape(s['at'][:10])}: "
                f"{escape(str(s['label']))} {_fmt(s['value'])}</li>"
            )
        for n in report["review"]["notes"]:
            parts.append(
                f"<li>{escape(str(n['recruiter']))}, {escape(n['at'][:10])}: "
                f"{escape(n['text'])}</li>"
            )
        parts.append("</ul>")
    parts.append("<h2>Transcript</h2>")
    if any(t.get("unsure") for t in report["transcript"]):
        parts.append(
            "<p class=note>Words underlined dotted are ones the speech recogniser was unsure of;"
            " they carry no score on their own. Check them against the recording.</p>"
        )
    parts.append("<table>")
    for t in report["transcript"]:
        cls = " class=cand" if t["speaker"] == "candidate" else ""
        parts.append(
            f"<tr{cls}><td class=t>{clock(t['start_s'])}</td><td>{escape(t['speaker'])}"
            f"</td><td>{marked_html(t['text'], t.get('unsure', []))}{not_read_html(t)}</td></tr>"
        )
    # A reference to quote to the recruiter or support; the ids inside stay out of the text.
    parts.append(f"</table><p class=note>Reference {escape(report['session_id'][:8])}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
