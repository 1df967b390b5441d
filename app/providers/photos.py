"""Listing photos: uploads checked by their content (Pillow), turned upright, re-encoded without EXIF at two sizes,
stored like deck pages under the media folder (`LISTING_MEDIA_DIR`, default `<instance>/listings`), one folder
per photo, and served only through `views.listing_photo`, which checks that the viewer may see the listing.

The provider orders them; the first is the cover (shown in the browse grid).
"""
from __future__ import annotations

import io
import logging
import secrets
import shutil
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from app.core import uow
from app.core.errors import AppError, Conflict, Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.providers import listings
from app.providers.models import Listing, ListingPhoto

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 12
MAX_SOURCE_PIXELS = 40_000_000  # refused before decoding (a decompression bomb is small on disk)
MIN_SIDE = 200
SIZES = {"large": 1600, "thumb": 480}  # longest side in pixels
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class TooLarge(AppError):
    status_code, code = 413, "too_large"


def media_dir() -> Path:
    """Where photos live: `LISTING_MEDIA_DIR`, else the instance folder (a temp folder in tests)."""
    configured = current_app.config.get("LISTING_MEDIA_DIR")
    if configured:
        return Path(configured)
    if current_app.testing:
        import tempfile
        return Path(tempfile.gettempdir()) / "fuhua-test-listings"
    return Path(current_app.instance_path) / "listings"


def _refuse(message, code: str = "not_an_image") -> Invalid:
    return Invalid(message, code=code, details={"file": [str(message)]})


