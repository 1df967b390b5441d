"""Listing photos: uploaded, checked by content, turned upright, re-encoded without EXIF, ordered (the first is the
cover), served to whoever may see the listing, and shown on the listing page and as the browse grid's cover."""
import io
from pathlib import Path

import pytest
from PIL import Image


def _jpeg(width=1200, height=800, *, color=(200, 40, 40), exif=True, orientation=None) -> bytes:
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS info
        if orientation:
            data[0x0112] = orientation
        kwargs["exif"] = data.tobytes()
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def _png_rgba(width=600, height=400) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 255, 100)).save(out, "PNG")
    return out.getvalue()


def _upload(api, listing_id, data: bytes, name="photo.jpg", mimetype="image/jpeg"):
    return api.post(f"/api/listings/{listing_id}/photos", data={"file": (io.BytesIO(data), name, mimetype)},
                    content_type="multipart/form-data")


def test_an_uploaded_photo_is_resized_upright_and_stripped_of_exif(market, login, client):
    api = login(market.provider_user)
    # 3000 × 2000 stored with "rotate 90° clockwise to view": upright it is 2000 wide and 3000 tall
    response = _upload(api, market.listing.id, _jpeg(3000, 2000, orientation=6))
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert photo["is_cover"] and photo["position"] == 0
    assert (photo["width"], photo["height"]) == (1067, 1600)
    large = client.get(photo["url"])
    assert large.status_code == 200 and large.mimetype == "image/jpeg"
    assert large.headers["Cache-Control"] == "public, max-age=86400"
    image = Image.open(io.BytesIO(large.data))
    assert image.size == (1067, 1600)
    assert not image.getexif() and b"SecretCam" not in large.data
    thumb = Image.open(io.BytesIO(client.get(photo["thumb_url"]).data))
    assert max(thumb.size) == 480
    assert client.get(photo["url"].replace(".jpg", ".png")).status_code == 404
    assert client.get(photo["url"].replace("large", "huge")).status_code == 404


def test_transparency_is_kept_as_png(market, login, client):
    photo = _upload(login(market.provider_user), market.listing.id, _png_rgba(), "logo.png", "image/png").get_json()
    assert photo["url"].endswith(".png")
    image = Image.open(io.BytesIO(client.get(photo["url"]).data))
    assert image.mode == "RGBA" and image.size == (600, 400)


@pytest.mark.parametrize("data, name, code, status", [
    (b"%PDF-1.4 not a photo", "photo.jpg", "not_an_image", 422),  # named like a photo, but it is not one
    (b"GIF89a" + b"\0" * 20, "broken.gif", "not_an_image", 422),
    (b"", "empty.jpg", "not_an_image", 422),
    ("small", "tiny.jpg", "too_small", 422),
    ("bomb", "bomb.png", "too_many_pixels", 422),
    (b"\xff\xd8" + b"0" * (10 * 1024 * 1024), "huge.jpg", "too_large", 413),
])
def test_refused_uploads_say_why(market, login, data, name, code, status):
    if data == "small":
        data = _jpeg(150, 150)
    elif data == "bomb":  # 50 megapixels, a few hundred kilobytes on disk
        out = io.BytesIO()
        Image.new("1", (10_000, 5_000)).save(out, "PNG")
        data = out.getvalue()
    response = _upload(login(market.provider_user), market.listing.id, data, name)
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    assert body["code"] == code and body["details"]["file"]
    assert login(market.founder).get(f"/api/listings/{market.listing.id}/photos").get_json() == []


