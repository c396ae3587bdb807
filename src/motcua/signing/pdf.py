"""PAdES signing of a PDF in two halves, so a remote signer can sit in between.

`prepare()` adds the visible signature field (signer, position, agency, time, a QR code to the
verification page) on the last page, reserves the signature, and returns the bytes to be signed
(the DER of the CMS signed attributes; their SHA-256 is the hash a remote service signs).
`finish()` takes the raw signature value, checks it against the certificate's public key for that
very hash (an answer for another digest is refused), builds the CMS and writes it into the
reserved place. The PKCS#12 backend runs both halves at once; the remote one stores the prepared
state (`Prepared.dump()`) between them.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import io
import os
import unicodedata

from dataclasses import dataclass
from pathlib import Path

import segno
from asn1crypto import cms, x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import generic, layout, text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.writer import init_xobject_dictionary
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner, PdfTBSDocument
from pyhanko.stamp.qr import QRPosition, QRStamp, QRStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
if not FONT.exists():  # pragma: no cover - the font-roboto package is a dependency anyway
    import font_roboto

    FONT = Path(font_roboto.font_directory) / "Roboto-Regular.ttf"

# Room for the CMS (hex, so twice its DER): a chain of a few certificates and a time-stamp token fit
# easily; fixed, so pyHanko need not make a dummy signature to estimate it on every signing.
RESERVED = 32768

# Width x height of the signature block (points), from the bottom right of the last page.
BLOCK_W, BLOCK_H, MARGIN = 280, 84, 28


class BadPdf(Exception):
    """Not a PDF pyHanko can read, or an encrypted one."""


class WrongSignature(Exception):
    """The signature value does not verify for the prepared hash with the certificate's key."""


def open_writer(data: bytes) -> IncrementalPdfFileWriter:
    if not data.startswith(b"%PDF-"):
        raise BadPdf("not a pdf")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise BadPdf(str(exc)) from exc
    if writer.prev.encrypted:
        raise BadPdf("encrypted")
    return writer


class _SegnoQRStamp(QRStamp):
    """pyHanko's QR stamp with the QR drawn from segno (already a dependency) as filled squares."""

    def _qr_xobject(self):
        qr = segno.make(self.url, error="m")
        border = 2
        size = len(qr.matrix) + 2 * border
        cmds = [b"0 0 0 rg"]
        for y, row in enumerate(qr.matrix):
            for x, dark in enumerate(row):
                if dark:
                    cmds.append(b"%d %d 1 1 re" % (x + border, size - 1 - (y + border)))
        cmds.append(b"f")
        xobj = init_xobject_dictionary(b"\n".join(cmds), size, size)
        xobj.compress()
        return self.writer.add_object(xobj), size


class SegnoQRStampStyle(QRStampStyle):
    def create_stamp(self, writer, box, text_params):
        url = text_params.pop("url")
        return _SegnoQRStamp(writer, style=self, url=url, text_params=text_params, box=box)


_font_factory = None

# Latin, Vietnamese (Latin Extended-A/B letters, combining marks, Latin Extended Additional),
# punctuation and the đồng sign.
BLOCK_CHARACTERS = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x1A0, 0x1B1), *range(0x300, 0x324),
                    *range(0x1EA0, 0x1EFA), *range(0x2010, 0x2027), 0x20AB]


def _block_font() -> str:
    """The font cut down once per process to the characters of the block: pyHanko subsets the
    font on every signature, and subsetting the whole DejaVu Sans (750 KB) costs ~0.5 s a time."""
    import hashlib
    import tempfile

    from fontTools import subset

    target = Path(tempfile.gettempdir()) / f"motcua-signing-v4-{hashlib.sha1(str(FONT).encode()).hexdigest()[:10]}.ttf"
    if not target.exists():
        options = subset.Options()
        # Precomposed letters only (the text is NFC): no shaping tables, which are most of the
        # font's parsing cost on every signature.
        options.layout_features = []
        options.drop_tables += ["GPOS", "GSUB", "GDEF", "FFTM"]
        options.notdef_outline = True
        options.hinting = False  # hinting does not survive the rescaling below (dots of i and : went missing)
        font = subset.load_font(str(FONT), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=BLOCK_CHARACTERS)
        subsetter.subset(font)
        # pyHanko writes the glyph widths (/W) in font units as if there were 1,000 a em; DejaVu
        # has 2,048, which spread the letters apart: rescale the font to 1,000 units.
        from fontTools.ttLib.scaleUpem import scale_upem

        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        subset.save_font(font, str(partial), options)
        os.replace(partial, target)  # atomic: parallel processes never read half a file
    return str(target)


