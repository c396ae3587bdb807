"""Dossier synchronisation to the national public service portal (Cổng Dịch vụ công quốc gia).

Every dossier event appends an outbox row in the same transaction (`receivers.py`); the task
`national.sync` (every minute) sends each dossier's record and its progress rows in batches
through the transport named by NATIONAL_TRANSPORT (`transports/`), marks what the portal
acknowledged, and backs off on failure. docs/national.md.
"""
