"""Every message carepath shows a toolkit writer, in one place so it can be translated later."""

from __future__ import annotations

from carepath.problems import Problem, Severity

E, W = Severity.ERROR, Severity.WARNING

# code -> (severity, what is wrong, how to fix it). Placeholders are filled by `problem`.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    # files and YAML
    "file.missing": (E, "this file is missing", "create it; copy the example toolkit's file of the same name as a start"),
    "file.encoding": (E, "this file is not UTF-8 text", "save the file with UTF-8 encoding in your editor"),
    "yaml.tab": (E, "a tab is used for indentation; YAML only allows spaces", "replace the tab at the start of this line with spaces"),
    "yaml.syntax": (E, "this is not valid YAML: {detail}", "check the indentation and the colons on this line and the one before it; put text that contains ': ' or starts with a special character in quotes"),
    "yaml.duplicate_key": (E, "'{key}' is written twice (first on line {first_line}); only one can be kept", "remove one of the two, or merge them"),
    "yaml.tag": (E, "'{tag}' is a special YAML tag; toolkit files may only hold text, numbers, true/false, lists and fields", "remove '{tag}' and write the value as plain text"),
    "yaml.bad_value": (E, "'{value}' cannot be read as {tag}", "remove '{tag}' and write the value as plain text"),
    "yaml.too_big": (E, "this file grows to more than {limit} keys and values when its '&' anchors and '*' aliases are repeated", "write the values out instead of repeating them with & and *"),
    "yaml.too_deep": (E, "this is nested more than {limit} levels deep (fields inside fields, lists inside lists), more than a toolkit file needs", "use fewer levels of indentation, lists inside lists or brackets inside brackets"),
    # site settings (mkdocs.yml) and what the website may publish
    "unsafe.print": (E, "this PDF asked for {url}, which it may not load ({reason}); nothing was printed", "remove what refers to it (an image, a style or a link in a page or in print/); if `check` did not name it, please report this as a carepath bug"),
    "unsafe.page": (E, "this page would hold {detail}; it was not published", "remove it from the text the page is made from; if `check` did not name it, please report this as a carepath bug"),
    "unsafe.template": (E, "a template reached for Python's internals, which templates may not use ({detail}); nothing was written", "remove that expression from your override in templates/ or print/templates/: templates see the toolkit's data, not the program"),
    # the crisis contact and the needs of the services page
    "crisis.unknown": (E, "'{id}' is not a service of content/services.yml", "use the id of a service in content/services.yml{suggestion}"),
    "crisis.no_phone": (E, "the crisis contact '{id}' has no phone number, so the banner and every card would have no number to call", "add its phone: to content/services.yml, or name a service that has one"),
    "crisis.not_always": (W, "the crisis contact '{id}' is not open day and night (its hours are not '24/7'), but it is offered on every page as the number to call in a crisis", "name a service that answers 24/7, or make sure its hours say when it answers"),
    "crisis.no_address": (E, "the walk-in crisis service '{id}' has no address, so the pocket cards cannot say where to go", "add its address: to content/services.yml, or remove walk_in:"),
    "needs.unknown": (E, "'{need}' is not one of the needs listed in content/toolkit.yml ({choices})", "use one of those{suggestion}, or add '{need}' to needs: in content/toolkit.yml"),
    "needs.no_label": (E, "the need '{need}' has no label in {file}, so the services page cannot name its group", "add 'needs.{need}: ...' under ui: in {file}"),
    "fonts.missing": (E, "the font '{family}' is not installed, so this language's handouts cannot be printed", "{hint}"),
    "fonts.unreadable": (E, "this font file cannot be read ({detail}), so no handout can print with it", "replace it with the font's .ttf or .otf file as its maker publishes it (check that it is not empty and was not saved as a web page), or remove it"),
    "fonts.bad_name": (E, "'{family}' is not a font family name carepath can print with: a name may hold only letters, digits, spaces, '-' and '.'", "write the family's name as the font names itself, e.g. Noto Sans"),
    "settings.not_mapping": (E, "mkdocs.yml should hold settings as 'name: value' lines", "start from the example toolkit's mkdocs.yml"),
    "settings.refused": (E, "the setting '{key}' is not allowed: {why}", "remove '{key}' (allowed here: {allowed})"),
    "settings.theme": (E, "the theme '{name}' is not supported: carepath's pages, banner and checks are made for Material for MkDocs", "write 'name: material' under theme:"),
    "settings.plugin": (E, "the MkDocs plugin '{name}' is not allowed: a plugin runs code during the build and can change every page", "remove it; only 'search' is allowed (carepath adds the languages itself)"),
    "settings.extension": (E, "the Markdown extension '{name}' is not allowed: {why}", "remove it; allowed extensions: {allowed}"),
    "settings.extension_option": (E, "the option '{option}' of the Markdown extension '{name}' is not allowed", "remove it (allowed options: {allowed})"),
    "settings.option_value": (E, "the option '{option}' of '{name}' is {value!r}, but it takes {expected}", "write {expected} after '{option}:', or remove the line"),
    "settings.plugin_option": (E, "the option '{option}' of the plugin '{name}' is not one carepath passes on", "remove it (allowed options: {allowed}); carepath sets each language's search itself"),
    "settings.not_bool": (E, "'{key}' is {value!r}, but it takes true or false", "write '{key}: true' or '{key}: false'"),
    "settings.site_url": (E, "site_url '{url}' is not a plain web address: it goes into every QR code and printed address", "write the address the site is published at, such as https://toolkit.example.org/ (letters, digits and / . - _ ~ only)"),
    "settings.feature": (E, "'{name}' is not a feature of Material for MkDocs, so it would do nothing", "remove it, or correct its name{suggestion} (the features are listed in Material's documentation, 'Setting up navigation' and 'Setting up site search')"),
    "settings.extra_file": (E, "'{name}' cannot be copied into the site: {why}", "list a file of the toolkit's folder such as CNAME, robots.txt or .well-known/security.txt, or remove this line"),
    "settings.not_list": (E, "'{key}' should be a list, one entry a line starting with '- '", "write each entry on its own line starting with '- ', as the example toolkit's mkdocs.yml does"),
    "settings.python_tag": (E, "'{tag}' is a special YAML tag; toolkit files may only hold text, numbers, true/false, lists and fields: this one would make MkDocs import and run the Python code {target}, and carepath never runs code named in mkdocs.yml", "remove '{tag}' and write the value as plain text, or remove the setting it belongs to"),
    "settings.env_tag": (E, "'!ENV' is a special YAML tag; toolkit files may only hold text, numbers, true/false, lists and fields: this one would read the environment variable {name}, where CI keeps its tokens and other secrets, and could publish it", "remove '!ENV' and write the value itself as plain text"),
    "settings.tag": (E, "'{tag}' is a special YAML tag; toolkit files may only hold text, numbers, true/false, lists and fields", "remove '{tag}' and write the value as plain text"),
    "settings.palette": (E, "the colour '{value}' of theme.palette.{key} is not a colour name Material knows", "write one colour name such as indigo, teal or deep purple (Material's palette names; one light scheme, no toggle list)"),
    "settings.exit_url": (E, "the quick exit address '{url}' is not a web address (http:// or https://)", "write the address of a neutral web page, such as https://weather.example/, or remove the line"),
    "settings.colour": (E, "the colour '{value}' of extra.carepath_colour is not written as #rrggbb", "write the community's colour as a # and six hexadecimal digits, such as #1f5f5b, or remove the line for carepath's own"),
    "settings.colour_contrast": (E, "white text on the colour '{value}' of extra.carepath_colour has a contrast of {ratio}:1, under the 4.5:1 that WCAG AA needs: the header, links and buttons would be hard to read", "choose a darker shade, such as {suggestion}"),
    "html.attribute": (E, "the HTML attribute '{attr}' is not allowed on <{tag}> and is removed from the page", "remove {attr}=\"...\"{hint}"),
    "html.class": (E, "the class '{name}' is not one a toolkit may use and is removed from the page", "remove it; classes allowed: admonition kinds (note, warning, tip, danger...) and carepath's own (cp-...)"),
    "html.reserved_id": (E, "the id '{id}' is reserved for the theme and carepath, and is removed from the page", "choose another id (not starting with '__', 'md-' or 'cp-'), or reword the heading"),
    # the published JSON Schemas
    "schema.unknown_key": (E, "'{key}' is not a field here", "{suggestion}"),
    "schema.missing_key": (E, "'{key}' is required here but missing", "add '{key}:' with a value"),
    "schema.wrong_type": (E, "'{key}' should be {expected}, not {actual}", "write {expected} here"),
    "schema.empty": (E, "'{key}' is empty", "write a value, or remove the line"),
    "schema.invalid": (E, "'{key}': {detail}", "{hint}"),
    # pages
    "page.no_front_matter": (E, "this page has no front matter", "start the file with a '---' line, a 'title:' line and another '---' line"),
    "page.unknown_in_order": (E, "'{name}' is listed in 'pages:' but there is no page content/{tag}/pages/{name}.md", "create that page, or remove '{name}' from the list{suggestion}"),
    "page.no_source": (W, "this page has no original in the source language (content/{tag}/pages/{name}.md), so it is never published", "create content/{tag}/pages/{name}.md, or give this file the name of the page it translates{suggestion}"),
    # ids
    "id.duplicate": (E, "the id '{id}' is used twice in this list (first on line {first_line})", "give each entry its own id"),
    "id.unknown_service": (E, "pathway '{pathway}' refers to a service '{id}' that does not exist", "use one of the ids in content/services.yml{suggestion}"),
    "id.unknown_text": (E, "'{id}' is not an id of content/{topic}.yml, so this text is never shown", "{suggestion}delete this entry if its {topic_one} was removed (a text for another id would describe something else), or add '{id}' to content/{topic}.yml"),
    "text.indented_top": (E, "'{key}' is indented as if it belonged to a group above it, but nothing above it is open, so it is read as a field of the whole file", "uncomment the lines above it that it belongs to (such as '{hint}'), keeping their indentation, or remove the indentation if it really is a field of the whole file"),
    "id.no_source_text": (E, "'{id}' has no text in the source language", "add '{id}:' with its text to {file}"),
    # languages
    "locale.no_entry": (E, "content/{tag}/ has no locales/{tag}.yml, so this language is not built", "run `python build.py new-locale {tag}`, or create locales/{tag}.yml (copy locales/es.yml and translate it)"),
    "locale.no_content": (E, "locales/{tag}.yml has no content/{tag}/ folder", "create content/{tag}/ (it may start empty: every text falls back to the source language)"),
    "locale.no_source": (E, "the source language '{tag}' named in content/toolkit.yml has no locales/{tag}.yml or content/{tag}/", "set source_locale to a language that exists"),
    "locale.bad_tag": (E, "'{tag}' is not a valid language tag (BCP 47)", "{suggestion}"),
    # contacts
    "region.unknown": (E, "'{region}' is not a country or region whose phone numbers can be read", "write the two-letter country code (ISO 3166-1), e.g. US, GB, KE or IN"),
    "phone.not_digits": (E, "the phone number '{number}' has '{char}' at character {position}: a phone number may hold only what people dial (digits, spaces, + ( ) - . and an extension such as 'ext. 12')", "write the number in digits (0 for the letter O, 1 for I or l); letters would be read as a phone keypad and print a different number on every card"),
    "phone.invalid": (E, "'{number}' is not a valid phone number for region {region}", "write the number as it is dialled in {region}, or with its country code (+...)"),
    "phone.unparsable": (E, "'{number}' cannot be read as a phone number: {detail}", "write only digits, spaces, brackets, dashes and a leading +"),
    "tel.not_e164": (E, "the phone link '{href}' is not in international form (E.164), so some phones cannot dial it", "write it as {e164}"),
    "url.confusable": (E, "'{address}' has a name that mixes {scripts} letters ('{label}'): it looks like another site, the way fake sites are made to look like real ones", "type the address again from the service's own letters or website; if the name really is written this way, add '{host}' to intended_hosts: in content/toolkit.yml"),
    "url.malformed": (E, "'{url}' is not a valid web address: {reason}", "write the address as your browser shows it, starting with https://, e.g. https://www.example.org/help"),
    "url.http": (W, "'{url}' starts with http://, which is not encrypted: what readers see and send can be read or changed on the way", "write '{https}' if the site opens with https:// (almost every site does)"),
    "url.scheme": (E, "'{url}' is not a web, e-mail or phone address ('{scheme}:' links are not allowed)", "link to a web page with https://..., an e-mail address with mailto:... or a phone number with tel:+..."),
    "email.invalid": (E, "'{email}' is not a valid e-mail address: {detail}", "check the address letter by letter; it has the form name@organisation.org"),
    # freshness and release
    "freshness.stale": (W, "service '{id}' was last verified on {date}, {days} days ago (the limit is {limit})", "check its details with the service and set 'verified:' to the date you did"),
    "freshness.stale_release": (E, "service '{id}' was last verified on {date}, {days} days ago (the limit is {limit}); a release may not publish details this old", "check its details with the service and set 'verified:' to the date you did"),
    "freshness.future": (E, "the date {date} is in the future", "write the date it was really done (YYYY-MM-DD)"),
    "release.example_contact": (E, "'{value}' is example data: {why}; a release may not publish it", "replace it with the service's real {kind}, checked with the service"),
    "release.site_url": (E, "site_url '{url}' is an example address that never exists: every QR code and printed address would lead nowhere", "set site_url to the address your site is published at"),
    "release.example_page": (E, "the page '{name}' describes the example community ('example: true' in the source language's page); a release may not publish it", "rewrite the page for your community in every language and remove 'example: true', or delete it and remove it from pages: in content/toolkit.yml"),
    "release.example": (E, "this toolkit is still marked as example data ('example: true'); a release may not publish example data", "replace the example services, numbers and texts with your community's own, then set 'example: false'"),
    # links, images and paths in Markdown and in texts
    "link.no_page": (E, "the link '{href}' leads nowhere: there is no page '{name}.md'", "link to one of: {choices}{suggestion}"),
    "link.no_anchor": (E, "the link '{href}' leads to a heading '{anchor}' that is not in {target}{where}", "{suggestion}give the heading you mean an explicit id, e.g. '## Its title {{ #{anchor} }}'"),
    "link.no_file": (E, "the link '{href}' leads to {target}, which does not exist", "check the file's name and folder: a link is relative to the file it is written in{hint}"),
    "image.missing": (E, "the image '{src}' does not exist (looked for {target})", "put the image file there, or correct its name (capital letters count)"),
    "image.remote": (E, "'{src}' is loaded from another web site: the toolkit makes no request to any other host, so that readers' visits stay private", "save the file in the repository, next to this page, and use its file name here"),
    "path.outside": (E, "'{href}' points outside the toolkit's folder (to {target})", "only use files inside the repository: copy the file in and point to the copy"),
    "path.symlink_out": (E, "{what} is a symbolic link that leads outside the toolkit's folder (to {target})", "replace the link by a real copy of the file, inside the repository"),
    # limits on what is read, links, and what is published beside the pages (docs/CHECKS.md, "Limits and files")
    "file.not_regular": (E, "this is not an ordinary file (it is a folder or a special file)", "replace it by an ordinary file, or rename it so that its name does not end in .yml or .md"),
    "file.too_big": (E, "this file has {size} bytes, more than the {limit} bytes a toolkit file may have (a real one is under 200 KB)", "make it smaller: keep pictures and documents in their own files beside the pages, not inside a text file"),
    "file.long_line": (E, "line {number} has {length} characters, more than the {limit} a line may have", "break it into shorter lines (in Markdown a line break between two words changes nothing; in YAML write a long text after 'key: >' on indented lines); a picture goes in its own file beside the page, not pasted as text"),
    "yaml.too_many_values": (E, "this file holds more than {limit} keys and values, far more than any toolkit file needs", "remove what does not belong in this file: a toolkit's files hold a few thousand keys and values at most"),
    "yaml.complex_key": (E, "this key is {kind}; a key must be plain text, such as 'phone'", "write the key as plain text before the ':' (not a list, a group of fields, or a '*' alias to one)"),
    "md.too_deep": (E, "this is nested {depth} levels deep (lists, quotes, indented blocks or HTML elements inside each other); the limit is {limit}", "use fewer levels: end the inner list or quote and go on in a new paragraph, and close the HTML elements you open"),
    "path.symlink": (E, "{what} is a symbolic link (to {target}); carepath never follows links, so that no other file of the repository, such as .git/config or .env, can be read or published", "replace the link by the file itself"),
    "page.reserved_name": (E, "the page name '{name}' is taken by {what} in every language", "rename the page (e.g. {name}-extra.md) and update pages: in content/toolkit.yml"),
    "asset.not_allowed": (E, "'{name}' would be published with the pages, but only images (.png, .jpg, .jpeg, .gif, .webp, .avif) and PDF files may be{why}", "{hint}"),
    "asset.mismatch": (E, "this file's name ends in '{suffix}' but it is not {kind}: it {actual}", "save it again as {kind} (export it from an image editor or a PDF viewer), or give it the suffix of what it is"),
    "asset.site_folder": (E, "the folder '{name}' beside the pages would mix with the site's own {name}/ folder, and its files could replace the site's", "rename the folder (e.g. images/) and update the links to its files"),
    # raw HTML that can run code or load other sites
    "html.tag": (E, "raw HTML <{tag}> is not allowed: it can run code or load other sites in readers' browsers", "remove the <{tag}> element and write its content in Markdown{hint}"),
    "html.event": (E, "the HTML attribute '{attr}' runs code in readers' browsers and is not allowed", "remove {attr}=\"...\" from this tag"),
    "html.script_url": (E, "'{url}' is a '{scheme}:' address, which runs code when it is opened", "link to a web page (https://...) instead, or remove the link"),
    "html.remote_style": (E, "this style loads '{url}' from another web site", "remove the @import or url(...): the toolkit's pages must not load anything from other hosts"),
    # hidden characters and wording
    "text.bidi": (E, "a direction-changing character, {name} (U+{codepoint}), is hidden here{form}: it can make a phone number or a link read differently from what it is", "delete it; carepath sets the writing direction of each language itself ('direction:' in locales/<tag>.yml)"),
    "text.invisible": (E, "an invisible character, {name} (U+{codepoint}), is hidden here{form}: it can make a phone number, a link or a word read differently from what it is", "delete it{note}; if the text was copied from another document, type the words around it again"),
    "safe.wording": (W, "'{found}' is wording that safe-messaging guides on suicide advise against{why}", "write '{instead}' instead (see {source})"),
    # placeholders such as {phone} in interface strings and texts
    "placeholder.form": (E, "'{field}' is not a placeholder carepath can fill: {reason}", "{todo}"),
    "placeholder.unknown": (E, "'{field}' is not a placeholder of this text{known}", "{todo}"),
    "placeholder.number": (E, "the number '{number}' is written here where the text in {source} has the placeholder '{field}': the printed and published number would no longer come from content/*.yml, where it is kept and checked", "write '{field}' in place of '{number}', exactly like that; carepath fills in the number"),
    "placeholder.missing": (E, "the placeholder '{field}' is missing: the text in {source} has it, and without it what it stands for is not shown", "add '{field}' where it belongs in the sentence, written exactly like that; this text's placeholders are {expected}"),
    "placeholder.brace": (E, "a single '{brace}' that is not part of a placeholder", "write '{brace}{brace}' to show '{brace}' itself, or complete the placeholder; this text's placeholders are {expected}"),
    "placeholder.source_form": (E, "'{field}' is not a placeholder carepath can fill: {reason}", "write a plain name in braces, such as '{example}': only the letters a-z, digits and '_', with no spaces, dots or brackets"),
    # translation records (content/<tag>/translated-from.yml), which carepath writes
    "records.not_mapping": (E, "this file should hold one 'translated text: source version' line per text (such as 'pages/about.md: c56077bb4b2c'), which carepath writes; the status report and the build cannot read it", "restore it from the repository's history (git checkout -- content/{tag}/translated-from.yml), or delete it: `python build.py status` then records every translation of content/{tag}/ against today's source text"),
    "records.bad_version": (E, "the record of '{ref}' does not hold a version carepath wrote (twelve characters 0-9 and a-f)", "restore this line from the repository's history, or delete it and run `python build.py status --mark-current {tag} {ref}` once the translation is reviewed"),
    "records.no_file": (E, "'{ref}' is recorded as translated, but there is no such text: neither {file} nor {source} exists", "delete this line: what it records is gone (or give the file back the name this line says)"),
    "overrides.unrecorded": (W, "this file replaces carepath's {path}, but overrides.yml does not say which version of carepath's file it was made from, so `check` cannot tell when carepath's file changes (a fix or a new feature in it would not reach this toolkit)", "see how the two differ with `carepath override {path} --diff`, bring in what carepath's file has that this one lacks, then run `carepath override {path} --mark-current`"),
    "overrides.outdated": (W, "carepath's {path} has changed since this file was made from it (made from version {recorded}, carepath {carepath} has {current}): its changes, fixes included, do not reach this toolkit", "see what changed with `carepath override {path} --diff`, bring those changes into this file, then run `carepath override {path} --mark-current`"),
    "overrides.not_mapping": (E, "this file should hold one 'file: version' line per file of templates/ or print/ that replaces carepath's (such as 'print/css/print.css: 3f2a9c0d1e4b'), which carepath writes", "restore it from the repository's history, or delete it and run `carepath override PATH --mark-current` for each file of yours that replaces one of carepath's"),
    "overrides.bad_version": (E, "the record of '{path}' does not hold a version carepath wrote (twelve characters 0-9 and a-f)", "restore this line from the repository's history, or run `carepath override {path} --mark-current`"),
    "overrides.no_file": (W, "'{path}' is recorded as replacing carepath's file, but {why}", "delete this line"),
    "print.missing_glyph": (E, "'{char}' (U+{codepoint} {name}) has no glyph in this language's print fonts ({fonts}): it would print as an empty box", "add a font for the {suggestion}"),
    "print.image_left_out": (W, "{detail}", "use a PNG, JPEG, GIF or WebP picture for print, or accept the description in the booklet"),
    "print.no_qr": (W, "{detail}", "set site_url: in mkdocs.yml to the address the website is published at, e.g. https://toolkit.example.org/"),
}

