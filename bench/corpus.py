"""Benchmark corpora: the example toolkit, and toolkits generated from it with many Latin-script languages.

Usage: python bench/corpus.py OUT [--languages 10] [--pages 26] [--services 90]
       python bench/corpus.py OUT --example          (a plain copy of the example toolkit)

A generated toolkit is the example's English (the source language), with:
- `pages` more free pages in English (~400-500 words each, plain Markdown), after the example's four;
- `services` more services in content/services.yml (phones in the fictional 555-01xx range, web and
  e-mail addresses under .example), their English texts, and some of them in the referral pathways;
- every other language (`languages` in all, English included) added the way a community adds one:
  `new-locale`'s locales/<tag>.yml (name, direction, print fonts), then content/<tag>/ and the interface
  strings filled with the English text, each file marked as such in a comment, and the translation records
  (content/<tag>/translated-from.yml) written by carepath's `status --mark-current <tag> all`.

The example's Spanish, Arabic and Swahili are dropped from generated toolkits, so that every language of one
costs the same (all Latin script, all printed with the source language's fonts). A generated toolkit passes
`python build.py check` with no error: it is a performance corpus, so its "translations" are English.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("content", "locales", "templates", "print", "mkdocs.yml")
SOURCE_TAG = "en"
DROPPED = ("es", "ar", "sw")  # the example's own translations, left out of generated toolkits
# Real BCP 47 tags of Latin-script languages Material for MkDocs has interface strings for, in the order they
# are added: a 10-language toolkit is English and the first nine.
LATIN_TAGS = ("fr", "de", "pt", "it", "nl", "pl", "tr", "id", "vi", "sv",
              "da", "fi", "ro", "cs", "hu", "hr", "sk", "sl", "et", "lv", "lt", "ca", "eu", "gl")
# lunr.js stemmers (static-i18n's list): a generated language searches with its own where one exists.
LUNR = frozenset("da de du es fi fr hu it nl no pt ro ru sv tr vi".split())
EXAMPLE_PAGES = ("how-to-use", "self-care", "about")
SEED = 13  # issue 13: the corpus is the same on every machine
MARK = "Benchmark corpus: the English text, standing in for a {name} translation."

PAGE_TITLES = (
    "Talking with a friend who seems low", "Supporting young people at school", "Neighbors who live alone",
    "Grief and loss", "Stress at work", "Sleep and rest", "Alcohol, drugs and worry",
    "After a frightening event", "Welcoming new arrivals", "Money worries", "Caring for a family member",
    "Asking about suicide", "Parents and new babies", "Bullying and online harm", "Men and asking for help",
    "Faith communities and support", "Running a support circle", "Listening well",
    "Calming down in hard moments", "When someone says no to help", "Privacy and consent",
    "Working with interpreters", "After a hospital stay", "Long illness and mood", "Safety at home",
    "After a flood or a fire", "Handing over to a service", "Helping at community events",
    "Students away from home", "Farm and rural life", "Shift workers and carers",
)
HEADINGS = (
    "What you might notice", "How to start the conversation", "What helps", "What to avoid",
    "Who can help", "Looking after yourself too", "Questions people often ask", "If things get worse",
    "Small steps that matter", "Keeping in touch", "When to get help the same day", "Things you could say",
)
SENTENCES = (
    "Most people who are going through a hard time do not ask for help straight away.",
    "A short, kind question can open the door to a longer conversation later.",
    "Choose a quiet moment and a place where the person can speak without being overheard.",
    "You do not need the right words: being calm and present matters more than what you say.",
    "Let the person tell their story in their own way and at their own pace.",
    "Try not to interrupt, correct or compare their experience with your own.",
    "Silence is fine. Give the person time to think before they answer.",
    "Ask what would help right now, rather than guessing or deciding for them.",
    "Offer practical help first if that is what the person needs most, such as food, rest or a phone call.",
    "Check that the person knows the crisis line number and how to reach it at night.",
    "Many changes in mood, sleep or appetite are normal after a loss or a shock.",
    "Pay attention when signs are strong, last more than two weeks or make daily life hard.",
    "Some people show distress through their body: headaches, stomach pain or tiredness.",
    "Young people may show it through anger, silence or changes in school work.",
    "Older adults may describe feeling tired or unwell rather than sad or worried.",
    "If the person speaks another language, offer an interpreter instead of asking a child to translate.",
    "Respect the person's choices, even when you would choose differently.",
    "Keep what you hear private, unless someone is in danger.",
    "If someone might be in danger, stay with them and call for help.",
    "Asking directly about suicide does not put the idea in someone's head; it can bring relief.",
    "Use plain words, and check that the person understood what you said.",
    "Write down the name and number of a service together, so that the person can call later.",
    "A follow-up message a few days later shows that you still care.",
    "It is fine to say that you do not know the answer and to find out together.",
    "People often feel better when they can get back to small routines, such as meals and walks.",
    "Friends, family and faith communities are often the first place people turn to.",
    "Helpers need support too: talk to someone you trust after a difficult conversation.",
    "Take breaks, eat well and sleep when you can, especially during long or busy weeks.",
    "Notice when you feel tense or worn out, and ask a colleague to take over for a while.",
    "Each service in this toolkit was checked on the date shown on its card.",
    "If a number does not work, tell the toolkit team so that it can be fixed for everyone.",
    "Hope is important: most people who get support do feel better with time.",
    "Do not promise things you cannot do, such as keeping a secret when someone is at risk.",
    "Some people prefer to talk while walking or doing something together.",
    "Children understand more than adults think; explain what is happening in simple words.",
    "Money, housing and work problems can make distress much worse, so ask about them too.",
    "Alcohol and drugs can make feelings stronger and decisions harder.",
    "After a frightening event, people may feel jumpy, numb or unable to sleep for a while.",
    "Grief has no timetable, and anniversaries can bring strong feelings back.",
    "Invite the person to bring someone they trust to an appointment.",
)
BULLETS = (
    "Listen more than you talk.", "Ask open questions, such as \"How have things been?\"",
    "Say what you have noticed, without judging.", "Offer a glass of water and a quiet place to sit.",
    "Agree on a next step before you leave.", "Share the crisis line number.",
    "Check in again after a few days.", "Respect a \"no\", and leave the door open.",
    "Do not leave someone alone if they are in danger.", "Keep notes short and store them safely.",
    "Help the person make the first call, if they want.", "Look after your own rest and support.",
)
NEIGHBORHOODS = ("Northside", "Eastbank", "Millbrook", "Hillcrest", "Lakeview", "Old Town", "Southgate",
                 "Westfield", "Riverbend", "Oakridge", "Maple Heights", "Harbor")
KINDS = (
    ("Counseling Service", "counseling", "Short-term counseling for stress, sadness, worry and family problems."),
    ("Family Support Center", "counseling", "Support for parents and carers, with groups, home visits and advice."),
    ("Youth Drop-in", "young-people", "A safe place for young people to talk, study and get advice."),
    ("Peer Support Group", "counseling", "Meetings led by people who have lived through hard times themselves."),
    ("Food and Housing Desk", "practical", "Help with food, rent, bills and forms, and referrals to shelters."),
    ("Older Adults Club", "older-adults", "Company, meals and activities for older adults, with a social worker."),
    ("Grief Support Circle", "counseling", "A group for people who have lost someone close to them."),
    ("Recovery Cafe", "counseling", "Support for people with alcohol or drug problems and their families."),
    ("Parenting Line", "young-people", "Advice by phone for parents of children and teenagers."),
    ("Legal Aid Clinic", "practical", "Free legal advice on housing, work, benefits and immigration."),
    ("Night Shelter", "practical", "Beds, meals and a listening ear for people who have nowhere to stay."),
    ("Health Outreach Team", "counseling", "Nurses and counselors who visit people at home or in the street."),
)
AREA_CODES = ("617", "508", "781", "978", "774", "339", "351", "857")
COSTS = ("free", "free", "low-cost", "sliding-scale", "paid")
DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
# On or before the example's latest verified date: the same freshness as the example's own services.
VERIFIED = ("2026-09-03", "2026-09-17", "2026-10-01", "2026-10-08", "2026-10-22", "2026-11-05", "2026-11-10")


def copy_example(target: Path, example: Path = ROOT) -> Path:
    """Copy the example toolkit's sources (content/, locales/, templates/, print/, mkdocs.yml) to `target`.

    `example`: the folder holding them (the repository, or a snapshot of it taken by the benchmark).
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = example / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def paragraph(rng: random.Random, count: int) -> str:
    """A paragraph of `count` sentences from the bank, wrapped as a writer would."""
    return textwrap.fill(" ".join(rng.sample(SENTENCES, count)), width=88)


