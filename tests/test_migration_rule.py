"""Migrations on a live table (docs/running.md, "Migrations on a live table").

The dossier tables and the other large ones (steps, pauses, events, documents, payments, the data
store and its access log) hold millions of rows in a province; a migration that locks one of them
while it rewrites or scans it stops every counter. So every migration added after the cut-off
below must, on those tables:

- add and remove indexes with `AddIndexConcurrently` / `RemoveIndexConcurrently`
  (django.contrib.postgres.operations) in a migration with `atomic = False`; no `AddIndex`,
  `RemoveIndex`, `AddConstraint` (a unique constraint builds its index under lock, a check scans),
  `AlterUniqueTogether`, `AlterIndexTogether`;
- add a column without rewriting or scanning the table: `AddField` of a nullable field, or with a
  constant default; no `db_default` (a volatile expression rewrites every row), no `unique` or
  `db_index` (an index built under lock), a `ForeignKey` only with `db_index=False` and
  `db_constraint=False` (the constraint's validation scans the table under lock);
- not change a column's type: `AlterField` may only widen a `max_length` or make a column
  nullable (both without a rewrite on PostgreSQL); anything else is a new column, filled in
  batches, and a later switch;
- `RunSQL` / `RunPython` (which may do anything) on an app owning a large table, or SQL naming one,
  only in a migration that says why it is safe: `live_table_safe = "why"` on the Migration class.

The migrations that existed at the cut-off are grandfathered (they ran on small tables).
"""
from __future__ import annotations

import uuid

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

# (app label, model name) of the large tables.
LARGE = {
    ("dossiers", "dossier"), ("dossiers", "dossierdocument"), ("dossiers", "dossierstep"), ("dossiers", "pause"),
    ("dossiers", "dossierevent"), ("payments", "payment"), ("payments", "ereceipt"),
    ("documents", "storeddocument"), ("documents", "documentopening"),
}
LARGE_APPS = {app for app, _model in LARGE}
LARGE_TABLES = {f"{app}_{model}" for app, model in LARGE}

# Cut-off: the migrations of 2026-12-05, before the rule. Never add a name here.
GRANDFATHERED = {
    "accounts": {"0001_initial", "0002_password_reset", "0003_identifier_refusal", "0004_identity_verification",
                 "0005_contact_verification"},
    "workcalendar": {"0001_initial", "0002_calendar_year"},
    "catalog": {"0001_initial", "0002_version_guards", "0003_step_ordering", "0004_version_fee_payable_at",
                "0005_procedure_is_sensitive", "0006_catalogsync_national_sync",
                "0007_signing_requires_signed_result"},
    "core": {"0001_idempotency_record"},
    "documents": {"0001_initial", "0002_document_opening", "0003_signing_certified_copy_source"},
    "dossiers": {"0001_initial", "0002_fewer_db_constraints", "0003_report_flags", "0004_citizen_account",
                 "0005_drop_code_like_index"},
    "feedback": {"0001_initial", "0002_seed_message_templates", "0003_counter_devices_and_proof_failures",
                 "0004_counterlink_ticket_rating"},
    "national": {"0001_initial"},
    "notifications": {"0001_initial", "0002_seed_templates", "0003_event_kinds_supplement_withdrawn",
                      "0004_seed_supplement_withdrawn", "0005_password_reset", "0006_returned_carries_rating_link",
                      "0007_received_shows_fee", "0008_online_submitted_to_counter_officers",
                      "0009_resolved_shows_fee_owed", "0010_account_in_use_notice", "0011_contact_verification",
                      "0012_appoint_booking"},
    "organization": {"0001_initial", "0002_dated_names", "0003_access_audit_entry", "0004_postal_worker_role"},
    "payments": {"0001_initial", "0002_reconciliation", "0003_refunds", "0004_payment_refund_due",
                 "0005_receipts_ereceipt"},
    "postal": {"0001_initial", "0002_seed_message_template"},
    "queueing": {"0001_initial", "0002_priority_groups", "0003_counterlink_dossier_link_events",
                 "0004_appointments_roster"},
    "reports": {"0001_report_index", "0002_index_weights", "0003_default_index_weights", "0004_report_snapshot",
                "0005_dashboard_indexes", "0006_long_lived_index", "0007_trend_counts_as_the_table"},
    "signing": {"0001_signing_initial"},
}