# Parts of messages, filled in by the checks (hints, reasons, suggestions).
FRAGMENTS: dict[str, str] = {
    "settings.extension_why": "it could read files, run code or add markup carepath does not check",
    "settings.extension_code": "its settings name Python code for MkDocs to run (the '!!python/' tags below), and carepath never runs code named in mkdocs.yml",
    "fonts.pip": "run `pip install {package}` (and add {package} to requirements.txt so that CI has it too)",
    "fonts.vendor": "no package ships '{family}': put its .ttf or .otf files (with their licence) in print/fonts/",
    "fonts.unread": " (if it is in {files}: that file cannot be read, see its own error)",
    "nothing": "none yet",
    "did_you_mean": "did you mean '{choice}'?",
    "typo_then": "if it is a typo for '{choice}', correct it; otherwise ",
    "did_you_mean_paren": " (did you mean '{choice}'?)",
    "did_you_mean_anchor": "did you mean '#{choice}'? If not, ",
    "allowed_here": "allowed here: {choices}",
    "remove_it": "remove it",
    "not_allowed": "'{value}' is not allowed",
    "wrong_form": "'{value}' is not in the right form",
    "example_form": "write it in the form the example toolkit uses",
    "not_an_id": "this is not a valid id",
    "id_form": "ids use lower-case letters, digits and hyphens, e.g. crisis-line",
    "url.space": "it contains a space",
    "url.no_slashes": "'{scheme}:' must be followed by '//' and the site name",
    "url.userinfo": "it has an '@' before the site name, which hides the real address",
    "url.port": "the port number after ':' is not valid",
    "url.no_host": "it has no site name after '//'",
    "url.bad_characters": "the site name '{host}' contains {characters}, which site names cannot have",
    "url.double_dot": "the site name '{host}' has two dots in a row",
    "url.no_dot": "the site name '{host}' has no dot (such as .org or .com)",
    "url.hyphen": "a part of the site name '{host}' starts or ends with '-'",
    "url.idna": "the site name '{host}' is not a valid international name",
    "url.long_label": "a part of the site name '{host}' is longer than 63 letters",
    "url.protocol_relative": "it starts with '//': write https: in front of it",
    "url.looks_like_site": "; a web address must start with https://",
    "tel.e164": "{scheme}:{number}",
    "tel.e164_form": "{scheme}: followed by +, the country code and the number, with no spaces (e.g. tel:+14135550100)",
    "tag.registry": "use a tag of the IANA language subtag registry, such as en, es, ar, sw, fa or pt-BR",
    "html.hint.iframe": " (link to the page or video instead)",
    "html.hint.link": " (the site's own style comes from the theme)",
    "html.hint.svg": " (save the drawing as an .svg file and show it with ![description](file.svg))",
    "anchor.generated_page": "the page {name}.md",
    "anchor.untranslated_one": " (in the {tags} site, which shows this page untranslated)",
    "anchor.untranslated_many": " (in the {tags} sites, which show this page untranslated)",
    "anchor.untranslated_text_one": " (in the {tags} site, which shows this text untranslated)",
    "anchor.untranslated_text_many": " (in the {tags} sites, which show this text untranslated)",
    "and": " and ",
    "or": " or ",
    "symlink.file": "this file",
    "symlink.folder": "this folder",
    "symlink.link": "'{href}'",
    # limits, links and files beside the pages
    "key.mapping": "a group of fields",
    "key.sequence": "a list",
    "key.alias": "an alias ('*{anchor}') to {kind}",
    "reserved.page": "a page carepath makes ({name}.html), which this page would silently replace",
    "reserved.folder": "the site's own folder {name}/, which this page would be mixed up with",
    "asset.why.hidden": ": a name that starts with '.' marks a hidden file or folder, such as .env or .git, which can hold passwords and keys",
    "asset.why.svg": ": an SVG file can run scripts in readers' browsers",
    "asset.why.html": ": an HTML file can run scripts in readers' browsers and is not checked like a page",
    "asset.why.htm": ": an HTML file can run scripts in readers' browsers and is not checked like a page",
    "asset.why.xhtml": ": an HTML file can run scripts in readers' browsers and is not checked like a page",
    "asset.why.js": ": a script would run in readers' browsers",
    "asset.why.mjs": ": a script would run in readers' browsers",
    "asset.why.xml": ": an XML file can run scripts in readers' browsers",
    "asset.hint.hidden": "remove it from the pages folder (and from the repository, if it holds anything secret)",
    "asset.hint.svg": "convert the SVG to PNG and link to the .png file",
    "asset.hint.html": "write the page as Markdown (content/<language>/pages/<name>.md) and list it in pages: of content/toolkit.yml",
    "asset.hint.htm": "write the page as Markdown (content/<language>/pages/<name>.md) and list it in pages: of content/toolkit.yml",
    "asset.hint.xhtml": "write the page as Markdown (content/<language>/pages/<name>.md) and list it in pages: of content/toolkit.yml",
    "asset.hint.js": "remove it: carepath's own script is the only one the site runs",
    "asset.hint.mjs": "remove it: carepath's own script is the only one the site runs",
    "asset.hint.css": "remove it: the site's look comes from the theme (templates/overrides/)",
    "asset.hint.none": "give the file the suffix of what it is (e.g. .png), or remove it",
    "asset.hint.other": "convert it to one of those (e.g. a document to PDF, a drawing to PNG), or remove it",
    "asset.kind.png": "a PNG image",
    "asset.kind.jpeg": "a JPEG image",
    "asset.kind.gif": "a GIF image",
    "asset.kind.webp": "a WebP image",
    "asset.kind.avif": "an AVIF image",
    "asset.kind.pdf": "a PDF document",
    "asset.is_kind": "is {kind}",
    "asset.is_empty": "is empty",
    "asset.is_markup": "starts like HTML or XML, from which browsers can run scripts",
    "asset.is_unknown": "is some other kind of file",
    "text.written_as": " (written as '{form}')",
    "text.joiner_note": " (it is only needed between two letters of scripts such as Arabic, Persian or Devanagari)",
    "safe.why": ": {why}",
    "placeholder.attribute": "'.{part}' reads an attribute of the value, which can reach the program's data and secrets",
    "placeholder.index": "'[{part}]' looks up an item inside the value, which can reach the program's data and secrets",
    "placeholder.conversion": "'!{part}' changes how the value is turned into text",
    "placeholder.spec": "':{part}' is a format specification",
    "placeholder.positional": "it has no name ('{{}}' and numbers such as '{{0}}' are not placeholders here)",
    "placeholder.spaced": "it has spaces inside the braces",
    "placeholder.non_ascii": "'{name}' is not written in the letters a-z: placeholders are never translated",
    "placeholder.not_name": "'{name}' is not a name of the letters a-z, digits and '_'",
    "placeholder.malformed": "its brackets or its '!' are not complete",
    "placeholder.known": ": the text in {source} has {expected}",
    "placeholder.known_none": ": the text in {source} has no placeholders",
    "placeholder.todo": "write the placeholders exactly as in {source}, as plain names in braces and never translated: {expected}{suggestion}",
    "placeholder.todo_none": "remove it: the text in {source} has no placeholders (to show a brace itself, write '{{{{' or '}}}}')",
    "placeholder.suggest": " (did you mean '{choice}'?)",
    "example.domain": "a web or e-mail address under a name reserved for examples, which reaches no one",
    "example.phone": "a phone number in the 555-0100 to 555-0199 range, reserved for fiction, which reaches no one",
    "kind.url": "web address",
    "kind.email": "e-mail address",
    "kind.phone": "phone number",
}

# Sentences the command line prints around the problems (not tied to a file).
TEXTS: dict[str, str] = {
    "check.verdict": "check {verdict}: {summary}",
    "build.stopped": "build stopped: nothing was written; the previous site is unchanged",
    "build.failed": "build failed: {error}; nothing was written and the previous site is unchanged",
    "build.interrupted": "build interrupted: nothing was written; the previous site is unchanged",
    "serve.not_rebuilt": (
        "not rebuilt: fix the problems above; the preview shows the last good build, or these problems until "
        "there is one"
    ),
}


def problem(code: str, path: str, line: int, column: int, /, **values: object) -> Problem:
    """Build the problem `code` at a place, with its message and fix filled in."""
    severity, message, fix = MESSAGES[code]
    return Problem(
        path, line, column, severity, message.format(**values), fix.format(**values), code
    )


def fragment(key: str, **values: object) -> str:
    """A part of a message, from FRAGMENTS, with its placeholders filled."""
    return FRAGMENTS[key].format(**values)


def text(key: str, **values: object) -> str:
    """A command-line sentence of TEXTS with its placeholders filled."""
    return TEXTS[key].format(**values)
