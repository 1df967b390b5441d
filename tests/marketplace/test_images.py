"""A listing may show a picture (an http(s) address only)."""


def test_listing_picture(market, login, client):
    api = login(market.provider_user)
    response = api.patch(f"/api/listings/{market.listing.id}", json={"image_url": "https://img.example.com/gpu.jpg"})
    assert response.status_code == 200 and response.get_json()["image_url"] == "https://img.example.com/gpu.jpg"
    assert 'src="https://img.example.com/gpu.jpg"' in client.get(f"/resources/{market.listing.id}").get_data(
        as_text=True)
    assert api.patch(f"/api/listings/{market.listing.id}", json={"image_url": "javascript:alert(1)"}
                     ).status_code == 422
    assert api.patch(f"/api/listings/{market.listing.id}", json={"image_url": ""}).get_json()["image_url"] is None