# Attributes that change nothing in the database (Django's own list, plus what we allow).
NON_DB = set(models.Field.non_db_attrs) | {"default"}


def _large(app_label: str, model_name: str | None) -> bool:
    return model_name is not None and (app_label, model_name.lower()) in LARGE


def _add_field_problems(field) -> list[str]:
    problems = []
    if field.db_default is not models.NOT_PROVIDED:
        problems.append("db_default (an expression may rewrite every row): add it nullable, fill in batches")
    no_default = field.default is models.NOT_PROVIDED and field.db_default is models.NOT_PROVIDED
    if not field.null and no_default and not field.many_to_many:
        problems.append("NOT NULL without a default: add it nullable")
    if field.has_default() and callable(field.default):
        problems.append("a callable default (one value for every existing row): add it nullable, fill in batches")
    if field.unique or (field.db_index and not field.is_relation):
        problems.append("unique/db_index builds an index under lock: AddIndexConcurrently in a later migration")
    if field.is_relation and field.many_to_one:
        if field.db_index:
            problems.append("a ForeignKey's index is built under lock: db_index=False, then AddIndexConcurrently")
        if field.db_constraint:
            problems.append("a ForeignKey constraint is validated under lock: db_constraint=False")
    return problems


def _alter_field_problems(old, new) -> list[str]:
    if old is None:
        return []
    old_path, _a, old_kwargs = old.deconstruct()[1:]
    new_path, _b, new_kwargs = new.deconstruct()[1:]
    if old_path != new_path:
        return [f"changes the type ({old_path} -> {new_path}): a rewrite under lock"]
    problems = []
    for key in sorted((set(old_kwargs) | set(new_kwargs)) - NON_DB):
        before, after = old_kwargs.get(key), new_kwargs.get(key)
        if before == after:
            continue
        if key == "max_length" and before is not None and after is not None and after > before:
            continue  # widening a varchar is a catalogue change on PostgreSQL
        if key == "null" and after:
            continue  # dropping NOT NULL needs no scan
        problems.append(f"changes {key} ({before!r} -> {after!r}): a rewrite or a scan under lock")
    return problems


def problems_of(migration, state_before) -> list[str]:
    """What in `migration` breaks the rule, as readable lines (empty: it follows it)."""
    app = migration.app_label
    problems = []
    state = state_before.clone()
    for operation in migration.operations:
        name = type(operation).__name__
        model = getattr(operation, "model_name", None) or getattr(operation, "name", None)
        where = f"{app}.{migration.name}: {name} on {model}"
        on_large = _large(app, getattr(operation, "model_name", None)) or (
            isinstance(operation, (migrations.AlterUniqueTogether, migrations.AlterIndexTogether))
            and _large(app, operation.name))
        if isinstance(operation, (AddIndexConcurrently, RemoveIndexConcurrently)):
            if migration.atomic:
                problems.append(f"{where}: a concurrent index needs `atomic = False` on the migration")
        elif isinstance(operation, (migrations.AddIndex, migrations.RemoveIndex)) and on_large:
            problems.append(f"{where}: use {name}Concurrently (django.contrib.postgres.operations)")
        elif isinstance(operation, (migrations.AddConstraint, migrations.AlterUniqueTogether,
                                    migrations.AlterIndexTogether)) and on_large:
            problems.append(f"{where}: builds an index or scans the table under lock")
        elif isinstance(operation, migrations.AddField) and on_large:
            problems += [f"{where}.{operation.name}: {p}" for p in _add_field_problems(operation.field)]
        elif isinstance(operation, migrations.AlterField) and on_large:
            old = state.models[app, operation.model_name_lower].fields.get(operation.name)
            problems += [f"{where}.{operation.name}: {p}" for p in _alter_field_problems(old, operation.field)]
        elif isinstance(operation, (migrations.RunSQL, migrations.RunPython)):
            sql = str(getattr(operation, "sql", "")).lower()
            touches = app in LARGE_APPS or any(table in sql for table in LARGE_TABLES)
            if touches and not getattr(migration, "live_table_safe", ""):
                problems.append(f"{where}: say why it is safe on a live table (`live_table_safe = \"...\"`)")
        operation.state_forwards(app, state)
    return problems


