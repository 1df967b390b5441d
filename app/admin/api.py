"""JSON API for incubator admins: /api/admin/overview, users and organisations."""
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.admin import schemas, services
from app.core.api import error_responses
from app.core.pagination import page_schema, paginate

blp = Blueprint("admin_api", __name__, url_prefix="/api/admin",
                description="Admin: dashboard counts, user moderation, organisation verification")


def _errors(*statuses):
    """Document the error envelope for these statuses (401 and 403 always apply here)."""
    return error_responses(blp, 401, 403, *statuses)


@blp.route("/overview", methods=["GET"])
@blp.response(200, schemas.AdminOverviewSchema)
@_errors()
@login_required
def overview():
    """Counts for the admin dashboard."""
    return services.overview(actor=current_user)


@blp.route("/users", methods=["GET"])
@blp.arguments(schemas.AdminUserListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.AdminUserSchema))
@_errors(422)
@login_required
def list_users(args):
    """Users, newest first: `?q=&role=&status=active|inactive&verified=&page=&per_page=`."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return paginate(services.list_users(actor=current_user, **args), page=page, per_page=per_page)


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, schemas.AdminUserSchema)
@_errors(404)
@login_required
def get_user(user_id):
    """One user, as the admin list shows it."""
    return services.get_user(actor=current_user, user_id=user_id)


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@blp.response(200, schemas.AdminUserSchema)
@_errors(404, 409)
@login_required
def deactivate_user(user_id):
    """Deactivate an account: it can no longer sign in nor use its API tokens (409 `cannot_deactivate_self`)."""
    return services.deactivate_user(actor=current_user, user_id=user_id)


@blp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@blp.response(200, schemas.AdminUserSchema)
@_errors(404)
@login_required
def reactivate_user(user_id):
    """Let a deactivated account sign in again."""
    return services.reactivate_user(actor=current_user, user_id=user_id)


@blp.route("/users/<int:user_id>/verify", methods=["POST"])
@blp.response(200, schemas.AdminUserSchema)
@_errors(404, 409)
@login_required
def verify_user(user_id):
    """Give a mentor the verified badge (409 `not_a_mentor` for other roles); the mentor is notified."""
    return services.verify_mentor(actor=current_user, user_id=user_id)


@blp.route("/users/<int:user_id>/unverify", methods=["POST"])
@blp.response(200, schemas.AdminUserSchema)
@_errors(404, 409)
@login_required
def unverify_user(user_id):
    """Take a mentor's verified badge away (409 `not_a_mentor` for other roles)."""
    return services.unverify_mentor(actor=current_user, user_id=user_id)


@blp.route("/organisations", methods=["GET"])
@blp.arguments(schemas.AdminOrganisationListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.AdminOrganisationSchema))
@_errors(422)
@login_required
def list_organisations(args):
    """Startups and provider organisations, newest first: `?q=&kind=startup|provider&verified=&page=&per_page=`."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return paginate(services.list_organisations(actor=current_user, **args), page=page, per_page=per_page)


@blp.route("/organisations/<int:organisation_id>/verify", methods=["POST"])
@blp.response(200, schemas.AdminOrganisationSchema)
@_errors(404)
@login_required
def verify_organisation(organisation_id):
    """Give a startup or provider the verified badge; its owner is notified."""
    return services.set_organisation_verified(actor=current_user, organisation_id=organisation_id, verified=True)


@blp.route("/organisations/<int:organisation_id>/unverify", methods=["POST"])
@blp.response(200, schemas.AdminOrganisationSchema)
@_errors(404)
@login_required
def unverify_organisation(organisation_id):
    """Take a startup's or provider's verified badge away."""
    return services.set_organisation_verified(actor=current_user, organisation_id=organisation_id, verified=False)