def page_text(index: int, names: Sequence[str], rng: random.Random) -> tuple[str, str]:
    """Free page number `index` (its file name and its Markdown, 400-500 words) linking to generated and free pages."""
    title = PAGE_TITLES[index % len(PAGE_TITLES)] + ("" if index < len(PAGE_TITLES) else f" ({index + 1})")
    name = f"topic-{index + 1:02d}"
    other = names[(index + 1) % len(names)] if len(names) > 1 else "about"
    description = json.dumps(f"Notes for helpers on {title.lower()}.")
    parts = [f"---\ntitle: {json.dumps(title)}\ndescription: {description}\n---\n", paragraph(rng, 4)]
    headings = rng.sample(HEADINGS, 4)
    for number, heading in enumerate(headings):
        parts.append(f"## {heading}")
        parts.append(paragraph(rng, rng.randint(3, 5)))
        if number == 1:
            parts.append("\n".join(f"- {item}" for item in rng.sample(BULLETS, 5)))
        elif number == 2:
            parts.append("\n".join(f"{n}. {item}" for n, item in enumerate(rng.sample(BULLETS, 4), start=1)))
    closing = ("To go further, read [first support, step by step](first-support.md), check the "
               "[signs to look for](signs.md), find a service on the [local services](services.md) page, "
               f"or read [the next topic]({other}.md).")
    parts.append(textwrap.fill(closing, width=88))
    body = "\n\n".join(parts) + "\n"
    while len(body.split()) < 420:  # fill up to the target length with one more paragraph
        body += "\n" + paragraph(rng, 3) + "\n"
    return name, body


