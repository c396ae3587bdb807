from .base import Gateway, GatewayResult, get_gateway, register, registered  # noqa: F401
