"""Account forms, rendered with GOV.UK Frontend widgets."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.passwords import password_problem
from tenants.models import ROLES

ROLE_CHOICES = [
    SelectChoice("viewer", "Viewer: reads dashboards and reports"),
    SelectChoice("officer", "Officer: records spend, contracts and delivery"),
    SelectChoice("admin", "Admin: also manages people and settings"),
]
assert {choice.value for choice in ROLE_CHOICES} == set(ROLES)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field(label="Email address"):
    return EmailField(
        label,
        widget=GovTextInput(),
        # A pasted address often brings a space with it; that is not a wrong address.
        filters=[_strip],
        validators=[
            DataRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=320),
        ],
    )


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter a new password")],
        description="At least 12 characters. A few unrelated words make a strong password.",
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Confirm your new password"), EqualTo("password", message="The passwords do not match")],
    )

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.password_context())
        if problem:
            raise ValidationError(problem)

    def password_context(self) -> list[str]:
        return []


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your current password")]
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField(
        "Your full name", widget=GovTextInput(), validators=[DataRequired(message="Enter your full name"), Length(max=200)]
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    name = StringField(
        "Full name", widget=GovTextInput(), validators=[DataRequired(message="Enter the person's full name"), Length(max=200)]
    )
    email = _email_field()
    role = RadioField(
        "Role", widget=GovRadioInput(), choices=ROLE_CHOICES, default="viewer",
        validators=[DataRequired(message="Choose a role")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF-protected, no fields."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
