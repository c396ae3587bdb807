"""Feedback and recommendations (phản ánh, kiến nghị): one function per state change.

Each function runs in one transaction, locks the row, checks the state and the actor against the
table in `transitions.py` (which also gives the resulting state), updates the row and appends a
`FeedbackEvent` (the audit trail) whose kind is the table's action. Refusals raise `FeedbackError`.
No function compares states itself: the table is the only place that says what may happen when.

Deadlines (DOMAIN.md section 7), in working days of the legal calendar from receipt: refuse within
2, ask for more information within 5, resolve within 15; publish within 2 after the answer. An
action after its deadline still goes through and flags the feedback overdue. A date the working
calendar does not cover (its year's days off were never entered) is refused with the calendar's
message (FeedbackError code `calendar_not_covered`, a 400), never a guessed deadline.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.services import OutOfCalendarRange, legal_calendar, not_covered_message
from motcua.catalog.models import Procedure
from motcua.core.validators import PERSON_NAME_MAX_LENGTH, validate_person_name_characters
from motcua.dossiers.models import Dossier
from motcua.organization.models import Agency, Role
from motcua.organization.permissions import active_assignments, agencies_for

from . import conf, transitions
from .errors import FeedbackError
from .models import Feedback, FeedbackChannel, FeedbackEvent, Level, State, SubjectKind
from .text import clean_text, scrub_personal_data

REFUSE_WITHIN = 2
ASK_INFO_WITHIN = 5
RESOLVE_WITHIN = 15
PUBLISH_WITHIN = 2
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# --- who may act ------------------------------------------------------------------------------


def is_province_wide(user) -> bool:
    """Province administrators (and superusers) see and route all feedback, unrouted included."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or active_assignments(user).filter(role=Role.PROVINCE_ADMIN).exists()


def handler_agency_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    return set(agencies_for(user, "dossier.view").values_list("pk", flat=True))


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or active_assignments(user).exists()))


def can_handle(user, feedback: Feedback) -> bool:
    if is_province_wide(user):
        return True
    return feedback.agency_id is not None and feedback.agency_id in handler_agency_ids(user)


def _authorise(action: str, user, feedback: Feedback | None = None) -> None:
    """Refuse `user` unless they are who the table names for `action` (the sender, anyone and the
    system have no account to check: the tracking code, the throttle and the scheduler stand in)."""
    actor = transitions.transition_for(action).actor
    if actor == transitions.HANDLER and not can_handle(user, feedback):
        raise FeedbackError("forbidden", _("You may not handle this feedback."))
    if actor == transitions.OFFICER and not is_staff_member(user):
        raise FeedbackError("forbidden", _("Only officers log feedback."))


# --- helpers ----------------------------------------------------------------------------------


@contextmanager
def calendar_covered():
    """A date the working calendar does not cover becomes FeedbackError("calendar_not_covered")
    with the calendar's clear message (views and the API answer 400), never a server error."""
    try:
        yield
    except OutOfCalendarRange as error:
        raise FeedbackError("calendar_not_covered", not_covered_message(error)) from error


def deadlines(received_at: datetime.datetime) -> dict:
    with calendar_covered():
        cal = legal_calendar()
        return {
            "refuse_due_at": cal.add(received_at, REFUSE_WITHIN, "working_days"),
            "info_due_at": cal.add(received_at, ASK_INFO_WITHIN, "working_days"),
            "resolve_due_at": cal.add(received_at, RESOLVE_WITHIN, "working_days"),
        }


def client_key(ip: str) -> str:
    """A keyed hash of the client address: enough to throttle, useless to identify anyone."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"feedback-ip:{ip}".encode(), hashlib.sha256).hexdigest()[:40]


def _new_code(day: datetime.date) -> str:
    """PAKN-YYMMDD-XXXXXX: random, so that the code (the key to the tracking page) is not guessable."""
    return f"PAKN-{day:%y%m%d}-" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(6))


def _event(feedback: Feedback, kind: str, actor, at, from_state: str = "", payload: dict | None = None):
    return FeedbackEvent.objects.create(
        feedback=feedback, kind=kind, actor=actor if getattr(actor, "pk", None) else None, at=at,
        from_state=from_state, to_state=feedback.state, payload=payload or {},
    )


def _locked(feedback: Feedback, action: str, user) -> Feedback:
    """The feedback's row, locked, if the table allows `action` from its current state and by `user`."""
    row = Feedback.objects.select_for_update().filter(pk=feedback.pk).first()
    if row is None:
        raise FeedbackError("not_found", _("No such feedback."))
    if not transitions.is_allowed(action, row.state):
        raise FeedbackError(
            "not_allowed",
            _("This action is not possible in the state: %(state)s.")
            % {"state": State(row.state).label},
        )
    _authorise(action, user, row)
    return row


