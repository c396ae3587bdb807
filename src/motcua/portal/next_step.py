"""What the citizen's dossier page says first: the status in plain words and the next step."""
from django.utils.translation import gettext as _

from motcua.dossiers.models import ReturnChannel, Status


def next_step(dossier, *, owed, can_pay_online, can_supplement, rated) -> dict:
    """{"headline", "text", "href", "label"}: href/label point at the button that does the step."""
    status, step = dossier.status, {"href": "", "label": ""}
    if status == Status.NEW:
        step.update(headline=_("Sent; waiting for the counter officer to receive it"),
                    text=_("Nothing to do now: you get a message when your dossier is received or needs a change."))
    elif status == Status.WAITING_SUPPLEMENT and can_supplement:
        step.update(headline=_("Waiting for you to supplement the dossier"),
                    text=_("Upload what is missing below, then press “Send the supplement”."),
                    href="#supplement-title", label=_("Supplement the dossier"))
    elif owed and can_pay_online:
        step.update(headline=_("Waiting for the fee") if status == Status.WAITING_PAYMENT else _("Fee to pay"),
                    text=_("Pay what is still owed: press “Pay” in the fees section."),
                    href="#fee", label=_("Go to the payment"))
    elif status in (Status.RECEIVED, Status.PROCESSING, Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT):
        step.update(headline=_("Your dossier is being handled"),
                    text=_("Nothing to do now: the result is due on the date below. You get a message when it is ready."))
    elif status == Status.RESOLVED:
        if dossier.return_channel == ReturnChannel.ONLINE and dossier.result_file:
            text = _("Download the electronic result below.")
        elif dossier.return_channel == ReturnChannel.ONLINE:
            text = _("The electronic result will be on this page.")
        elif dossier.return_channel == ReturnChannel.COUNTER:
            text = _("Collect it at the counter with your citizen ID card.")
        else:
            text = _("It is sent by post to the address below.")
        step.update(headline=_("The result is ready"), text=text)
    elif status == Status.RETURNED:
        step.update(headline=_("The result has been returned"),
                    text=_("You have rated this dossier. Thank you.") if rated
                    else _("Tell us how you were served: press “Rate”."))
    elif status == Status.NOT_RECEIVED:
        step.update(headline=_("Not received"), text=_("See the reason in the history below; you may apply again."))
    elif status == Status.WITHDRAWN:
        step.update(headline=_("The dossier has been withdrawn"), text=_("The dossier is closed. To go on, apply again."))
    else:
        step.update(headline=_("Handling has stopped"), text=_("See the reason in the history below."))
    if owed and not can_pay_online and status in (Status.RECEIVED, Status.PROCESSING, Status.WAITING_PAYMENT,
                                                   Status.RESOLVED):
        step["text"] += " " + _("A fee is still owed: pay it at the counter.")
    return step
