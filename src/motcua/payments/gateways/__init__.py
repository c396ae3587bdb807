from motcua.core.registry import UnknownPlugin  # noqa: F401

from .base import (  # noqa: F401
    GATEWAYS,
    Gateway,
    GatewayResult,
    IpnAnswer,
    IpnOutcome,
    get_gateway,
    register,
    registered,
    selected_simulators,
)
