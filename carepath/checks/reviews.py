"""Reviews check: what toolkit.yml says a release needs reviewed is reviewed, on its current text, and not overdue.

The records are content/<tag>/reviewed.yml (`carepath review`, carepath.l10n.review). Between releases only a
review falling due soon is said; a release refuses a missing, changed or overdue one, naming each unit.
"""

from __future__ import annotations

import datetime as dt

from carepath.checks.base import Run, as_dict, as_list, source_tag
from carepath.l10n.review import DUE_SOON_DAYS, ROLES, SOURCE_ROLES, review_status
from carepath.load import REVIEWS_FILE, Sources
from carepath.messages import problem
from carepath.problems import Problem


def check_reviews(sources: Sources, run: Run) -> list[Problem]:
    """Every required review is there, current and within review_every days."""
    toolkit, tag = sources.neutral.get("toolkit"), source_tag(sources)
    if toolkit is None or tag is None or tag not in sources.locales or (toolkit.path, ("reviews",)) in run.failed:
        return []
    facts = as_dict(toolkit.data)
    required = {role: [f for f in as_list(as_dict(facts.get("reviews")).get(role)) if isinstance(f, str)]
                for role in ROLES}
    every = facts.get("review_every")
    every = every if isinstance(every, int) and not isinstance(every, bool) and every > 0 else None
    problems: list[Problem] = []
    for language in sorted(sources.locales):
        status = review_status(sources, language, tag)
        due: dict[tuple[str, str], list[tuple[dt.date, str, int]]] = {}  # (role, file) -> (date due, unit, line)
        for review in status.reviews:
            if review.unit.file not in required[review.role]:
                continue
            where = (f"content/{language}/{review.unit.file}", review.unit.line, 1)
            who = review.role if review.role in SOURCE_ROLES else f"{review.role} ({language})"
            if review.state == "missing" and run.release:
                problems.append(problem("review.missing", *where, unit=review.unit.ref, role=who, tag=language))
            elif review.state == "changed" and run.release:
                problems.append(problem("review.changed", *where, unit=review.unit.ref, role=who, tag=language,
                                        date=str(review.date), records=f"content/{language}/{REVIEWS_FILE}"))
            elif review.state == "reviewed" and every and review.date is not None:
                when = review.date + dt.timedelta(days=every)
                if when < run.today + dt.timedelta(days=DUE_SOON_DAYS):
                    due.setdefault((review.role, review.unit.file), []).append(
                        (when, review.unit.ref, review.unit.line))
        # a review falls due for a whole file at once: one message per file, naming its pieces
        for (role, file), items in sorted(due.items()):
            items.sort(key=lambda item: item[2])  # in the order of the file
            when, line = min(item[0] for item in items), items[0][2]
            who = role if role in SOURCE_ROLES else f"{role} ({language})"
            names = ", ".join(ref.split(":", 1)[1] or ref for _, ref, _ in items[:4])
            more = f" and {len(items) - 4} more" if len(items) > 4 else ""
            code = "review.overdue" if when < run.today and run.release else "review.due_soon"
            problems.append(problem(code, f"content/{language}/{file}", line, 1, file=file, role=who, tag=language,
                                    due=when.isoformat(), units=f"{names}{more}"))
    return problems
