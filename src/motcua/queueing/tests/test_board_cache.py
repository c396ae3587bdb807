"""The board's JSON kept a moment per process: polls within the moment cost no query, a change in
this process is shown at once, and with the keeping turned off every poll computes the board."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.queueing import board_cache, services

from .conftest import at

NINE = at(2026, 3, 2, 9, 0)


def test_polls_within_the_moment_cost_no_query_and_a_call_shows_at_once(client, centre, time_machine, settings):
    settings.QUEUEING_BOARD_CACHE_SECONDS = 60  # longer than the test: only a change may renew it
    board_cache.forget()
    time_machine.move_to(NINE, tick=False)
    url = f"/xep-hang/{centre['point'].code}/bang.json"
    services.issue_ticket(centre["A"], now=NINE)
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(queries) == 0
    services.call_next(centre["officer1"], centre["counters"][1], now=NINE)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and '"ticket":"A-001"' in changed.content.decode()
    assert client.get("/xep-hang/khong-co/bang.json").status_code == 404


def test_keeping_turned_off_computes_every_poll(client, centre, time_machine, settings):
    settings.QUEUEING_BOARD_CACHE_SECONDS = 0
    board_cache.forget()
    time_machine.move_to(NINE, tick=False)
    url = f"/xep-hang/{centre['point'].code}/bang.json"
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries) >= 3


def test_the_wsgi_shortcut_answers_304_for_the_kept_etag_only(client, centre, time_machine, settings):
    from django.urls import reverse

    from motcua.queueing.board_cache import BoardShortcut

    settings.QUEUEING_BOARD_CACHE_SECONDS = 60
    board_cache.forget()
    time_machine.move_to(NINE, tick=False)
    path = reverse("queueing:board_json", args=[centre["point"].code])
    assert board_cache.BOARD_PATH.match(path)
    passed = []

    def django(environ, start_response):
        passed.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"{}"]

    app = BoardShortcut(django)
    answers = []

    def start_response(status, headers):
        answers.append((status, dict(headers)))

    def poll(etag, method="GET", path=path):
        return app({"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_IF_NONE_MATCH": etag}, start_response)

    etag = client.get(path)["ETag"]  # computed and kept by the view
    assert poll(etag) == [] and answers[-1] == ("304 Not Modified", {
        "ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
    assert passed == []
    poll('"other"')
    poll(etag, method="POST")
    poll(etag, path="/xep-hang/khac/bang.json")
    assert passed == [path, path, "/xep-hang/khac/bang.json"]
    services.issue_ticket(centre["A"], now=NINE)  # a change forgets the kept board: Django answers
    poll(etag)
    assert len(passed) == 4
