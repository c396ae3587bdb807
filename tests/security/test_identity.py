"""Issue 17, point 2: who a citizen is must be proven.

An identity is verified only through VNeID (OIDC) or at the counter by an officer who saw the ID
card. A self-declared citizen ID gives access to nobody's documents or results, blocks nobody from
registering, and a VNeID sign-in never inherits a password account (sign in first, then link).
Synthetic people only.
"""
import datetime
import urllib.parse

import pytest
from django.core.files.base import ContentFile

from motcua.accounts import services as accounts
from motcua.accounts.models import AccountEvent, CitizenAccount, IdentitySource
from motcua.accounts.tests.test_oidc import callback, signed_in_account, start, visit_provider
from motcua.documents import services as documents
from motcua.documents.models import Source, StoredDocument
from motcua.documents.tests.conftest import PDF, paper_dossier  # noqa: F401  (fixture)
from motcua.documents.uploads import CheckedFile
from motcua.testing.world import APPLICANT
from tests.oidc_provider import SYNTHETIC_PERSON, oidc_provider  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

VICTIM_ID = APPLICANT["id_number"]  # the applicant of the counter dossier
ISSUER = "https://vneid.example.test"
PASSWORD = "Ch1m-Lac-Vang-2024"


def impostor_signs_up(citizen_id=VICTIM_ID, phone="0987000111", email="gia.mao@example.test"):
    return accounts.sign_up({
        "kind": "person", "full_name": APPLICANT["name"], "citizen_id": citizen_id,
        "birth_date": datetime.date(1990, 5, 17), "phone": phone, "email": email, "address": "",
    }, PASSWORD)


def checked_pdf(name="cccd.pdf"):
    return CheckedFile(name=name, data=PDF, content_type="application/pdf", size=len(PDF))


def scan_everything(officer, dossier, on_commit):
    with on_commit(execute=True):
        for document in dossier.documents.all():
            documents.digitise_document(officer, document, checked_pdf("scan.pdf"))


def test_impostor_gets_nothing_and_the_real_person_gets_everything(
        world, paper_dossier, django_capture_on_commit_callbacks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path)
    # Someone signs up with the victim's correctly formed citizen ID and plants a "CCCD".
    impostor = impostor_signs_up()
    assert not impostor.is_verified
    documents.store_upload(impostor.user, checked_pdf(), kind="Căn cước công dân", number=VICTIM_ID)

    # The victim's paper documents are scanned at the counter: nothing lands in the impostor's store,
    # and the counter re-use offers nothing for the victim's ID (not the planted "CCCD").
    scan_everything(world["counter"], paper_dossier, django_capture_on_commit_callbacks)
    assert paper_dossier.documents.filter(digitization=1).count() == paper_dossier.documents.count() > 0
    assert list(StoredDocument.objects.filter(owner=impostor.user).values_list("source", flat=True)) == [Source.UPLOAD]
    assert documents.reusable_at_counter(world["counter"], VICTIM_ID) == []
    # An electronic result of the victim's dossier does not land there either.
    paper_dossier.result_kind, paper_dossier.result_description = "electronic", "Giấy chứng nhận"
    paper_dossier.result_file = ContentFile(PDF, name="ket-qua.pdf")
    paper_dossier.save(update_fields=["result_kind", "result_description", "result_file"])
    assert documents.store_result(paper_dossier) is None
    assert StoredDocument.objects.filter(owner=impostor.user).count() == 1

    # The real person registers through VNeID: not blocked, and the self-declared claim is detached.
    with django_capture_on_commit_callbacks(execute=True):
        victim, created = accounts.sign_in_with_oidc(ISSUER, "vneid-real-person", VICTIM_ID, APPLICANT["name"],
                                                     datetime.date(1990, 5, 17))
    assert created and victim.is_verified and victim.identity_source == IdentitySource.OIDC
    impostor.refresh_from_db()
    assert impostor.citizen_id is None and not impostor.is_verified
    assert impostor.events.first().action == AccountEvent.Action.CITIZEN_ID_DETACHED
    assert impostor.citizen_id_detached  # told on the profile page

    # The documents held back are now in the real person's store: 3 scans and the result.
    filed = StoredDocument.objects.filter(owner=victim.user)
    assert sorted(filed.values_list("source", flat=True)) == sorted(
        [Source.DIGITISED] * paper_dossier.documents.count() + [Source.RESULT])
    offered = documents.reusable_at_counter(world["counter"], VICTIM_ID)
    assert {item.owner_id for item in offered} == {victim.user_id}
    assert StoredDocument.objects.filter(owner=impostor.user).count() == 1  # only the own upload