def _open(data: bytes) -> Image.Image:
    """The upload as an image, by its content (its name and declared type are ignored); 413/422 otherwise."""
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(_l("The photo is larger than 10 MB."), details={"file": [str(_l("At most 10 MB per photo."))]})
    if not data:
        raise _refuse(_l("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise _refuse(_l("Upload a JPEG, PNG, WebP or GIF photo."))
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise _refuse(_l("The photo has too many pixels (at most 40 megapixels)."), "too_many_pixels")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _refuse(_l("This file is not a photo we can read: upload a JPEG, PNG, WebP or GIF image.")) from None
    if min(image.size) < MIN_SIDE:
        raise _refuse(_l("The photo is too small: at least 200 pixels on each side."), "too_small")
    return image


def _prepare(image: Image.Image) -> tuple[Image.Image, str]:
    """Upright (EXIF orientation applied), in RGB, or RGBA kept as PNG when the photo has transparency."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA"), "png"
    return image.convert("RGB"), "jpg"


def _save(image: Image.Image, path: Path, extension: str, longest: int) -> tuple[int, int, int]:
    """Write a copy at most `longest` pixels on its longest side, with no EXIF or other metadata."""
    copy = image.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if extension == "png":
        copy.save(out, "PNG", optimize=True)
    else:
        copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    path.write_bytes(out.getvalue())
    return copy.width, copy.height, len(out.getvalue())


def _managed_listing(actor, listing_id: int) -> Listing:
    listing = listings.get_listing(listing_id, viewer=actor)
    if not listings.can_manage(actor, listing):
        raise PermissionDenied(_l("Only the members of %(org)s can change this listing's photos.",
                                  org=listing.provider.name), code="not_a_member")
    return listing


def add_photo(*, actor, listing_id: int, data: bytes) -> ListingPhoto:
    """Add a photo at the end of a listing's photos (the first one becomes the cover). 413/422 for a file that is
    too large or not an image; 409 past `MAX_PHOTOS`."""
    listing = _managed_listing(actor, listing_id)
    image, extension = _prepare(_open(data))
    folder = media_dir() / str(listing.id) / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        width, height, size = _save(image, folder / f"large.{extension}", extension, SIZES["large"])
        _save(image, folder / f"thumb.{extension}", extension, SIZES["thumb"])
        with uow.unit_of_work(lock=[(Listing, listing.id)]):
            count = len(_photos(listing.id))
            if count >= MAX_PHOTOS:
                raise Conflict(_l("A listing has at most %(n)d photos: remove one first.", n=MAX_PHOTOS),
                               code="too_many_photos")
            photo = ListingPhoto(listing_id=listing.id, position=count, folder=str(folder), extension=extension,
                                 width=width, height=height, size=size, uploaded_by_id=actor.id)
            db.session.add(photo)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    log.info("user %s added photo %s to listing %s", actor.id, photo.id, listing.id)
    return photo


def _photos(listing_id: int) -> list[ListingPhoto]:
    return list(db.session.scalars(select(ListingPhoto).where(ListingPhoto.listing_id == listing_id)
                                   .order_by(ListingPhoto.position, ListingPhoto.id)))


def _photo_of(listing_id: int, photo_id: int) -> ListingPhoto:
    photo = db.session.get(ListingPhoto, photo_id) if isinstance(photo_id, int) and 0 < photo_id < 2**31 else None
    if photo is None or photo.listing_id != listing_id:
        raise NotFound(_l("Photo not found."))
    return photo


def reorder_photos(*, actor, listing_id: int, photo_ids: list[int]) -> list[ListingPhoto]:
    """Put the listing's photos in this order (every photo once); the first is the cover."""
    listing = _managed_listing(actor, listing_id)
    with uow.unit_of_work(lock=[(Listing, listing.id)]):
        photos = {p.id: p for p in _photos(listing.id)}
        if sorted(photo_ids) != sorted(photos):
            raise Invalid(details={"photo_ids": [str(_l("Give every photo of the listing once."))]})
        for position, photo_id in enumerate(photo_ids):
            photos[photo_id].position = position
    db.session.expire(listing, ["photos"])
    return _photos(listing.id)


def move_photo(*, actor, listing_id: int, photo_id: int, to: str) -> list[ListingPhoto]:
    """Move a photo to the front (`cover`), one place `up` or one place `down`."""
    order = [p.id for p in _photos(listing_id)]
    if photo_id not in order:
        _managed_listing(actor, listing_id)
        raise NotFound(_l("Photo not found."))
    index = order.index(photo_id)
    order.pop(index)
    target = {"cover": 0, "up": max(index - 1, 0), "down": min(index + 1, len(order))}.get(to)
    if target is None:
        raise Invalid(details={"to": [str(_l("Choose cover, up or down."))]})
    order.insert(target, photo_id)
    return reorder_photos(actor=actor, listing_id=listing_id, photo_ids=order)


def delete_photo(*, actor, listing_id: int, photo_id: int) -> None:
    """Remove a photo and its files; the others close up (the next one may become the cover)."""
    listing = _managed_listing(actor, listing_id)
    with uow.unit_of_work(lock=[(Listing, listing.id)]):
        photo = _photo_of(listing.id, photo_id)
        folder = photo.folder
        db.session.delete(photo)
        db.session.flush()
        for position, other in enumerate(_photos(listing.id)):
            other.position = position
        uow.after_commit(shutil.rmtree, folder, ignore_errors=True)
    db.session.expire(listing, ["photos"])


def photo_file(*, viewer, listing_id: int, photo_id: int, size: str, extension: str) -> tuple[Path, str]:
    """The file of a photo at `size` (large or thumb) and its type, for whoever may see the listing."""
    listings.get_listing(listing_id, viewer=viewer)
    photo = _photo_of(listing_id, photo_id)
    if size not in SIZES or extension != photo.extension:
        raise NotFound(_l("Photo not found."))
    path = Path(photo.folder) / f"{size}.{photo.extension}"
    if not path.is_file():
        raise NotFound(_l("Photo not found."))
    return path, "image/png" if photo.extension == "png" else "image/jpeg"


def photo_url(photo: ListingPhoto, size: str = "large") -> str:
    """The photo's address (immutable: a new upload is a new photo id)."""
    return f"/resources/{photo.listing_id}/photos/{photo.id}/{size}.{photo.extension}"