def new_migrations(loader):
    """The project's migrations after the cut-off (Django's and third parties' are not ours)."""
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if type(migration).__module__.startswith("motcua.") and name not in GRANDFATHERED.get(app, set()):
            yield migration


def test_every_migration_after_the_cut_off_follows_the_live_table_rule():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    checked, problems = 0, []
    for migration in new_migrations(loader):
        checked += 1
        state = loader.project_state((migration.app_label, migration.name), at_end=False)
        problems += problems_of(migration, state)
    assert not problems, "\n".join(problems)


def test_the_grandfathered_migrations_exist():
    """A typo in the list would let a new migration of that name through."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    missing = {(app, name) for app, names in GRANDFATHERED.items() for name in names
               if (app, name) not in loader.disk_migrations}
    assert not missing


# The checker itself, on migrations made here: it must refuse what the rule forbids.

def _state_with_dossier():
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def _migration(*operations, atomic=True, app="dossiers", **attrs):
    body = {"operations": list(operations), "atomic": atomic, **attrs}
    cls = type("Migration", (migrations.Migration,), body)
    return cls("9999_example", app)


@pytest.mark.parametrize(("operations", "atomic", "expected"), [
    ((AddIndexConcurrently("dossier", models.Index(fields=["outcome"], name="dossier_outcome")),), False, []),
    ((RemoveIndexConcurrently("dossier", "dossier_received_at"),), False, []),
    ((migrations.AddField("dossier", "note", models.CharField(max_length=20, null=True)),), True, []),
    ((migrations.AddField("dossier", "flag", models.BooleanField(default=False)),), True, []),
    ((migrations.AlterField("dossier", "result_description", models.CharField(max_length=900, blank=True)),),
     True, []),
    ((AddIndexConcurrently("dossier", models.Index(fields=["outcome"], name="dossier_outcome")),), True,
     ["atomic = False"]),
    ((migrations.AddIndex("dossier", models.Index(fields=["outcome"], name="dossier_outcome")),), True,
     ["AddIndexConcurrently"]),
    ((migrations.RemoveIndex("dossier", "dossier_received_at"),), True, ["RemoveIndexConcurrently"]),
    ((migrations.AddField("dossier", "ref", models.CharField(max_length=20, default="x", unique=True)),), True,
     ["index under lock"]),
    ((migrations.AddField("dossier", "n", models.IntegerField()),), True, ["NOT NULL without a default"]),
    ((migrations.AddField("dossier", "token", models.UUIDField(default=uuid.uuid4)),), True,
     ["callable default"]),
    ((migrations.AddField("dossierevent", "at2", models.DateTimeField(db_default=models.functions.Now())),), True,
     ["db_default"]),
    ((migrations.AddField("payment", "agency", models.ForeignKey("organization.Agency", models.PROTECT,
                                                                 null=True)),), True,
     ["index is built under lock", "validated under lock"]),
    ((migrations.AlterField("dossier", "fee_due", models.CharField(max_length=20)),), True, ["changes the type"]),
    ((migrations.AlterField("dossier", "result_description", models.CharField(max_length=100, blank=True)),),
     True, ["changes max_length"]),
    ((migrations.AddConstraint("dossier", models.CheckConstraint(condition=models.Q(fee_paid__gte=0),
                                                                 name="fee_paid_positive")),), True,
     ["under lock"]),
    ((migrations.RunSQL("UPDATE dossiers_dossier SET is_overdue = false"),), True, ["live_table_safe"]),
])
def test_the_checker_refuses_what_locks_a_large_table(operations, atomic, expected):
    app = "payments" if getattr(operations[0], "model_name", "") == "payment" else "dossiers"
    found = problems_of(_migration(*operations, atomic=atomic, app=app), _state_with_dossier())
    assert len(found) == len(expected), found
    for line, words in zip(found, expected):
        assert words in line, line


def test_a_reason_lets_a_data_migration_through():
    operation = migrations.RunSQL("UPDATE dossiers_dossier SET is_overdue = false WHERE id < 1000")
    assert problems_of(_migration(operation, live_table_safe="batched by id"), _state_with_dossier()) == []


def test_small_tables_are_not_concerned():
    operation = migrations.AddIndex("dossiersequence", models.Index(fields=["day"], name="sequence_day"))
    migration = _migration(operation)
    assert problems_of(migration, _state_with_dossier()) == []
