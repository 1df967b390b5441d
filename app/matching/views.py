"""Matching on the pages: template helpers for the home page and dashboards, and the full /matches page."""
from flask import Blueprint, g, render_template, request
from flask_login import current_user, login_required

from app.accounts.models import OrgKind, Role
from app.accounts.organisations import organisations_for
from app.core.errors import AppError
from app.matching import services

bp = Blueprint("matching", __name__)
HOME_LIMIT = 3
PAGE_LIMIT = 10


def _me():
    return current_user._get_current_object()


def _pool() -> services.Pool:
    """One pool per request, shared by every section of the page (availability is computed once per mentor)."""
    if "matching_pool" not in g:
        g.matching_pool = services.build_pool()
    return g.matching_pool


def for_startup(startup, limit: int = HOME_LIMIT) -> services.Recommendations:
    return services.recommend_for_startup(actor=_me(), startup_id=startup.id, limit=limit, pool=_pool())


def for_mentor(limit: int = HOME_LIMIT) -> list[services.Match]:
    if not current_user.is_authenticated or current_user.role != Role.MENTOR:
        return []
    return services.matches_for_mentor(mentor=_me(), limit=limit, pool=_pool())


def for_provider(provider, limit: int = HOME_LIMIT) -> list[services.Match]:
    return services.matches_for_provider(actor=_me(), provider_id=provider.id, limit=limit, pool=_pool())


def my_organisations(kind: str) -> list:
    return organisations_for(current_user, kind)


@bp.app_context_processor
def matching_helpers():
    return {"matches_for_startup": for_startup, "matches_for_mentor": for_mentor,
            "matches_for_provider": for_provider, "matching_organisations": my_organisations,
            "MATCHING_KINDS": {"startup": OrgKind.STARTUP.value, "provider": OrgKind.PROVIDER.value}}


@bp.route("/matches")
@login_required
def matches():
    """Every match for the signed-in user: per startup (founders), per organisation (providers), or as a mentor."""
    startup_id = request.args.get("startup", type=int)
    startups = my_organisations(OrgKind.STARTUP) if current_user.role == Role.FOUNDER else []
    if startup_id:
        startups = [s for s in startups if s.id == startup_id] or startups
    providers = my_organisations(OrgKind.PROVIDER) if current_user.role == Role.PROVIDER else []
    try:
        mentor_matches = for_mentor(PAGE_LIMIT)
    except AppError:
        mentor_matches = []
    return render_template("matching/matches.html", startups=startups, providers=providers,
                           found_for_mentor=mentor_matches, limit=PAGE_LIMIT)