def test_refusal_in_chinese(db, market, login):
    market.provider_user.locale = "zh"
    db.session.commit()
    api = login(market.provider_user)
    response = api.post(f"/api/listings/{market.listing.id}/photos",
                        data={"file": (io.BytesIO(b"hello"), "a.jpg", "image/jpeg")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "照片" in response.get_json()["error"]["message"]


def test_a_text_field_instead_of_a_file_is_a_422(market, login):
    response = login(market.provider_user).post(f"/api/listings/{market.listing.id}/photos",
                                                data={"file": "not a file"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["error"]["details"]


def test_only_the_providers_members_upload_reorder_or_delete(market, login):
    owner = login(market.provider_user)
    photo = _upload(owner, market.listing.id, _jpeg()).get_json()
    for user in (market.founder, market.outsider):
        api = login(user)
        assert _upload(api, market.listing.id, _jpeg()).status_code == 403
        assert api.put(f"/api/listings/{market.listing.id}/photos/order",
                       json={"photo_ids": [photo["id"]]}).status_code == 403
        assert api.delete(f"/api/listings/{market.listing.id}/photos/{photo['id']}").status_code == 403
    assert _upload(owner, 999_999, _jpeg()).status_code == 404


def test_order_cover_and_delete(market, login, client):
    api = login(market.provider_user)
    ids = [_upload(api, market.listing.id, _jpeg(color=(i * 60, 0, 0))).get_json()["id"] for i in range(3)]
    order = api.put(f"/api/listings/{market.listing.id}/photos/order", json={"photo_ids": [ids[2], ids[0], ids[1]]})
    assert order.status_code == 200
    assert [(p["id"], p["is_cover"]) for p in order.get_json()] == [(ids[2], True), (ids[0], False), (ids[1], False)]
    listing = client.get(f"/api/listings/{market.listing.id}").get_json()
    assert [p["id"] for p in listing["photos"]] == [ids[2], ids[0], ids[1]]
    assert listing["cover_url"].endswith(f"/photos/{ids[2]}/thumb.jpg")
    assert api.put(f"/api/listings/{market.listing.id}/photos/order",
                   json={"photo_ids": [ids[0], ids[1]]}).status_code == 422  # every photo once
    assert api.put(f"/api/listings/{market.listing.id}/photos/order",
                   json={"photo_ids": [ids[0], ids[0], ids[1]]}).status_code == 422
    path = Path(client.get(f"/api/listings/{market.listing.id}").get_json()["photos"][0]["url"])
    assert api.delete(f"/api/listings/{market.listing.id}/photos/{ids[2]}").status_code == 204
    after = client.get(f"/api/listings/{market.listing.id}/photos").get_json()
    assert [(p["id"], p["position"]) for p in after] == [(ids[0], 0), (ids[1], 1)]
    assert client.get(str(path)).status_code == 404
    assert api.delete(f"/api/listings/{market.listing.id}/photos/{ids[2]}").status_code == 404


def test_at_most_twelve_photos(market, login, monkeypatch):
    from app.providers import photos
    monkeypatch.setattr(photos, "MAX_PHOTOS", 2)
    api = login(market.provider_user)
    assert [_upload(api, market.listing.id, _jpeg()).status_code for _ in range(3)] == [201, 201, 409]


def test_photos_of_a_hidden_listing_are_not_served(db, market, login, client):
    photo = _upload(login(market.provider_user), market.listing.id, _jpeg()).get_json()
    market.listing.status = "draft"
    db.session.commit()
    assert client.get(photo["url"]).status_code == 404
    member = login(market.provider_user).get(photo["url"])
    assert member.status_code == 200 and member.headers["Cache-Control"] == "private, max-age=86400"


def test_photos_on_the_listing_page_and_as_cover_in_the_grid(market, login, client):
    api = login(market.provider_user)
    first, second = (_upload(api, market.listing.id, _jpeg()).get_json() for _ in range(2))
    page = client.get(f"/resources/{market.listing.id}").get_data(as_text=True)
    assert f'src="{first["url"]}"' in page and "data-cover-photo" in page and f'src="{second["thumb_url"]}"' in page
    grid = client.get("/resources").get_data(as_text=True)
    assert f'src="{first["thumb_url"]}"' in grid


def test_the_provider_manages_photos_from_the_page(market, login):
    api = login(market.provider_user)
    page = api.get(f"/resources/{market.listing.id}/photos")
    assert page.status_code == 200
    sent = api.client.post(f"/resources/{market.listing.id}/photos", data={
        "csrf_token": api.csrf_token,
        "photos": [(io.BytesIO(_jpeg()), "a.jpg"), (io.BytesIO(b"nope"), "b.jpg"), (io.BytesIO(_jpeg()), "c.jpg")]},
        content_type="multipart/form-data")
    assert sent.status_code == 422  # one of three refused: the page says which, the two others are kept
    text = sent.get_data(as_text=True)
    assert "b.jpg" in text and "2 photos added" in text
    assert len(api.get(f"/api/listings/{market.listing.id}/photos").get_json()) == 2
    assert login(market.founder).get(f"/resources/{market.listing.id}/photos").status_code == 403
