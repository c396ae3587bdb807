"""Setting up credentials: a local root CA trusted by the verification, PKCS#12 credentials it
issues, and signers of the remote-signing simulator (the demo loader and the tests use these)."""
from __future__ import annotations

import datetime

from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from . import certificates
from .models import SigningCredential, SimulatedSigner, TrustAnchor


def local_root(name: str = "motcua demo root CA", *, not_before=None, trust: bool = True) -> certificates.Issued:
    root = certificates.make_root(name, not_before=not_before or timezone.now() - datetime.timedelta(days=1))
    if trust:
        TrustAnchor.objects.create(name=name, certificate_pem=root.pem().decode())
    return root


def pkcs12_credential(root: certificates.Issued, *, agency, signer_name: str, password: str, holder=None,
                      position: str = "", kind: str = SigningCredential.Kind.PERSONAL, not_before=None,
                      days: int = 365 * 3, non_repudiation: bool = True, key=None) -> SigningCredential:
    issued = certificates.issue(root, signer_name, organization=agency.name, days=days,
                                not_before=not_before or timezone.now() - datetime.timedelta(days=1),
                                non_repudiation=non_repudiation, key=key)
    return SigningCredential.objects.create(
        kind=kind, holder=holder, agency=agency, signer_name=signer_name, position=position, backend="pkcs12",
        certificate_pem=issued.pem().decode(), chain_pem=root.pem().decode(),
        pkcs12=certificates.to_pkcs12(issued, password, chain=[root.cert], friendly_name=signer_name),
    )


def simulated_remote_credential(root: certificates.Issued, *, agency, signer_name: str, holder, user_id: str,
                                position: str = "", not_before=None, days: int = 365 * 3,
                                key=None) -> SigningCredential:
    issued = certificates.issue(root, signer_name, organization=agency.name, days=days,
                                not_before=not_before or timezone.now() - datetime.timedelta(days=1), key=key)
    SimulatedSigner.objects.update_or_create(user_id=user_id, defaults={
        "key_pem": issued.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode(),
        "certificate_pem": issued.pem().decode(), "chain_pem": root.pem().decode(),
    })
    return SigningCredential.objects.create(
        kind=SigningCredential.Kind.PERSONAL, holder=holder, agency=agency, signer_name=signer_name,
        position=position, backend="remote-simulator", certificate_pem=issued.pem().decode(),
        chain_pem=root.pem().decode(), remote_user_id=user_id,
    )
