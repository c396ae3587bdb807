from .base import (  # noqa: F401
    GATEWAYS,
    Gateway,
    GatewayResult,
    IpnAnswer,
    IpnOutcome,
    UnknownPlugin,
    get_gateway,
    register,
    registered,
)
