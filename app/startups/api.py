"""JSON API for startups: create, edit, look up, and search the showcase."""
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.pagination import page_schema
from app.startups import schemas, services

blp = Blueprint("startups_api", __name__, url_prefix="/api", description="Startups and the showcase")


@blp.route("/startups", methods=["POST"])
@blp.arguments(schemas.CreateStartupSchema)
@blp.response(201, schemas.StartupSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@login_required
def create_startup(data):
    """Create a startup profile (founders); you become its owner."""
    return services.create_startup(founder=current_user._get_current_object(), **data)


@blp.route("/startups", methods=["GET"])
@blp.arguments(schemas.StartupSearchArgsSchema, location="query")
@blp.response(200, page_schema(schemas.StartupSchema))
def list_startups(args):
    """Search the showcase: `q` matches name, summary, needs, description and tags; filter by sector, stage, tag."""
    return services.search_startups(**args)


@blp.route("/startups/<int:startup_id>", methods=["GET"])
@blp.response(200, schemas.StartupSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_startup(startup_id):
    """A startup's public profile, with its team."""
    return services.get_startup(startup_id)


@blp.route("/startups/<int:startup_id>", methods=["PATCH"])
@blp.arguments(schemas.UpdateStartupSchema)
@blp.response(200, schemas.StartupSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def update_startup(data, startup_id):
    """Edit a startup's profile (its owner and members)."""
    return services.update_startup(actor=current_user._get_current_object(), startup_id=startup_id, **data)
