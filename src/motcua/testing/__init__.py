"""Test support shared by the apps' tests, loaded for the whole suite by the root conftest.py
(`pytest_plugins`); never imported by production code.

- `world`: the small province of the dossier tests (fixtures `world`, `receive`, `_fresh_caches`;
  constants and helpers `APPLICANT`, `MONDAY`, `TZ`, `at`, `make_officer`, `documents_for`), and the
  helpers every app's tests use: `refused` (a DomainError with its code), `client_for` (an API
  client with the user's token), the fixture `media_root` (files in a temporary folder).
"""


def parse_python(path):
    """`ast.parse` of a source file, asked again on CPython 3.11's "AST constructor recursion depth
    mismatch": its AST state is shared by threads, so a traceback formatted at the same moment by a
    thread a browser test left behind (3.11's traceback calls ast.parse) can trip the parse."""
    import ast
    from pathlib import Path

    source = Path(path).read_text()
    for attempt in range(3):
        try:
            return ast.parse(source, str(path))
        except SystemError:
            if attempt == 2:
                raise
