"""The ceiling for bench_queueing.py's board figure: a bare WSGI app answering 304 to every request,
served by the same gunicorn and hit by the same client, so the board's rate can be read against
what this machine gives at the time of the run (no Django, no database)."""


def app(environ, start_response):
    start_response("304 Not Modified", [("ETag", environ.get("HTTP_IF_NONE_MATCH", '"x"'))])
    return [b""]
