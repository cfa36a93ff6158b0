"""What of a picture may be published as a file of its own (RSS ``media/``, EPUB).

A picture an article names is untrusted bytes. Published next to a feed, it
is served from the publisher's origin, so its type and content must be
decided here, never by its file name:

- JPEG, PNG, GIF and WebP are published as they are: the gate
  (:func:`exporter.resources.inspect_image`) recognised them by content and
  decoded every pixel (truncated files are refused there); the extension and
  type are the ones the content says.
- Every other raster format Pillow reads (BMP, TIFF, ICO, PPM...) is
  re-encoded to PNG: nothing of the original bytes is published.
- SVG is *sanitised* by rebuilding it from a whitelist with lxml: only known
  drawing elements and attributes in the SVG namespace are copied; scripts,
  ``foreignObject``, animation, event attributes (``onload``...), styles and
  links that reach outside the document (``javascript:``, ``http:``,
  ``file:``; only ``#fragment`` and raster ``data:`` pictures remain) are
  dropped, and so are comments, processing instructions and the DOCTYPE
  (entities are never expanded, no network or DTD is loaded). Sanitising
  keeps vector quality and text; rasterising would need a second SVG
  renderer. An SVG lxml cannot parse is refused.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exporter.errors import ResourceError

if TYPE_CHECKING:
    from lxml import etree

    from exporter.resources import ImageInfo

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"



def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: formats published byte for byte (after the gate decoded them)
VERBATIM = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
            "GIF": ("image/gif", ".gif"), "WEBP": ("image/webp", ".webp")}

#: SVG elements copied; anything else is dropped with everything inside it
SVG_ELEMENTS = _names("""
svg g defs symbol use title desc switch
path rect circle ellipse line polyline polygon image
text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
fePointLight feSpecularLighting feSpotLight feTile feTurbulence
""")

#: elements whose children are kept but which are themselves dropped (a link)
SVG_UNWRAP = frozenset({"a"})

#: attributes copied (no namespace); event handlers and ``style`` are not here
SVG_ATTRIBUTES = _names("""
id class lang tabindex viewBox preserveAspectRatio width height x y x1 y1 x2 y2
cx cy r rx ry fx fy fr d points pathLength transform version baseProfile
gradientUnits gradientTransform spreadMethod offset patternUnits patternContentUnits
patternTransform clipPathUnits maskUnits maskContentUnits markerUnits markerWidth
markerHeight refX refY orient filterUnits primitiveUnits result in in2 mode type values
operator k1 k2 k3 k4 stdDeviation dx dy rotate textLength lengthAdjust startOffset method
spacing side kernelMatrix order divisor bias targetX targetY edgeMode preserveAlpha
surfaceScale diffuseConstant specularConstant specularExponent kernelUnitLength
azimuth elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle scale xChannelSelector
yChannelSelector radius baseFrequency numOctaves seed stitchTiles tableValues slope
intercept amplitude exponent href
alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
color-interpolation-filters color-rendering direction display dominant-baseline fill
fill-opacity fill-rule filter flood-color flood-opacity font font-family font-size
font-size-adjust font-stretch font-style font-variant font-weight image-rendering
letter-spacing lighting-color marker marker-end marker-mid marker-start mask opacity
overflow paint-order shape-rendering stop-color stop-opacity stroke stroke-dasharray
stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity
stroke-width text-anchor text-decoration text-rendering unicode-bidi vector-effect
visibility word-spacing writing-mode
""")

_URL_REF = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)


@dataclass(frozen=True)
class PublishedImage:
    """Bytes that are safe to publish as a file, with the type their content has."""

    data: bytes
    media_type: str
    extension: str


def publishable(info: ImageInfo) -> PublishedImage:
    """The bytes, type and extension to publish for a picture the gate accepted.

    Raises :class:`ResourceError` (naming the picture) for an SVG that is not
    well-formed XML or has no ``svg`` root.
    """
    if info.format in VERBATIM:
        media_type, ext = VERBATIM[info.format]
        return PublishedImage(info.resource.data, media_type, ext)
    if info.format == "SVG":
        return PublishedImage(sanitize_svg(info.resource.data, info.resource.ref),
                              "image/svg+xml", ".svg")
    return PublishedImage(reencode_png(info.resource.data), "image/png", ".png")


def reencode_png(data: bytes) -> bytes:
    """Decode a raster picture and write its pixels as a fresh PNG (no metadata)."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as im:
        mode = "RGBA" if ("A" in im.getbands() or "transparency" in im.info) else "RGB"
        out = io.BytesIO()
        im.convert(mode).save(out, "PNG")
    return out.getvalue()


def sanitize_svg(data: bytes, ref: str = "<svg>") -> bytes:
    """An SVG rebuilt from the whitelist: drawing kept, anything active dropped."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ResourceError(f"{ref!r} is not a well-formed SVG ({exc.msg})") from None
    if _local(root) != "svg" or _namespace(root) not in (SVG_NS, None):
        raise ResourceError(f"{ref!r} is not an SVG picture (its root is not <svg>)")
    clean = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS, "xlink": XLINK_NS})
    _copy_attributes(root, clean)
    _copy_children(root, clean)
    return etree.tostring(clean, xml_declaration=True, encoding="UTF-8")


def _local(elem: etree._Element) -> str:
    tag = elem.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(elem: etree._Element) -> str | None:
    tag = elem.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else None


def _copy_children(source: etree._Element, target: etree._Element) -> None:
    from lxml import etree

    for child in source:
        if not isinstance(child.tag, str) or _namespace(child) not in (SVG_NS, None):
            _keep_tail(child, target)
            continue
        name = _local(child)
        if name in SVG_UNWRAP:
            _append_text(target, child.text)
            _copy_children(child, target)
            _keep_tail(child, target)
            continue
        if name not in SVG_ELEMENTS:
            _keep_tail(child, target)
            continue
        copy = etree.SubElement(target, f"{{{SVG_NS}}}{name}")
        copy.text = child.text
        copy.tail = child.tail
        _copy_attributes(child, copy)
        _copy_children(child, copy)


def _copy_attributes(source: etree._Element, target: etree._Element) -> None:
    for key, value in source.attrib.items():
        if key.startswith("{"):
            ns, name = key[1:].split("}", 1)
            if ns == XLINK_NS and name == "href":
                key_out = f"{{{XLINK_NS}}}href"
            elif ns == XML_NS and name in ("lang", "space"):
                key_out = key
            else:
                continue
        else:
            name, key_out = key, key
            if name not in SVG_ATTRIBUTES:
                continue
        if name == "href":
            if not _safe_href(value, _local(target)):
                continue
        elif not _safe_value(value):
            continue
        target.set(key_out, value)


def _safe_href(value: str, element: str) -> bool:
    """Only links inside the document, and raster data: pictures in <image>/<feImage>."""
    text = "".join(value.split())
    if text.startswith("#"):
        return True
    return element in ("image", "feImage") and bool(_RASTER_DATA.match(text))


def _safe_value(value: str) -> bool:
    """An attribute value may point only inside the document (``url(#id)``)."""
    lowered = "".join(value.split()).lower()
    if "javascript:" in lowered or "expression(" in lowered:
        return False
    return all(match.group(2).strip().startswith("#") for match in _URL_REF.finditer(value))


def _append_text(target: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


def _keep_tail(dropped: etree._Element, target: etree._Element) -> None:
    """Text after a dropped element stays (it belongs to the parent)."""
    _append_text(target, dropped.tail)
