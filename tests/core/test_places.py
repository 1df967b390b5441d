"""City names in the reader's language, in pages and in matching's reasons."""
from flask_babel import force_locale

from app.core.places import city_label
from app.matching.reasons import same_city


def test_known_cities_are_translated_and_others_kept(app):
    with app.test_request_context(), force_locale("zh"):
        assert city_label("Shenzhen") == "深圳" and city_label(" shanghai ") == "上海"
        assert city_label("Lhasa") == "Lhasa" and city_label(None) == ""
    with app.test_request_context(), force_locale("en"):
        assert city_label("Shenzhen") == "Shenzhen"


def test_a_reason_names_the_city_in_chinese(app):
    with app.test_request_context(), force_locale("zh"):
        reason = same_city("Shenzhen")
    assert "深圳" in reason and "Shenzhen" not in reason


def test_marketplace_cards_and_facets_name_cities_in_chinese(client, db):
    from app.providers.models import Listing, Provider
    provider = Provider(name="P", description="", tags=[])
    db.session.add(Listing(provider=provider, title="EMC", category="other", description="", unit="run",
                           pricing_model="quote", city="Shenzhen", tags=[], specs={}, category_fields={},
                           status="published"))
    db.session.commit()
    page = client.get("/resources", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "深圳" in page and ">Shenzhen" not in page  # (the facet link keeps the stored value in its URL)