def _services_yaml(count: int, tags: Sequence[str], rng: random.Random) -> tuple[str, str, list[str]]:
    """`count` generated services: their facts (content/services.yml), English texts and ids."""
    facts, texts, ids = [], [], []
    spoken = [SOURCE_TAG, "es", "ar", *tags]
    for i in range(count):
        place = NEIGHBORHOODS[i % len(NEIGHBORHOODS)]
        kind, need, what = KINDS[(i // len(NEIGHBORHOODS) + i) % len(KINDS)]
        sid = re.sub(r"[^a-z0-9]+", "-", f"{place} {kind} {i + 1}".lower()).strip("-")
        host = sid.replace("-", "")[:40]
        area, line = AREA_CODES[i // 90 % len(AREA_CODES)], 100 + 10 + i % 90  # 555-0110 .. 555-0199
        lines = [f"  - id: {sid}", f"    needs: [{need}]", f"    phone: ({area}) 555-{line:04d}"]
        if i % 4 == 0:
            lines.append(f"    sms: ({area}) 555-{100 + (line + 1 - 100) % 100:04d}")
        lines.append(f"    url: https://{host}.riverside.example/")
        if i % 3 == 0:
            lines.append(f"    email: info@{host}.riverside.example")
        lines.append(f"    address: {10 + i * 7} {place} Road, Riverside")
        if i % 11 == 0:
            lines.append("    hours: 24/7")
        else:
            start = rng.choice(("08:00", "09:00", "10:00"))
            lines += ["    hours:",
                      f"      - {{days: [{', '.join(DAYS[:5])}], opens: \"{start}\", closes: \"17:00\"}}",
                      f"      - {{days: [{rng.choice(DAYS[5:])}], opens: \"10:00\", closes: \"13:00\"}}"]
        lines += [f"    languages: [{', '.join(rng.sample(spoken, min(len(spoken), 3)))}]",
                  f"    cost: {COSTS[i % len(COSTS)]}", f"    verified: \"{VERIFIED[i % len(VERIFIED)]}\""]
        facts.append("\n".join(lines))
        description = textwrap.indent(textwrap.fill(
            f"{what} {rng.choice(SENTENCES)} {rng.choice(SENTENCES)}", width=76), "      ")
        texts.append("\n".join([
            f"  {sid}:", f"    name: {place} {kind}", "    description: >-", description,
            f"    eligibility: Anyone who lives or works in {place} or elsewhere in Riverside.",
            f"    notes: {json.dumps('Call first if you can. ' + rng.choice(SENTENCES))}",
        ]))
        ids.append(sid)
    return "\n\n".join(facts) + "\n", "\n".join(texts) + "\n", ids


def _add_services(root: Path, count: int, tags: Sequence[str], rng: random.Random) -> None:
    """Append `count` services to content/services.yml and content/en/services.yml; name some in the pathways."""
    facts, texts, ids = _services_yaml(count, tags, rng)
    neutral = root / "content" / "services.yml"
    neutral.write_text(neutral.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + facts, encoding="utf-8")
    english = root / "content" / SOURCE_TAG / "services.yml"
    english.write_text(english.read_text(encoding="utf-8").rstrip("\n") + "\n" + texts, encoding="utf-8")
    # every tenth generated service in the referral questions: a long list there helps no reader
    pathways = root / "content" / "pathways.yml"
    text = pathways.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = yaml.safe_load(text)
    for item in data["pathways"]:
        if item["id"] == "needs-support-soon":
            item["services"] = [*item["services"], *ids[::10]]
    pathways.write_text(header + yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")


def _add_pages(root: Path, count: int, rng: random.Random) -> list[str]:
    """Write `count` English free pages after the example's and list them all in content/toolkit.yml."""
    names = [f"topic-{i + 1:02d}" for i in range(count)]
    folder = root / "content" / SOURCE_TAG / "pages"
    for index in range(count):
        name, text = page_text(index, names, rng)
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    toolkit = root / "content" / "toolkit.yml"
    order = [*EXAMPLE_PAGES, *names]
    text = re.sub(r"(?m)^pages:.*$", f"pages: [{', '.join(order)}]", toolkit.read_text(encoding="utf-8"))
    toolkit.write_text(text, encoding="utf-8")
    return order


def _drop_example_languages(root: Path) -> None:
    """Remove the example's translations (es, ar, sw): generated toolkits have Latin-script languages only."""
    for tag in DROPPED:
        shutil.rmtree(root / "content" / tag, ignore_errors=True)
        (root / "locales" / f"{tag}.yml").unlink(missing_ok=True)


def _marked(text: str, note: str) -> str:
    """A YAML file's text with a comment after its schema line saying it is English standing in."""
    lines = text.splitlines(keepends=True)
    at = 1 if lines and lines[0].startswith("# yaml-language-server") else 0
    return "".join([*lines[:at], f"# {note}\n", *lines[at:]])


def _fill_language(root: Path, tag: str) -> None:
    """Replace new-locale's commented files of `tag` with the English text, marked as such in a comment."""
    locale_file = root / "locales" / f"{tag}.yml"
    info = {k: v for k, v in yaml.safe_load(locale_file.read_text(encoding="utf-8")).items() if k != "ui"}
    note = MARK.format(name=info.get("english_name") or tag)
    if tag in LUNR:
        info["search_language"] = tag
    english_ui = yaml.safe_load((root / "locales" / f"{SOURCE_TAG}.yml").read_text(encoding="utf-8"))["ui"]
    locale_file.write_text(
        "# yaml-language-server: $schema=../carepath/schemas/locale.schema.json\n"
        f"# Made by `new-locale {tag}` (bench/corpus.py). {note}\n"
        + yaml.safe_dump(info, allow_unicode=True, sort_keys=False)
        + yaml.safe_dump({"ui": english_ui}, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8")
    english = root / "content" / SOURCE_TAG
    folder = root / "content" / tag
    for path in sorted(english.glob("*.yml")):
        (folder / path.name).write_text(_marked(path.read_text(encoding="utf-8"), note), encoding="utf-8")
    (folder / "pages").mkdir(exist_ok=True)
    for path in sorted((english / "pages").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        (folder / "pages" / path.name).write_text(text.replace("---\n", f"---\n# {note}\n", 1), encoding="utf-8")


def add_languages(root: Path, tags: Sequence[str]) -> None:
    """Add each language as `new-locale` does, fill it with the English text, and record it as translated."""
    if importlib.util.find_spec("carepath") is None:  # run as a script: the repository's carepath
        sys.path.insert(0, str(ROOT))
    from carepath.l10n.new_locale import create_locale
    from carepath.l10n.translation import mark_current
    from carepath.load import load_sources

    sources, _ = load_sources(root)
    for tag in tags:
        create_locale(sources, root, tag)  # new-locale's own code: name, direction and fonts from the tag
        _fill_language(root, tag)
    sources, _ = load_sources(root)  # the filled texts, read once for every language's records
    for tag in tags:
        mark_current(sources, root, tag, "all")  # `status --mark-current <tag> all`


def generate(target: Path, languages: int = 10, pages: int = 26, services: int = 90,
             tags: Sequence[str] | None = None, example: Path = ROOT) -> Path:
    """A toolkit at `target` (replaced if it exists) with `languages` languages in all, English included.

    `pages` and `services` are added to the example's four free pages and ten services. `tags` chooses
    the languages other than English (default: the first languages-1 of LATIN_TAGS); `example` the folder
    the example toolkit is copied from.
    """
    extra = list(tags) if tags is not None else list(LATIN_TAGS[:max(languages - 1, 0)])
    if len(extra) > len(LATIN_TAGS) or SOURCE_TAG in extra:
        raise ValueError(f"choose at most {len(LATIN_TAGS)} languages besides {SOURCE_TAG}")
    if target.exists():
        shutil.rmtree(target)
    copy_example(target, example)
    (target / "content/published.yml").unlink(missing_ok=True)  # a made-up toolkit was never published
    _drop_example_languages(target)
    rng = random.Random(SEED)
    _add_pages(target, pages, rng)
    _add_services(target, services, extra, rng)
    add_languages(target, extra)
    return target


def make_corpus(name: str, target: Path, example: Path = ROOT) -> Path:
    """One of the named corpora: 'example', 'lang<N>' (N languages, 30 pages, 100 services) or 'tiny'."""
    if name == "example":
        if target.exists():
            shutil.rmtree(target)
        return copy_example(target, example)
    if name == "tiny":  # a smoke-test corpus: English and French, the example's pages and services
        return generate(target, languages=2, pages=0, services=0, example=example)
    match = re.fullmatch(r"lang(\d+)", name)
    if not match:
        raise ValueError(f"unknown corpus {name!r}: example, tiny or lang<N> (e.g. lang10)")
    return generate(target, languages=int(match.group(1)), example=example)


def main(argv: Sequence[str] | None = None) -> int:
    """Write a corpus from the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write (replaced if it exists)")
    parser.add_argument("--example", action="store_true", help="copy the example toolkit as it is")
    parser.add_argument("--languages", type=int, default=10, help="languages in all, English included (10)")
    parser.add_argument("--pages", type=int, default=26, help="free pages added to the example's four (26)")
    parser.add_argument("--services", type=int, default=90, help="services added to the example's ten (90)")
    args = parser.parse_args(argv)
    if args.example:
        make_corpus("example", args.out)
    else:
        generate(args.out, args.languages, args.pages, args.services)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
