"""The client's address behind the reverse proxy.

Every part of the project that needs the client's address (sign-in lockout, tracking throttle,
access log, /metrics) reads REMOTE_ADDR. Behind nginx that is nginx's own address (or nothing, over
a Unix socket), so with PROXY_CLIENT_IP_HEADER set (nginx: `X-Real-IP`, which it overwrites with
the address it saw) this middleware puts the header's address into REMOTE_ADDR, but only when the
peer is one of PROXY_TRUSTED_NETWORKS or a Unix socket: a client that reaches the application
directly cannot choose its address. A header that is not an IP address is ignored.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=16)
def parse_networks(networks: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in networks)


def address_in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in parse_networks(tuple(networks)))


class ProxyClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = getattr(settings, "PROXY_CLIENT_IP_HEADER", "")
        if header:
            peer = request.META.get("REMOTE_ADDR", "")
            if not peer or address_in(peer, getattr(settings, "PROXY_TRUSTED_NETWORKS", ())):
                given = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
                try:
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(given))
                except ValueError:
                    pass
        return self.get_response(request)