def test_a_self_declared_id_blocks_nobody_but_a_verified_one_does(client):
    impostor_signs_up()
    # The real person can sign up with a password too (neither is verified).
    second = impostor_signs_up(phone="0987000222", email="that.la.toi@example.test")
    assert CitizenAccount.objects.filter(citizen_id=VICTIM_ID).count() == 2
    officer_verified = accounts._verified_holder(VICTIM_ID)
    assert officer_verified is None
    CitizenAccount.objects.filter(pk=second.pk).update(identity_source=IdentitySource.COUNTER)
    response = client.post("/tai-khoan/dang-ky/", {
        "kind": "person", "full_name": "Người Thứ Ba", "citizen_id": VICTIM_ID, "birth_date": "1990-05-17",
        "phone": "0987000333", "email": "", "address": "", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 400
    assert CitizenAccount.objects.filter(phone="0987000333").count() == 0


def test_vneid_sign_in_does_not_inherit_a_password_account_then_linking_works(client, oidc_provider):
    citizen_id = SYNTHETIC_PERSON["citizen_id"]
    owner = impostor_signs_up(citizen_id=citizen_id, phone="0912345678", email="thu.ha@example.test")
    # Signing in through VNeID creates a separate verified account: no password inherited.
    callback(client, visit_provider(start(client, oidc_provider)))
    created = signed_in_account(client)
    assert created.pk != owner.pk and not created.user.has_usable_password()
    owner.refresh_from_db()
    assert owner.oidc_subject == "" and owner.citizen_id is None
    # That VNeID account is now the verified holder; the password owner cannot take it over by linking.
    client.logout()
    assert client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD}).status_code == 302
    response = client.post("/tai-khoan/vneid/", {"link": "1"})
    refused = callback(client, visit_provider(response["Location"]))
    assert refused.status_code == 400 and refused.context["code"] == "linked_elsewhere"


def test_linking_after_password_sign_in(client, oidc_provider):
    owner = impostor_signs_up(citizen_id=SYNTHETIC_PERSON["citizen_id"], phone="0912345678",
                              email="thu.ha@example.test")
    assert client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD}).status_code == 302
    profile = client.get("/tai-khoan/").content.decode()
    assert 'id="identity-unverified"' in profile and 'id="vneid-link"' in profile
    assert client.get("/tai-khoan/vneid/?link=1").status_code == 302  # a GET never links
    assert "link_account" not in client.session["accounts_oidc_flow"]
    response = client.post("/tai-khoan/vneid/", {"link": "1"})
    assert urllib.parse.urlsplit(response["Location"]).path.endswith("/authorize")
    answer = callback(client, visit_provider(response["Location"]))
    assert answer.status_code == 302
    owner.refresh_from_db()
    assert owner.is_verified and owner.identity_source == IdentitySource.OIDC
    assert (owner.oidc_issuer, owner.oidc_subject) == (oidc_provider.issuer, "vneid-synthetic-0001")
    assert owner.user.check_password(PASSWORD)  # the same account, its own password
    assert owner.events.first().action == AccountEvent.Action.OIDC_LINKED
    assert CitizenAccount.objects.count() == 1
    # Later VNeID sign-ins find it.
    client.logout()
    callback(client, visit_provider(start(client, oidc_provider)))
    assert signed_in_account(client).pk == owner.pk


def test_counter_verification_is_for_counter_officers_and_audited(client, world):  # noqa: F811
    impostor = impostor_signs_up(phone="0987000111")
    real = impostor_signs_up(phone="0987000222", email="that.la.toi@example.test")
    url = "/mot-cua/tiep-nhan/xac-minh-danh-tinh/"
    form = {"identifier": "0987 000 222", "citizen_id": VICTIM_ID, "card_seen": "on"}
    # Not a counter officer: the page does not exist; a citizen neither.
    client.force_login(world["leader"])
    assert client.post(url, form).status_code == 404
    client.force_login(real.user)
    assert client.post(url, form).status_code in (403, 404)
    with pytest.raises(accounts.IdentityError):
        accounts.verify_at_counter(world["leader"], real, VICTIM_ID)
    # Without ticking that the card was seen: refused, nothing changes.
    client.force_login(world["counter"])
    assert 'id="verify-identity-link"' in client.get("/mot-cua/tiep-nhan/").content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {**form, "card_seen": ""}).status_code == 400
    real.refresh_from_db()
    assert not real.is_verified
    response = client.post(url, form)
    assert response.status_code == 302
    real.refresh_from_db()
    assert real.is_verified and real.identity_source == IdentitySource.COUNTER
    assert real.identity_verified_by == world["counter"]
    event = real.events.first()
    assert (event.action, event.actor) == (AccountEvent.Action.COUNTER_VERIFIED, world["counter"])
    impostor.refresh_from_db()
    assert impostor.citizen_id is None
    # A second account cannot be verified with the same ID: the page says so, nothing changes.
    response = client.post(url, {**form, "identifier": "0987000111"})
    assert response.status_code == 400
    assert "đã được xác thực với số định danh cá nhân này" in response.content.decode()
    impostor.refresh_from_db()
    assert not impostor.is_verified
    # A verified identity is not edited by hand on the profile page.
    client.force_login(real.user)
    page = client.get("/tai-khoan/").content.decode()
    assert 'id="identity-unverified"' not in page
