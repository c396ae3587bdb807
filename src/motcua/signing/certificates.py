"""Certificates: a local root CA and the certificates it issues (demo and tests), PKCS#12 files,
and the checks made before anything is signed."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils.translation import gettext as _

from .errors import SigningError


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organization: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(parts)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def make_root(common_name: str, *, not_before: datetime.datetime, years: int = 20, key=None) -> Issued:
    key = key or new_key()
    subject = _name(common_name)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(not_before)
        .not_valid_after(not_before + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue(root: Issued, common_name: str, *, organization: str = "", not_before: datetime.datetime,
          days: int = 365 * 3, non_repudiation: bool = True, key=None) -> Issued:
    """A signing certificate: digital signature and (by default) non-repudiation key usage."""
    key = key or new_key()
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name, organization)).issuer_name(root.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_before + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=non_repudiation,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root.key, hashes.SHA256())
    )
    return Issued(key, cert)


def to_pkcs12(issued: Issued, password: str, *, chain=(), friendly_name: str = "") -> bytes:
    """PBES2 with AES-256 and 2,048 PBKDF2 rounds (OpenSSL's default for `openssl pkcs12`, as the
    files CAs hand out): opening it costs milliseconds, not the ~150 ms of 'best available'."""
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(password.encode()))
    return pkcs12.serialize_key_and_certificates(
        (friendly_name or "motcua").encode(), issued.key, issued.cert, list(chain), encryption,
    )


def from_pkcs12(data: bytes, password: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Key, certificate and chain; a wrong password is a refusal."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, (password or "").encode())
    except ValueError:
        raise SigningError("invalid", _("The password of the signing certificate (PKCS#12) is wrong.")) from None
    if key is None or cert is None:
        raise SigningError("invalid", _("The PKCS#12 file holds no key and certificate."))
    return key, cert, list(chain or [])


def check_usable(cert: x509.Certificate, at: datetime.datetime) -> None:
    """Refuse a certificate that is not valid at `at` or lacks the non-repudiation key usage."""
    if at < cert.not_valid_before_utc:
        raise SigningError("invalid", _("The signing certificate is not valid yet (valid from %(date)s).")
                           % {"date": cert.not_valid_before_utc.strftime("%d/%m/%Y")})
    if at > cert.not_valid_after_utc:
        raise SigningError("invalid", _("The signing certificate expired on %(date)s.")
                           % {"date": cert.not_valid_after_utc.strftime("%d/%m/%Y")})
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.content_commitment:
        raise SigningError("invalid", _("The signing certificate lacks the non-repudiation key usage; "
                                        "it cannot sign documents with legal value."))


def subject_name(cert: x509.Certificate) -> str:
    found = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else cert.subject.rfc4514_string()


def sign_hash(key, data_hash: bytes) -> bytes:
    """The raw signature of a SHA-256 hash (PKCS#1 v1.5), as a token or remote service makes it."""
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    return key.sign(data_hash, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
