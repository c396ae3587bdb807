"""The one place where dossiers change: one function per action of `transitions.TRANSITIONS`.

One module per phase, on a shared core:

- `core`: `DossierActionError`, who may act (`can_act`, `actions_for`, `citizen_can`,
  `SystemActor`), the row lock and its checks (`_locked`) and the end of every command
  (`_record`: the status the table gives, the saved row, the event);
- `inputs`: cleaning parties, documents, files and bounded text;
- `clock`: steps and pauses, finishing and classifying (shared by the phases);
- `intake`: receive_at_counter, receive_by_post, submit_online, accept_online, refuse_intake;
- `processing`: start_processing, hand_over, assign, take, digitise_document;
- `pauses`: request_supplement, receive_supplement, request_payment, confirm_payment, record_payment;
- `closing`: stop, withdraw, resolve, apologise, return_result (and `fee_owed`);
- `citizen`: submit_supplement, withdraw_by_applicant (the owner's own actions, same lock path);
- `sweep`: mark_overdue.

Callers import from this package (`from motcua.dossiers import services`), never from its modules.
"""
from ..receipt_sql import allocate_code
from .citizen import submit_supplement, withdraw_by_applicant
from .closing import apologise, fee_owed, resolve, return_result, stop, withdraw
from .core import (
    DossierActionError,
    SystemActor,
    actions_for,
    agency_ids_with,
    can_act,
    citizen_can,
    forget_permissions,
    scope_agency_ids,
)
from .inputs import all_digitized, clean_party
from .intake import accept_online, receive_at_counter, receive_by_post, refuse_intake, submit_online
from .pauses import confirm_payment, receive_supplement, record_payment, request_payment, request_supplement
from .processing import assign, digitise_document, hand_over, start_processing, take
from .sweep import mark_overdue

__all__ = [
    "DossierActionError", "SystemActor", "accept_online", "actions_for", "agency_ids_with", "all_digitized",
    "allocate_code", "apologise", "assign", "can_act", "citizen_can", "clean_party", "confirm_payment",
    "digitise_document", "fee_owed", "forget_permissions", "hand_over", "mark_overdue", "receive_at_counter",
    "receive_by_post", "receive_supplement", "record_payment", "refuse_intake", "request_payment",
    "request_supplement", "resolve", "return_result", "scope_agency_ids", "start_processing", "stop",
    "submit_online", "submit_supplement", "take", "withdraw", "withdraw_by_applicant",
]
