"""Generated Hugo content for the benchmark: essays and case studies shaped like the sample.

Deterministic (a seeded random generator), so every run measures the same site. Essays have an
inset box, an opening, pullquotes, `#####` sections (a few still placeholders), emphasis, lists,
footnotes and links to case studies; case studies have partners, data sources, topics and
related essays, as the organization's real content does.
"""

import random
from pathlib import Path

import yaml

WORDS = (
    "data civil society organization partner county record agency program funding people "
    "community privacy consent analysis question result evidence system outcome report "
    "volunteer survey archive network method design trust stakeholder incentive power "
    "collaboration infrastructure sustainability lifecycle pilot handover source reality "
    "representation harm benefit decision policy council research linkage aggregate sample "
    "field interview measure indicator baseline change team budget grant foundation"
).split()
TOPICS = [
    "Criminal justice",
    "Data sharing",
    "Privacy",
    "Health",
    "Housing",
    "Education",
    "Environment",
    "Elections",
]
STAGES = ["scoping", "pilot", "running", "handed_over", "ended"]
SERIES = ["Data in civil society", "Working with partners", "Funding and sustainability"]


def sentence(rng, words=None):
    chosen = rng.choices(WORDS, k=words or rng.randint(8, 22))
    if rng.random() < 0.3:
        at = rng.randrange(len(chosen))
        chosen[at] = f"_{chosen[at]}_"
    return " ".join(chosen).capitalize() + "."


def paragraph(rng, sentences=None):
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(3, 6)))


def pullquote(text):
    """A pullquote repeating the last sentence of `text`, as the sample's does (a quote found
    nowhere in the text is an editorial finding, and slow to check)."""
    quoted = text.rsplit(". ", 1)[-1].replace("_", "")
    return f"{{{{<pullquote >}}}}\n{quoted}\n{{{{< /pullquote >}}}}\n"


def title(rng, words=5):
    return " ".join(rng.choices(WORDS, k=words)).capitalize()


def essay_slug(number):
    return f"bench-essay-{number:04d}"


def case_study_slug(number):
    return f"bench-case-{number:03d}"


def front_matter(fields):
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n"


def essay_text(rng, number, *, sections, case_studies):
    fields = {
        "title": f"{title(rng)} ({number})",
        "slug": essay_slug(number),
        "author": rng.choice(["Aman", "Robin", "Sasha", "Noor"]),
        "date": f"20{20 + number % 5}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        "draft": False,
        "series": SERIES[number % len(SERIES)],
        "weight": number,
        "summary": sentence(rng, 18),
        "tags": rng.sample(["data", "partners", "funding", "privacy", "method"], 2),
    }
    items = "\n".join(f"* {sentence(rng, 10)}" for _ in range(5))
    opening = paragraph(rng)
    parts = [
        front_matter(fields),
        f"{{{{% inset %}}}}\n{sentence(rng, 6)}\n{items}\n{{{{% /inset %}}}}\n",
        paragraph(rng),
        opening,
        pullquote(opening),
    ]
    for position in range(1, sections + 1):
        parts.append(f"##### {title(rng, 4)}\n")
        if position % 7 == 0:
            parts.append(f"Placeholder.\n{sentence(rng)}\n")
            continue
        linked = case_study_slug(rng.randrange(case_studies)) if case_studies else None
        parts.append(paragraph(rng))
        if linked:
            parts.append(
                f"One [case study we worked on](/portfolio/{linked}/) shows it. {paragraph(rng)}"
            )
        parts.append(f"{paragraph(rng)}[^{position}]\n\n[^{position}]: {sentence(rng, 12)}")
        if position % 4 == 0:
            parts.append("\n".join(f"1. {sentence(rng, 8)}" for _ in range(3)))
        closing = paragraph(rng)
        parts.append(closing)
        if position % 5 == 0:
            parts.append(pullquote(closing))
    return "\n\n".join(parts) + "\n"


def case_study_text(rng, number, *, essays):
    fields = {
        "title": f"{title(rng, 4)} ({number})",
        "slug": case_study_slug(number),
        "date": f"20{18 + number % 7}-{1 + number % 12:02d}-01",
        "draft": False,
        "summary": sentence(rng, 25),
        "stage": STAGES[number % len(STAGES)],
        "topics": rng.sample(TOPICS, 3),
        "partners": [
            {"organization": f"{title(rng, 2)} office", "role": sentence(rng, 5)}
            for _ in range(rng.randint(3, 7))
        ],
        "data_sources": [
            {
                "name": title(rng, 4),
                "owner": f"{title(rng, 2)} office",
                "description": sentence(rng, 14),
                "limitations": paragraph(rng, 2),
            }
            for _ in range(rng.randint(2, 5))
        ],
        "related_essays": [essay_slug(n) for n in rng.sample(range(1, essays + 1), min(2, essays))]
        if essays
        else [],
        "data_subjects": paragraph(rng, 2),
        "protections": paragraph(rng, 3),
        "results_used_by": paragraph(rng, 2),
        "funding_model": paragraph(rng, 2),
        "outcomes": paragraph(rng, 3),
    }
    body = "\n\n".join(
        f"## {title(rng, 3)}\n\n{paragraph(rng)}\n\n{paragraph(rng)}" for _ in range(3)
    )
    return front_matter(fields) + "\n" + body + "\n"


def write_site(outdir, *, essays, sections, case_studies, seed=7):
    """Write `essays` essays of `sections` sections each and `case_studies` case studies as Hugo
    files under outdir/essays and outdir/portfolio; returns outdir."""
    rng = random.Random(seed)
    outdir = Path(outdir)
    (outdir / "essays").mkdir(parents=True, exist_ok=True)
    (outdir / "portfolio").mkdir(parents=True, exist_ok=True)
    for number in range(1, essays + 1):
        text = essay_text(rng, number, sections=sections, case_studies=case_studies)
        (outdir / "essays" / f"{essay_slug(number)}.md").write_text(text, encoding="utf-8")
    for number in range(case_studies):
        text = case_study_text(rng, number, essays=essays)
        (outdir / "portfolio" / f"{case_study_slug(number)}.md").write_text(text, encoding="utf-8")
    return outdir
