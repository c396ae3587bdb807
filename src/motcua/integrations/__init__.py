"""Connectors to systems outside motcua (population register, ...), each with a local simulator."""
