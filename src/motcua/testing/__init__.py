"""Test support shared by the apps' tests, loaded for the whole suite by the root conftest.py
(`pytest_plugins`); never imported by production code.

- `world`: the small province of the dossier tests (fixtures `world`, `receive`, `_fresh_caches`;
  constants and helpers `APPLICANT`, `MONDAY`, `TZ`, `at`, `make_officer`, `documents_for`), and the
  helpers every app's tests use: `refused` (a DomainError with its code), `client_for` (an API
  client with the user's token), the fixture `media_root` (files in a temporary folder).
"""