def _style() -> SegnoQRStampStyle:
    global _font_factory
    if _font_factory is None:
        _font_factory = GlyphAccumulatorFactory(_block_font(), font_size=8)
    return SegnoQRStampStyle(
        stamp_text="%(lines)s",
        text_box_style=text.TextBoxStyle(font=_font_factory, font_size=8, leading=10),
        border_width=1, background=None, qr_position=QRPosition.LEFT_OF_TEXT,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(3),
        ),
    )


def _lines(block: dict) -> str:
    """The block's text: label, signer, position (if any), agency (unless it is the signer: a
    seal), time; NFC, as the font keeps precomposed letters only."""
    parts = [block.get("label"), block.get("signer"), block.get("position"),
             block.get("agency") if block.get("agency") != block.get("signer") else "", block.get("when")]
    return "\n".join(unicodedata.normalize("NFC", str(p)) for p in parts if p)


def load_cert(der_or_pem: bytes) -> x509.Certificate:
    if der_or_pem.lstrip().startswith(b"-----"):
        return x509.load_pem_x509_certificate(der_or_pem)
    return x509.load_der_x509_certificate(der_or_pem)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _mechanism(cert: x509.Certificate) -> str:
    return "sha256_ecdsa" if isinstance(cert.public_key(), ec.EllipticCurvePublicKey) else "sha256_rsa"


def verify_raw(cert: x509.Certificate, data_hash: bytes, signature: bytes) -> None:
    """Raises WrongSignature unless `signature` signs the SHA-256 `data_hash` with cert's key."""
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data_hash, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data_hash, ec.ECDSA(Prehashed(hashes.SHA256())))
        else:
            raise WrongSignature("unsupported key")
    except InvalidSignature as exc:
        raise WrongSignature("signature does not match the hash") from exc


@dataclass
class Prepared:
    """The state kept between the two halves."""

    pdf: bytes  # the document with the reserved, empty signature
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attrs: bytes  # DER of the CMS signed attributes

    @property
    def to_be_signed(self) -> bytes:
        """The SHA-256 the signer signs: of the DER signed attributes (CMS rule)."""
        return hashlib.sha256(self.signed_attrs).digest()

    def dump(self) -> dict:
        return {"document_digest": self.document_digest.hex(), "reserved_start": self.reserved_start,
                "reserved_end": self.reserved_end, "signed_attrs": self.signed_attrs.hex()}

    @classmethod
    def load(cls, pdf: bytes, state: dict) -> Prepared:
        return cls(pdf=pdf, document_digest=bytes.fromhex(state["document_digest"]),
                   reserved_start=int(state["reserved_start"]), reserved_end=int(state["reserved_end"]),
                   signed_attrs=bytes.fromhex(state["signed_attrs"]))


def _signer(cert: x509.Certificate, chain: list[x509.Certificate], value: bytes | None = None):
    key_size = getattr(cert.public_key(), "key_size", 2048)
    return signers.ExternalSigner(
        signing_cert=_asn1(cert), cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]),
        signature_value=value if value is not None else bytes(max(key_size // 8, 72)),
        signature_mechanism=cms.SignedDigestAlgorithm({"algorithm": _mechanism(cert)}),
    )


def next_field_name(data: bytes) -> str:
    writer = open_writer(data)
    taken = {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev)}
    n = 1
    while f"Signature{n}" in taken:
        n += 1
    return f"Signature{n}"


