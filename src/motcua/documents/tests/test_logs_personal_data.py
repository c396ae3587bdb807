"""No personal data in log lines (motcua.core.logs): a citizen applies online with uploads, the
counter accepts, asks for a supplement, the citizen answers, the result is issued (the notifications
go out through the console provider, which logs each one), an officer opens the files and someone
tracks the dossier with the phone number; every line logged at INFO is then read. The applicant's
name, citizen ID, phone and e-mail appear in none."""
import json

import pytest

from motcua.core.tests.test_operations import every_log_line  # noqa: F401  (fixture)
from motcua.notifications import services as notifications
from motcua.notifications.models import OutboxMessage

from .conftest import APPLICANT
from .test_file_access import kinds, officer_url, online  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_journey_logs_no_name_citizen_id_phone_or_email(every_log_line, client, world, online):  # noqa: F811
    client.force_login(world["counter"])
    for document in kinds(online).values():
        assert client.get(officer_url(online, document)).status_code == 200
    client.logout()
    assert client.get("/tra-cuu/", {"ma": online.code, "xac_minh": APPLICANT["phone"]}).status_code == 200
    client.get("/tra-cuu/", {"ma": online.code, "xac_minh": "0999999999"})

    # A message to the applicant, delivered through the console provider (which logs each one).
    for channel, recipient in (("sms", APPLICANT["phone"]), ("email", APPLICANT["email"])):
        message, _created = notifications.queue_message(kind="received", channel=channel, recipient=recipient,
                                                        context={"code": online.code}, dossier_code=online.code)
        if message is not None:
            notifications.attempt_delivery(message.pk)
    lines = [json.loads(line) for line in every_log_line.getvalue().splitlines()]
    assert OutboxMessage.objects.filter(recipient=APPLICANT["phone"], status="sent").exists()  # it went out...
    assert any("notification sms to [redacted]" in line["message"] for line in lines)  # ...and were logged
    text = every_log_line.getvalue()
    for value in (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["email"],
                  "Trần Thị Mẫu", "038190012399", "0912 345 678"):
        assert value not in text, value