def _flag_if_late(row: Feedback, now, due) -> bool:
    """An action after its deadline still goes through and flags the feedback overdue."""
    late = due is not None and now > due
    row.is_overdue = row.is_overdue or late
    return late


def _move(row: Feedback, action: str) -> str:
    """Put `row` in the state the table gives for `action`; returns the state before."""
    before = row.state
    row.state = transitions.target_state(action, before)
    return before


def _required_text(value, message, max_length=5000, label=None) -> str:
    text = clean_text(value, max_length, label)
    if not text:
        raise FeedbackError("invalid", message)
    return text


def _agency_from_refs(dossier, procedure, officer) -> Agency | None:
    """The responsible agency: the dossier's competent agency, the procedure's, or the officer's."""
    if dossier is not None:
        return dossier.competent_agency
    if procedure is not None and procedure.current_version_id:
        return procedure.current_version.competent_agencies.order_by("pk").first()
    if officer is not None:
        profile = getattr(officer, "staff_profile", None)
        return profile.home_agency if profile else None
    return None


def _resolve_refs(subject_kind, dossier_code, procedure_code, officer):
    if subject_kind not in SubjectKind.values:
        raise FeedbackError("invalid", _("Choose what the feedback is about."))
    dossier = procedure = None
    if dossier_code:
        dossier = Dossier.objects.select_related("competent_agency").filter(code=dossier_code.strip()).first()
        if dossier is None:
            raise FeedbackError("invalid", _("No dossier has the code %(code)s.") % {"code": dossier_code.strip()})
    elif subject_kind == SubjectKind.DOSSIER:
        raise FeedbackError("invalid", _("Give the code of the dossier the feedback is about."))
    if procedure_code:
        procedure = Procedure.objects.filter(code=procedure_code.strip()).first()
        if procedure is None:
            raise FeedbackError("invalid", _("No procedure has the code %(code)s.") % {"code": procedure_code.strip()})
    elif dossier is not None:
        procedure = dossier.procedure
    elif subject_kind == SubjectKind.PROCEDURE:
        raise FeedbackError("invalid", _("Choose the procedure the feedback is about."))
    return dossier, procedure, officer


