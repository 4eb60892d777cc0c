"""Every message carepath shows a toolkit writer, in one place so it can be translated later."""

from __future__ import annotations

from carepath.problems import Problem, Severity

E, W = Severity.ERROR, Severity.WARNING

# code -> (severity, what is wrong, how to fix it). Placeholders are filled by `problem`.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    "file.missing": (E, "this file is missing", "create it; copy the example toolkit's file of the same name as a start"),
    "file.encoding": (E, "this file is not UTF-8 text", "save the file with UTF-8 encoding in your editor"),
    "yaml.tab": (E, "a tab is used for indentation; YAML only allows spaces", "replace the tab at the start of this line with spaces"),
    "yaml.syntax": (E, "this is not valid YAML: {detail}", "check the indentation and the colons on this line and the one before it; put text that contains ': ' or starts with a special character in quotes"),
    "yaml.duplicate_key": (E, "'{key}' is written twice (first on line {first_line}); only one can be kept", "remove one of the two, or merge them"),
    "schema.unknown_key": (E, "'{key}' is not a field here", "{suggestion}"),
    "schema.missing_key": (E, "'{key}' is required here but missing", "add '{key}:' with a value"),
    "schema.wrong_type": (E, "'{key}' should be {expected}, not {actual}", "write {expected} here"),
    "schema.empty": (E, "'{key}' is empty", "write a value, or remove the line"),
    "schema.invalid": (E, "'{key}': {detail}", "{hint}"),
    "page.no_front_matter": (E, "this page has no front matter", "start the file with a '---' line, a 'title:' line and another '---' line"),
    "id.duplicate": (E, "the id '{id}' is used twice in this list (first on line {first_line})", "give each entry its own id"),
    "id.unknown_service": (E, "pathway '{pathway}' refers to a service '{id}' that does not exist", "use one of the ids in content/services.yml{suggestion}"),
    "id.unknown_text": (E, "'{id}' is not an id of content/{topic}.yml, so this text is never shown", "use an id from content/{topic}.yml{suggestion}, or add the id there"),
    "id.no_source_text": (E, "'{id}' has no text in the source language", "add '{id}:' with its text to {file}"),
    "locale.no_entry": (E, "content/{tag}/ has no locales/{tag}.yml, so this language is not built", "run `python build.py new-locale {tag}` or create locales/{tag}.yml"),
    "locale.no_content": (E, "locales/{tag}.yml has no content/{tag}/ folder", "create content/{tag}/ (it may start empty: every text falls back to the source language)"),
    "locale.no_source": (E, "the source language '{tag}' named in content/toolkit.yml has no locales/{tag}.yml or content/{tag}/", "set source_locale to a language that exists"),
    "phone.invalid": (E, "'{number}' is not a valid phone number for region {region}", "write the number as it is dialled in {region}, or with its country code (+...)"),
    "phone.unparsable": (E, "'{number}' cannot be read as a phone number: {detail}", "write only digits, spaces, brackets, dashes and a leading +"),
    "freshness.stale": (W, "service '{id}' was last verified on {date}, {days} days ago (the limit is {limit})", "check its details with the service and set 'verified:' to the date you did"),
    "freshness.future": (E, "the date {date} is in the future", "write the date it was really done (YYYY-MM-DD)"),
}


def problem(code: str, path: str, line: int, column: int, **values: object) -> Problem:
    """Build the problem `code` at a place, with its message and fix filled in."""
    severity, message, fix = MESSAGES[code]
    return Problem(
        path, line, column, severity, message.format(**values), fix.format(**values), code
    )
