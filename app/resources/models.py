"""Service provider organisations (their resource listings come with the marketplace)."""
from app.accounts.models import Organisation, OrgKind


class Provider(Organisation):
    __mapper_args__ = {"polymorphic_identity": OrgKind.PROVIDER}
