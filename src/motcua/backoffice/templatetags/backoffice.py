from django import template

register = template.Library()


@register.filter
def officer_name(user) -> str:
    """A person's full name: an officer's staff profile, a citizen's account, else the account's
    names (family name first) or, failing all, the user name; '' for nobody."""
    if user is None:
        return ""
    for holder in ("staff_profile", "citizen_account"):
        record = getattr(user, holder, None)
        if record is not None and record.full_name:
            return record.full_name
    return " ".join(p for p in (user.last_name, user.first_name) if p) or user.get_username()


@register.filter
def stored_label(item) -> str:
    """A stored document as the counter officer sees it: kind, number, issuer, where it came from."""
    parts = [item.kind, item.number, item.issuer]
    return " · ".join(p for p in parts if p) + f" ({item.get_source_display()})"


# The menu's counts stop here and show as "99+": the queue's own tabs give the exact figure.
BADGE_CAP = 100


@register.simple_tag
def queue_badges(user) -> dict:
    """The counts the navigation shows: online dossiers waiting for intake (for counter officers)
    and the unit's unassigned dossiers (for specialists and leaders), each at most BADGE_CAP."""
    from motcua.dossiers import selectors

    if not getattr(user, "is_authenticated", False):
        return {"online": 0, "unassigned": 0, "return": 0}
    return selectors.queue_tab_counts(user, cap=BADGE_CAP)


@register.filter
def badge_number(count: int) -> str:
    """A menu count as shown: the number, or "99+" from BADGE_CAP on."""
    from motcua.core.formatting import vn_number

    return f"{vn_number(BADGE_CAP - 1)}+" if count >= BADGE_CAP else vn_number(count)


@register.simple_tag
def officer_nav(user) -> dict:
    """Which navigation links this person's roles open (each page refuses the others with 404 or
    403, so the navigation never offers them): read from the request's Scope."""
    from motcua.organization.permissions import admin_scope, scope_of

    scope = scope_of(user)
    manages = admin_scope(user)
    manages_a_point = manages.everything or bool(manages.service_point_ids)
    return {
        "intake": scope.holds("dossier.receive"),
        "counter_queue": bool(scope.seats) or manages_a_point,
        "queue_statistics": manages_a_point,
        "reports": scope.holds("reports.view"),
        "feedback": scope.holds("reports.view") or scope.holds("dossier.examine"),
        "reconciliation": scope.holds("reports.view") or scope.holds("dossier.receive"),
        "admin": bool(getattr(user, "is_staff", False))
        and (scope.holds("catalog.manage") or scope.holds("service_point.manage")),
    }


@register.filter
def with_errors_described(field):
    """The field's widget, marked aria-invalid and described by its error message
    (`_field.html` gives the message the id "<field id>-errors") when the field has errors."""
    if not field.errors:
        return field.as_widget()
    return field.as_widget(attrs={"aria-invalid": "true", "aria-describedby": f"{field.auto_id}-errors"})
