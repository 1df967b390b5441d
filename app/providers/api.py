"""JSON API for provider organisations."""
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.pagination import page_schema
from app.providers import schemas, services

blp = Blueprint("providers_api", __name__, url_prefix="/api", description="Service provider organisations")


@blp.route("/providers", methods=["POST"])
@blp.arguments(schemas.CreateProviderSchema)
@blp.response(201, schemas.ProviderSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@login_required
def create_provider(data):
    """Create a provider organisation (service providers); you become its owner."""
    return services.create_provider(actor=current_user._get_current_object(), **data)


@blp.route("/providers", methods=["GET"])
@blp.arguments(schemas.ProviderSearchArgsSchema, location="query")
@blp.response(200, page_schema(schemas.ProviderSchema))
def list_providers(args):
    """Provider organisations, verified first: `q` matches name, description and city; `city` filters."""
    return services.list_providers(**args)


@blp.route("/providers/<int:provider_id>", methods=["GET"])
@blp.response(200, schemas.ProviderSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_provider(provider_id):
    """A provider organisation's public profile, with its team."""
    return services.get_provider(provider_id)


@blp.route("/providers/<int:provider_id>", methods=["PATCH"])
@blp.arguments(schemas.UpdateProviderSchema)
@blp.response(200, schemas.ProviderSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def update_provider(data, provider_id):
    """Edit a provider organisation (its owner and members)."""
    return services.update_provider(actor=current_user._get_current_object(), provider_id=provider_id, **data)
