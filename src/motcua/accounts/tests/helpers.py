"""Shared helpers of the accounts tests: synthetic people only."""
from motcua.accounts import services
from motcua.accounts.models import AccountKind

PASSWORD = "Ch1m-Lac-Vang-2024"


def sign_up_data(**overrides) -> dict:
    data = {
        "kind": AccountKind.PERSON,
        "full_name": "Nguyễn Văn An",
        "citizen_id": "038085001234",
        "birth_date": "1985-03-14",
        "phone": "0912 345 678",
        "email": "an.nguyen@example.test",
        "address": "Số 5, đường Lê Lợi, Phường Đông Thành",
        "business_name": "",
        "tax_code": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def make_account(phone="0912345678", email="an.nguyen@example.test", citizen_id="038085001234", verified=True,
                 **extra):
    """A signed-up account. `verified`: its phone and e-mail were verified by their codes long ago
    (the codes and their messages are gone), so the tests start from an empty outbox."""
    import datetime

    data = {"kind": AccountKind.PERSON, "full_name": "Nguyễn Văn An", "citizen_id": citizen_id,
            "birth_date": datetime.date(1985, 3, 14), "phone": phone, "email": email, "address": ""}
    data.update(extra)
    account = services.sign_up(data, PASSWORD)
    if verified:
        mark_contacts_verified(account)
    return account


def mark_contacts_verified(account):
    from django.utils import timezone

    from motcua.accounts.models import CitizenAccount, PasswordReset
    from motcua.notifications.models import OutboxMessage

    PasswordReset.objects.filter(account=account).delete()
    OutboxMessage.objects.filter(event_kind="contact_verification",
                                 recipient__in=[account.phone or "", account.email or ""]).delete()
    now = timezone.now()
    CitizenAccount.objects.filter(pk=account.pk).update(phone_verified_at=now if account.phone else None,
                                                        email_verified_at=now if account.email else None)
    account.refresh_from_db()
    return account