def prepare(data: bytes, *, cert: x509.Certificate, chain: list[x509.Certificate], block: dict,
            url: str, slot: int = 0, reason: str = "", location: str = "") -> Prepared:
    """Add the field and the visible block (slot 0 bottom right, 1 just above it: the seal)."""
    writer = open_writer(data)
    page_count = int(writer.root["/Pages"]["/Count"])
    page = writer.root["/Pages"]
    last = _last_page(writer)
    media = [float(v) for v in last.get("/MediaBox", page.get("/MediaBox", [0, 0, 595, 842]))]
    x2 = media[2] - MARGIN
    y1 = media[1] + MARGIN + slot * (BLOCK_H + 6)
    field_name = next_field_name(data)
    rect = (int(x2 - BLOCK_W), int(y1), int(x2 - BLOCK_W + BLOCK_H), int(y1 + BLOCK_H))  # the QR's square
    if slot == 0:  # one link (the seal's block sits above it): an annotation added later would be a change
        _add_link(writer, page_count - 1, rect, url)
    fields.append_signature_field(writer, fields.SigFieldSpec(
        field_name, on_page=page_count - 1, box=(int(x2 - BLOCK_W), int(y1), int(x2), int(y1 + BLOCK_H))))
    meta = PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, name=block.get("signer") or None,
    )
    ext = _signer(cert, chain)
    pdf_signer = PdfSigner(meta, signer=ext, stamp_style=_style())

    async def run():
        prep, tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=RESERVED, appearance_text_params={"lines": _lines(block), "url": url},
        )
        attrs = await ext.signed_attrs(prep.document_digest, "sha256", use_pades=True)
        return prep, tbs, output, attrs

    prep, tbs, output, attrs = _run(run())
    output.seek(0)
    return Prepared(pdf=output.read(), document_digest=prep.document_digest, reserved_start=prep.reserved_region_start,
                    reserved_end=prep.reserved_region_end, signed_attrs=attrs.dump())


def outside_event_loop(function, *args, **kwargs):
    """Call a synchronous pyHanko function that runs its own event loop (`validate_pdf_signature`
    ...): in a helper thread when this thread already runs one (see `_run`)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _run(coroutine):
    """pyHanko's signing is async; run it to the end. A thread that already runs an event loop
    (an ASGI server, Playwright's sync API in the browser tests) cannot `asyncio.run`, so the
    coroutine then gets a loop of its own in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _add_link(writer, page_index: int, rect, url: str) -> None:
    """A link annotation over the QR code (a signature appearance is not clickable by itself)."""
    annot = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Link"),
        generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
        generic.pdf_name("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
        generic.pdf_name("/F"): generic.NumberObject(4),
        generic.pdf_name("/A"): generic.DictionaryObject({
            generic.pdf_name("/S"): generic.pdf_name("/URI"),
            generic.pdf_name("/URI"): generic.TextStringObject(url),
        }),
    })
    ref = writer.add_object(annot)
    page = writer.find_page_for_modification(page_index)[0].get_object()
    annots = page.get("/Annots")
    if annots is None:
        page[generic.pdf_name("/Annots")] = generic.ArrayObject([ref])
        writer.update_container(page)
    else:
        raw = page.raw_get("/Annots")
        annots.append(ref)
        writer.update_container(annots if isinstance(raw, generic.IndirectObject) else page)


def _last_page(writer):
    node = writer.root["/Pages"]
    while node.get("/Type") == "/Pages" or "/Kids" in node:
        node = node["/Kids"][-1].get_object()
    return node


def finish(prepared: Prepared, *, cert: x509.Certificate, chain: list[x509.Certificate], signature: bytes,
           timestamper=None) -> bytes:
    """Embed the signature value; B-T when a `timestamper` (pyHanko HTTPTimeStamper) is given."""
    verify_raw(cert, prepared.to_be_signed, signature)
    ext = _signer(cert, chain, signature)
    attrs = cms.CMSAttributes.load(prepared.signed_attrs)

    async def run():
        sig_cms = await ext.async_sign_prescribed_attributes("sha256", signed_attrs=attrs, timestamper=timestamper)
        out = io.BytesIO(prepared.pdf)
        digest = PreparedByteRangeDigest(document_digest=prepared.document_digest,
                                         reserved_region_start=prepared.reserved_start,
                                         reserved_region_end=prepared.reserved_end)
        await PdfTBSDocument.async_finish_signing(out, digest, sig_cms)
        return out.getvalue()

    return _run(run())


def page_count(data: bytes) -> int:
    return int(open_writer(data).root["/Pages"]["/Count"])



