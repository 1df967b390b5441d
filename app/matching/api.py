"""JSON API for matching: recommendations for a startup, startups for a mentor or a provider."""
from functools import partial

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.matching import schemas, services

blp = Blueprint("matching_api", __name__, url_prefix="/api", description="Supply–demand matching")


def _me():
    return current_user._get_current_object()


_errors = partial(error_responses, blp)


@blp.route("/startups/<int:startup_id>/recommendations", methods=["GET"])
@blp.arguments(schemas.MatchArgsSchema, location="query")
@blp.response(200, schemas.RecommendationsSchema)
@_errors(401, 403, 404)
@login_required
def startup_recommendations(args, startup_id):
    """Mentors and resources that fit a startup best, with the reasons (its members and admins)."""
    return services.recommend_for_startup(actor=_me(), startup_id=startup_id, limit=args["limit"])


@blp.route("/mentors/me/matches", methods=["GET"])
@blp.arguments(schemas.MatchArgsSchema, location="query")
@blp.response(200, schemas.StartupMatchesSchema)
@_errors(401, 403)
@login_required
def my_mentor_matches(args):
    """The startups whose needs fit your expertise (mentors)."""
    return {"startups": services.matches_for_mentor(mentor=_me(), limit=args["limit"])}


@blp.route("/providers/<int:provider_id>/matches", methods=["GET"])
@blp.arguments(schemas.MatchArgsSchema, location="query")
@blp.response(200, schemas.StartupMatchesSchema)
@_errors(401, 403, 404)
@login_required
def provider_matches(args, provider_id):
    """The startups whose needs fit a provider's published listings (its members and admins)."""
    return {"startups": services.matches_for_provider(actor=_me(), provider_id=provider_id, limit=args["limit"])}