def _sender(is_anonymous, name, phone, email, address, *, contact_required: bool) -> dict:
    try:  # the name as typed: markup is refused, not stripped
        validate_person_name_characters(" ".join((name or "").split()))
    except ValidationError as exc:
        raise FeedbackError("invalid", exc.messages[0]) from None
    name, phone = clean_text(name, PERSON_NAME_MAX_LENGTH, _("Your name")), clean_text(phone, 20, _("Phone"))
    email, address = clean_text(email, 254, _("E-mail")), clean_text(address, 300, _("Address"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise FeedbackError("invalid", _("Enter a valid e-mail address.")) from None
    if phone and not phone.replace(" ", "").lstrip("+").isdigit():
        raise FeedbackError("invalid", _("A phone number has digits only."))
    if not is_anonymous and contact_required:
        if not name:
            raise FeedbackError("invalid", _("Give your name, or send the feedback anonymously."))
        if not (phone or email):
            raise FeedbackError("invalid", _("Give a phone number or an e-mail address for the answer."))
    return {"sender_name": name, "sender_phone": phone, "sender_email": email, "sender_address": address}


def _create(action, *, channel, subject_kind, title, content, sender: dict, is_anonymous, dossier, procedure, officer,
            agency, received_at, submitted_by=None, logged_by=None, key="") -> Feedback:
    fields = dict(
        channel=channel, subject_kind=subject_kind, dossier=dossier, procedure=procedure, officer=officer,
        title=title, content=content, is_anonymous=is_anonymous, submitted_by=submitted_by, logged_by=logged_by,
        client_key=key, state=transitions.target_state(action, transitions.NONE), agency=agency, received_at=received_at, **sender,
        **deadlines(received_at),
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Feedback.objects.create(code=_new_code(timezone.localdate(received_at)), **fields)
        except IntegrityError:  # the random code was taken: draw again
            continue
    raise FeedbackError("invalid", _("Could not allocate a code; please try again."))


def _title(title, content) -> str:
    title = clean_text(title, 300, _("Title"))
    return title or (content[:80] + ("…" if len(content) > 80 else ""))


# --- receipt ----------------------------------------------------------------------------------


def submit_from_portal(*, subject_kind: str, content: str, title: str = "", is_anonymous: bool = False,
                       sender_name: str = "", sender_phone: str = "", sender_email: str = "",
                       sender_address: str = "", dossier_code: str = "", procedure_code: str = "",
                       user=None, client_ip: str = "", at: datetime.datetime | None = None) -> Feedback:
    """Feedback sent from the portal, with or without an account; throttled per client address."""
    now = at or timezone.now()
    content = _required_text(content, _("Write the content of the feedback."), label=_("Content"))
    sender = _sender(is_anonymous, sender_name, sender_phone, sender_email, sender_address, contact_required=True)
    if is_anonymous:
        sender = {key: "" for key in sender}
    dossier, procedure, officer = _resolve_refs(subject_kind, dossier_code, procedure_code, None)
    key = client_key(client_ip)
    with transaction.atomic():
        if key:
            since = now - datetime.timedelta(hours=1)
            recent = Feedback.objects.filter(client_key=key, received_at__gte=since).count()
            if recent >= conf.portal_max_per_hour():
                raise FeedbackError(
                    "throttled",
                    _("Too many submissions from your connection: at most %(n)s an hour. Please try again later.")
                    % {"n": conf.portal_max_per_hour()},
                )
        feedback = _create(
            "submit", channel=FeedbackChannel.PORTAL, subject_kind=subject_kind, title=_title(title, content), content=content,
            sender=sender, is_anonymous=is_anonymous, dossier=dossier, procedure=procedure, officer=officer,
            agency=_agency_from_refs(dossier, procedure, officer), received_at=now,
            submitted_by=user if getattr(user, "is_authenticated", False) else None, key=key,
        )
        _event(feedback, "submit", user if getattr(user, "is_authenticated", False) else None, now,
               payload={"channel": feedback.channel, "agency": feedback.agency_id})
    return feedback


def log_by_officer(actor, *, channel: str, subject_kind: str, content: str, title: str = "",
                   is_anonymous: bool = False, sender_name: str = "", sender_phone: str = "",
                   sender_email: str = "", sender_address: str = "", dossier_code: str = "",
                   procedure_code: str = "", officer=None, agency: Agency | None = None,
                   received_at: datetime.datetime | None = None) -> Feedback:
    """Feedback that came by letter, hotline, in person or from the national portal, typed in by an
    officer. The deadlines count from `received_at` (when it came in, e.g. the letter's date)."""
    _authorise("log", actor)
    if channel not in FeedbackChannel.values or channel == FeedbackChannel.PORTAL:
        raise FeedbackError("invalid", _("Choose the channel the feedback came by."))
    now = received_at or timezone.now()
    if now > timezone.now() + datetime.timedelta(minutes=5):
        raise FeedbackError("invalid", _("The date of receipt cannot be in the future."))
    content = _required_text(content, _("Write the content of the feedback."), label=_("Content"))
    sender = _sender(is_anonymous, sender_name, sender_phone, sender_email, sender_address, contact_required=False)
    dossier, procedure, officer = _resolve_refs(subject_kind, dossier_code, procedure_code, officer)
    if agency is not None and not is_province_wide(actor) and agency.pk not in handler_agency_ids(actor):
        raise FeedbackError("forbidden", _("You may not assign feedback to that agency."))
    with transaction.atomic():
        feedback = _create(
            "log", channel=channel, subject_kind=subject_kind, title=_title(title, content), content=content, sender=sender,
            is_anonymous=is_anonymous, dossier=dossier, procedure=procedure, officer=officer,
            agency=agency or _agency_from_refs(dossier, procedure, officer), received_at=now, logged_by=actor,
        )
        _event(feedback, "log", actor, timezone.now(),
               payload={"channel": channel, "agency": feedback.agency_id, "received_at": now.isoformat()})
    return feedback


# --- handling ---------------------------------------------------------------------------------


def route(actor, feedback: Feedback, *, agency: Agency, note: str = "", at=None) -> Feedback:
    """Send the feedback to the agency that handles it (the province office, or the agency holding
    it forwarding it on)."""
    now = at or timezone.now()
    with transaction.atomic():
        row = _locked(feedback, "route", actor)
        if agency is None:
            raise FeedbackError("invalid", _("Choose the responsible agency."))
        before = _move(row, "route")
        previous_agency = row.agency_id
        row.agency = agency
        row.save(update_fields=["agency", "state", "updated_at"])
        _event(row, "route", actor, now, before, {"from_agency": previous_agency, "to_agency": agency.pk,
                                                 "note": clean_text(note, 500)})
    return row


def accept(actor, feedback: Feedback, *, at=None) -> Feedback:
    """The responsible agency takes the feedback up (received -> in progress)."""
    now = at or timezone.now()
    with transaction.atomic():
        row = _locked(feedback, "accept", actor)
        if row.agency_id is None:
            raise FeedbackError("invalid", _("Route the feedback to an agency first."))
        before = _move(row, "accept")
        row.save(update_fields=["state", "updated_at"])
        _event(row, "accept", actor, now, before)
    return row


def refuse(actor, feedback: Feedback, *, reason: str, at=None) -> Feedback:
    """Refuse to handle (out of scope, anonymous with nothing to act on...), with the reason."""
    now = at or timezone.now()
    reason = _required_text(reason, _("Give the reason for refusing."), 2000)
    with transaction.atomic():
        row = _locked(feedback, "refuse", actor)
        before, late = _move(row, "refuse"), _flag_if_late(row, now, row.refuse_due_at)
        row.refusal_reason = reason
        row.save(update_fields=["state", "refusal_reason", "is_overdue", "updated_at"])
        _event(row, "refuse", actor, now, before, {"reason": reason, "late": late})
    _notify_sender_after_commit(row, "feedback_refused")
    return row


def request_info(actor, feedback: Feedback, *, request: str, at=None) -> Feedback:
    """Ask the sender for more information (what is missing)."""
    now = at or timezone.now()
    request = _required_text(request, _("Say what information is needed."), 2000)
    with transaction.atomic():
        row = _locked(feedback, "request_info", actor)
        if row.is_anonymous or not (row.sender_phone or row.sender_email):
            raise FeedbackError("not_allowed", _("The sender left no contact; nobody can be asked."))
        before, late = _move(row, "request_info"), _flag_if_late(row, now, row.info_due_at)
        row.info_request = request
        row.save(update_fields=["state", "info_request", "is_overdue", "updated_at"])
        _event(row, "request_info", actor, now, before, {"request": request, "late": late})
    _notify_sender_after_commit(row, "feedback_info_requested")
    return row


def provide_info(feedback: Feedback, *, text: str, user=None, at=None) -> Feedback:
    """The sender answers the request for information (from the tracking page)."""
    now = at or timezone.now()
    text = _required_text(text, _("Write the information asked for."), 3000)
    with transaction.atomic():
        row = _locked(feedback, "provide_info", user)
        before = _move(row, "provide_info")
        # Appended below the original with its date, so the officer reads one text.
        row.content = f"{row.content}\n\n[{timezone.localtime(now):%d/%m/%Y %H:%M}] {text}"
        row.save(update_fields=["state", "content", "updated_at"])
        _event(row, "provide_info", user if getattr(user, "is_authenticated", False) else None, now, before,
               {"text": text})
    return row


def answer(actor, feedback: Feedback, *, text: str, at=None) -> Feedback:
    """The written answer; the sender is notified and may rate it."""
    now = at or timezone.now()
    text = _required_text(text, _("Write the answer."), 10000)
    with transaction.atomic():
        row = _locked(feedback, "answer", actor)
        if row.agency_id is None:
            raise FeedbackError("invalid", _("Route the feedback to an agency first."))
        before, late = _move(row, "answer"), _flag_if_late(row, now, row.resolve_due_at)
        row.answer, row.answered_by, row.answered_at = text, actor, now
        with calendar_covered():
            row.publish_due_at = legal_calendar().add(now, PUBLISH_WITHIN, "working_days")
        row.save(update_fields=["state", "answer", "answered_by", "answered_at", "publish_due_at", "is_overdue",
                                "updated_at"])
        _event(row, "answer", actor, now, before, {"late": late})
    _notify_sender_after_commit(row, "feedback_answered")
    return row


def public_texts(feedback: Feedback) -> tuple[str, str]:
    """Default public question and answer: the texts with personal data masked."""
    names = [feedback.sender_name]
    if feedback.dossier_id:
        names += [feedback.dossier.applicant_name, feedback.dossier.owner_name]
    return (scrub_personal_data(feedback.content, names), scrub_personal_data(feedback.answer, names))


def publish(actor, feedback: Feedback, *, question: str = "", answer_text: str = "", at=None) -> Feedback:
    """Publish the question and answer on the portal, WITHOUT personal data: the texts given (or the
    originals) are masked again (sender's and applicant's names, e-mails, phone and ID numbers)."""
    now = at or timezone.now()
    with transaction.atomic():
        row = _locked(feedback, "publish", actor)
        default_q, default_a = public_texts(row)
        names = [row.sender_name] + ([row.dossier.applicant_name, row.dossier.owner_name] if row.dossier_id else [])
        question = scrub_personal_data(clean_text(question, 5000), names) or default_q
        answer_text = scrub_personal_data(clean_text(answer_text, 10000), names) or default_a
        before, late = _move(row, "publish"), _flag_if_late(row, now, row.publish_due_at)
        row.public_question, row.public_answer, row.published_at = question, answer_text, now
        row.save(update_fields=["state", "public_question", "public_answer", "published_at", "is_overdue",
                                "updated_at"])
        _event(row, "publish", actor, now, before, {"late": late})
    return row


def rate_answer(feedback: Feedback, *, level: str, comment: str = "", user=None, at=None) -> Feedback:
    """The sender rates the answer, once."""
    now = at or timezone.now()
    if level not in Level.values:
        raise FeedbackError("invalid", _("Choose very satisfied, satisfied or dissatisfied."))
    with transaction.atomic():
        row = _locked(feedback, "rate_answer", user)
        if row.answer_rating:
            raise FeedbackError("not_allowed", _("The answer has already been rated."))
        row.answer_rating, row.answer_rating_comment = level, clean_text(comment, 2000, _("Comment"))
        row.answer_rated_at = now
        before = _move(row, "rate_answer")
        row.save(update_fields=["answer_rating", "answer_rating_comment", "answer_rated_at", "updated_at"])
        _event(row, "rate_answer", user if getattr(user, "is_authenticated", False) else None, now, before,
               {"level": level})
    return row


def mark_overdue(now: datetime.datetime | None = None) -> int:
    """Flag open feedback past its resolution deadline (once each); returns how many were flagged."""
    now = now or timezone.now()
    flagged = 0
    flaggable = Feedback.objects.filter(
        state__in=transitions.from_states("overdue"), resolve_due_at__lt=now, is_overdue=False
    )
    ids = list(flaggable.values_list("pk", flat=True)[:5000])
    for pk in ids:
        with transaction.atomic():
            # Checked again under the lock: answered or refused meanwhile is not flagged.
            row = flaggable.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            before = _move(row, "overdue")
            row.is_overdue = True
            row.save(update_fields=["is_overdue", "updated_at"])
            _event(row, "overdue", None, now, before, {"resolve_due_at": row.resolve_due_at.isoformat()})
            flagged += 1
    return flagged


def _notify_sender_after_commit(feedback: Feedback, kind: str) -> None:
    from .notify import notify_sender

    transaction.on_commit(lambda: notify_sender(feedback, kind))
