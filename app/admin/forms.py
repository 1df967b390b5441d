"""Filter forms for the admin lists (GET forms: no CSRF, values read from the query string)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

ROLE_FILTER_CHOICES = [
    SelectChoice("", _l("All roles")),
    SelectChoice("founder", _l("Founders")),
    SelectChoice("mentor", _l("Mentors")),
    SelectChoice("provider", _l("Service providers")),
    SelectChoice("investor", _l("Investors")),
    SelectChoice("admin", _l("Admins")),
]
STATUS_CHOICES = [
    SelectChoice("", _l("Any status")),
    SelectChoice("active", _l("Active")),
    SelectChoice("inactive", _l("Deactivated")),
]
VERIFIED_CHOICES = [
    SelectChoice("", _l("Verified or not")),
    SelectChoice("true", _l("Verified")),
    SelectChoice("false", _l("Not verified")),
]
KIND_CHOICES = [
    SelectChoice("", _l("Startups and providers")),
    SelectChoice("startup", _l("Startups")),
    SelectChoice("provider", _l("Service providers")),
]


class _FilterForm(FlaskForm):
    class Meta:
        csrf = False

    def filters(self) -> dict:
        """The valid, non-empty filter values, keyed by field name (bad values are dropped)."""
        self.validate()
        return {name: f.data for name, f in self._fields.items() if f.data and not f.errors}

    def verified_value(self) -> bool | None:
        value = self.filters().get("verified")
        return None if value is None else value == "true"


class UserFilterForm(_FilterForm):
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    render_kw={"placeholder": _l("Name or email")})
    role = SelectField(_l("Role"), choices=ROLE_FILTER_CHOICES, validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])
    verified = SelectField(_l("Badge"), choices=VERIFIED_CHOICES, validators=[Optional()])


class OrganisationFilterForm(_FilterForm):
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    render_kw={"placeholder": _l("Name or city")})
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[Optional()])
    verified = SelectField(_l("Badge"), choices=VERIFIED_CHOICES, validators=[Optional()])
