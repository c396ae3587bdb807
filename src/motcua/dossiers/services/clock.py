"""The dossier's clock and steps, shared by the phases: open and close step instances, end a
pause (the due moments move by the paused working time), finish and classify."""
from __future__ import annotations

from motcua.calendar.services import legal_calendar

from ..deadlines import IntakeProfile, StepPlan, calendar_covered, classify, due_after_pause, due_at_receipt, step_due
from ..models import PAUSED_STATUSES, Dossier, DossierStep, Pause


def _open_step(dossier: Dossier, *, now, name: str, role: str, unit: str, agency_id: int, budget_hours,
               process_step_id=None, step_index=None, given_by=None, assignee=None, note="",
               save=True) -> DossierStep:
    """Open the next step instance and point the dossier at it (`save=False`: the caller saves
    the step after inserting a new dossier)."""
    dossier.step_count += 1
    step = DossierStep(
        dossier=dossier, order=dossier.step_count, process_step_id=process_step_id, step_index=step_index,
        name=name[:300], role=role, unit=unit[:200], agency_id=agency_id,
        given_by=given_by if getattr(given_by, "pk", None) else None, assignee=assignee,
        budget_hours=budget_hours, started_at=now, due_at=step_due(now, budget_hours), note=note[:500],
    )
    if save:
        step.save(force_insert=True)
    dossier.current_step_index = step_index
    dossier.current_step_name = step.name
    dossier.current_unit = step.unit
    dossier.current_agency_id = agency_id
    dossier.current_officer = assignee
    return step


def _open_planned_step(dossier: Dossier, plan: StepPlan, *, now, given_by=None, assignee=None, note="",
                       save=True) -> DossierStep:
    return _open_step(
        dossier, now=now, name=plan.name, role=plan.role, unit=plan.unit,
        agency_id=plan.agency_id or dossier.competent_agency_id, budget_hours=plan.budget_hours,
        process_step_id=plan.process_step_id, step_index=plan.order, given_by=given_by, assignee=assignee, note=note,
        save=save,
    )


def _close_open_steps(dossier: Dossier, now, actor) -> DossierStep | None:
    """Finish the open step(s) of a dossier, each classified against its own due moment."""
    closed = None
    for step in DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True):
        step.finished_at = now
        step.finished_by = actor if getattr(actor, "pk", None) else None
        step.outcome = classify(now, step.due_at)
        step.save(update_fields=["finished_at", "finished_by", "outcome"])
        closed = step
    return closed


def _end_pause(dossier: Dossier, now) -> Pause | None:
    """Restart the clock: the dossier's and the open step's due moments move by the paused
    working time."""
    pause = Pause.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:
        return None
    with calendar_covered():
        minutes = legal_calendar().working_minutes_between(pause.started_at, now)
    pause.ended_at = now
    pause.working_minutes = round(minutes)
    pause.save(update_fields=["ended_at", "working_minutes"])
    # A due moment already passed when the clock stopped does not move (deadlines.due_after_pause).
    dossier.due_at = due_after_pause(dossier.due_at, pause.started_at, now)
    for step in DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True, due_at__isnull=False):
        step.due_at = due_after_pause(step.due_at, pause.started_at, now)
        step.save(update_fields=["due_at"])
    dossier.paused_minutes += round(minutes)
    dossier.paused_at = None
    return pause


def _finish(dossier: Dossier, now, actor) -> list[str]:
    """Close the dossier's handling: end a pause, close the step, classify. Returns changed fields."""
    if dossier.status in PAUSED_STATUSES or dossier.paused_at:
        _end_pause(dossier, now)
    _close_open_steps(dossier, now, actor)
    dossier.finished_at = now
    dossier.outcome = classify(now, dossier.due_at, dossier.supplement_count)
    return ["finished_at", "outcome", "due_at", "paused_at", "paused_minutes"]


def _start_clock(dossier: Dossier, profile: IntakeProfile, received_at, actor) -> None:
    dossier.received_at = received_at
    dossier.received_by = actor if getattr(actor, "pk", None) else None
    dossier.clock_started_at, dossier.due_at = due_at_receipt(profile, dossier.channel_in, received_at)
    dossier.original_due_at = dossier.due_at


def _open_first_step(dossier: Dossier, profile: IntakeProfile, now, actor, save=True) -> DossierStep | None:
    plan = profile.next_step(None)
    if plan is None:
        return None
    return _open_planned_step(dossier, plan, now=now, given_by=actor, assignee=None, save=save)
