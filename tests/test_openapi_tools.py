"""/api/openapi.json as outside tools read it: openapi-spec-validator accepts it as OpenAPI 3, and a client
generated from it by openapi-python-client runs a marketplace deal (request → quote → accept) against a
served app."""
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from tests.conftest import PASSWORD
from tests.served import serve

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
TIMEOUT = 30


def test_openapi_document_is_valid_openapi_3(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises on anything that is not valid OpenAPI 3
    assert '"formData"' not in json.dumps(spec)


def test_attachment_upload_is_one_multipart_request_body_with_every_field(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/requests/{request_id}/attachments"]["post"]
    assert all(p["in"] in ("path", "query", "header", "cookie") for p in operation.get("parameters", []))
    ref = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["properties"]["file"] == {**schema["properties"]["file"], "type": "string", "format": "binary"}
    assert schema["properties"]["body"]["type"] == "string"
    assert schema["required"] == ["file"]


def _start_generating(spec: dict, where: Path) -> subprocess.Popen:
    """Start openapi-python-client generating a client package from `spec` into `where`/fuhua_client."""
    (where / "openapi.json").write_text(json.dumps(spec))
    # a PDF download is binary like any other (the generator reads only the content types it knows)
    (where / "config.json").write_text(json.dumps({"post_hooks": [],
                                                   "content_type_overrides": {"application/pdf":
                                                                              "application/octet-stream"}}))
    return subprocess.Popen([str(GENERATOR), "generate", "--path", str(where / "openapi.json"), "--meta", "none",
                             "--config", str(where / "config.json"), "--output-path", str(where / "fuhua_client")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=where)


def _import_client(generating: subprocess.Popen, where: Path):
    output, _ = generating.communicate(timeout=120)
    assert generating.returncode == 0, output
    assert "Warning" not in output, output  # e.g. an operation or schema the generator had to skip
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("fuhua_client")
    finally:
        sys.path.remove(str(where))


def _account(fc, base: str, email: str, role: str):
    """Register through the generated client, then work with a personal API token, as an outside client does."""
    from fuhua_client.api.accounts_api import post_api_auth_register, post_api_tokens
    from fuhua_client.models import CreateToken, Register, RegisterRole

    session = fc.Client(base_url=base, raise_on_unexpected_status=True, timeout=TIMEOUT)
    signed_up = post_api_auth_register.sync(client=session, body=Register(
        email=email, password=PASSWORD, name=email.split("@")[0].title(), role=RegisterRole(role)))
    session.get_httpx_client().headers["X-CSRFToken"] = signed_up.csrf_token
    token = post_api_tokens.sync(client=session, body=CreateToken(name="generated client"))
    return fc.AuthenticatedClient(base_url=base, token=token.token, raise_on_unexpected_status=True,
                                  timeout=TIMEOUT)


@pytest.mark.served
def test_generated_client_runs_a_marketplace_deal(client, tmp_path):
    # Generating takes as long as serving takes to start: do both at once, then check that the served
    # document is the one the client was generated from.
    spec = client.get("/api/openapi.json").get_json()
    generating = _start_generating(spec, tmp_path)
    with serve() as served:
        assert requests.get(f"{served.url}/api/openapi.json", timeout=TIMEOUT).json() == spec
        fc = _import_client(generating, tmp_path)
        from fuhua_client.api.marketplace_api import (
            get_api_requests_request_id,
            post_api_listings,
            post_api_listings_listing_id_requests,
            post_api_requests_request_id_accept,
            post_api_requests_request_id_quote,
        )
        from fuhua_client.api.providers_api import post_api_providers
        from fuhua_client.api.startups_api import post_api_startups
        from fuhua_client.models import (
            Accept,
            CreateListing,
            CreateListingCategory,
            CreateListingCategoryFields,
            CreateListingPricingModel,
            CreateListingStatus,
            CreateProvider,
            CreateRequest,
            CreateStartup,
            CreateStartupSector,
            CreateStartupStage,
            Offer,
        )

        provider = _account(fc, served.url, "gpu.centre@example.com", "provider")
        founder = _account(fc, served.url, "chip.founder@example.com", "founder")
        org = post_api_providers.sync(client=provider, body=CreateProvider(name="北京算力中心", city="Beijing"))
        post_api_startups.sync(client=founder, body=CreateStartup(
            name="芯片初创", sector=CreateStartupSector.AI_CHIPS, stage=CreateStartupStage.SEED,
            summary="AI 芯片"))
        listing = post_api_listings.sync(client=provider, body=CreateListing(
            provider_id=org.id, title="A100 GPU 时", category=CreateListingCategory.COMPUTE, unit="GPU-hour",
            pricing_model=CreateListingPricingModel.FIXED, price=10.0, capacity=8,
            status=CreateListingStatus.PUBLISHED,
            category_fields=CreateListingCategoryFields.from_dict({"accelerator_model": "A100"})))
        made = post_api_listings_listing_id_requests.sync(listing_id=listing.id, client=founder,
                                                          body=CreateRequest(quantity=2, message="训练模型"))
        assert made.state == "submitted"
        quoted = post_api_requests_request_id_quote.sync(request_id=made.id, client=provider,
                                                         body=Offer(price=18.0, note="含技术支持"))
        assert quoted.state == "quoted" and quoted.quoted_price == 18.0
        seen = get_api_requests_request_id.sync(request_id=made.id, client=founder)
        assert seen.quote_id == quoted.quote_id and seen.quoted_price == 18.0
        accepted = post_api_requests_request_id_accept.sync(request_id=made.id, client=founder,
                                                            body=Accept(quote_id=seen.quote_id))
        assert accepted.state == "accepted"
        seen = get_api_requests_request_id.sync(request_id=made.id, client=provider)
        assert seen.state == "accepted" and seen.quantity == 2
