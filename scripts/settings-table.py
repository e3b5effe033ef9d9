#!/usr/bin/env python
"""README.md's configuration table, generated from surveyapp/settings.py.

    .venv/bin/python scripts/settings-table.py           # print the table
    .venv/bin/python scripts/settings-table.py --write   # replace it in README.md

The table sits between the markers `<!-- settings:begin -->` and `<!-- settings:end -->`;
tests/setup/test_settings.py fails when it differs from `SETTINGS`.
"""
from __future__ import annotations

import sys

from surveyapp.settings import PROJECT_ROOT, markdown_table

README = PROJECT_ROOT / "README.md"
BEGIN, END = "<!-- settings:begin -->\n", "<!-- settings:end -->\n"


def with_table(readme: str, table: str) -> str:
    head, begin, rest = readme.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{README.name} has no {BEGIN.strip()} ... {END.strip()} markers")
    return head + BEGIN + table + END + tail


def main(arguments: list[str]) -> int:
    if arguments == ["--write"]:
        README.write_text(with_table(README.read_text(encoding="utf-8"), markdown_table()), encoding="utf-8")
    elif not arguments:
        sys.stdout.write(markdown_table())
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
