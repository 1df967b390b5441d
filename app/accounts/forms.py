"""HTML forms for sign-up, sign-in and settings (Flask-WTF: CSRF on every form)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from marshmallow import ValidationError as MarshmallowValidationError
from marshmallow.validate import Email as EmailShape
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.accounts.schemas import MIN_PASSWORD
from app.core.i18n import is_valid_timezone

ROLE_CHOICES = [
    SelectChoice("founder", _l("Founder — I run a startup")),
    SelectChoice("mentor", _l("Mentor — I advise startups")),
    SelectChoice("provider", _l("Service provider — I offer resources")),
    SelectChoice("investor", _l("Investor — I watch roadshows and invest")),
]
LANGUAGE_CHOICES = [SelectChoice("", _l("Follow my browser")), SelectChoice("en", "English"),
                    SelectChoice("zh", "简体中文")]


def email_address(form, field):
    """The same check as the API's (`fields.Email`), so a page and a script accept the same addresses."""
    try:
        EmailShape()((field.data or "").strip())
    except MarshmallowValidationError:
        raise ValidationError(_l("Enter an email address like name@example.com.")) from None


def _valid_timezone(form, field):
    if field.data and not is_valid_timezone(field.data):
        raise ValidationError(_l("Choose a time zone from the list."))


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), email_address])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    role = SelectField(_l("I am a"), choices=ROLE_CHOICES, validators=[DataRequired()])
    timezone = StringField(_l("Time zone"), validators=[Optional(), _valid_timezone])
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), email_address])
    submit = SubmitField(_l("Email me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Set new password"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), _valid_timezone])
    submit = SubmitField(_l("Save profile"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Change password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)], default=_l("API token"))
    submit = SubmitField(_l("Create token"))
