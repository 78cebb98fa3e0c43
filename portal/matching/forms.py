"""Forms a business fills in to say it is interested, or to offer to meet an ask."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional

from portal.accounts.forms import _strip


class InterestForm(FlaskForm):
    message = TextAreaField(
        "Message to the buyer (optional)", widget=GovTextArea(), filters=[_strip],
        validators=[Optional(), Length(max=2000, message="Keep your message to 2,000 characters or fewer")],
        description="Say briefly why you could do this work. Only the partner that published it sees this.",
    )
    contact_name = StringField("Who should they contact (optional)", widget=GovTextInput(), filters=[_strip],
                               validators=[Optional(), Length(max=200, message="Keep the name to 200 characters or fewer")])
    contact_email = EmailField(
        "Email address to share (optional)", widget=GovTextInput(), filters=[_strip],
        validators=[Optional(), Email(message="Enter an email address like name@example.org"),
                    Length(max=320, message="Keep the email address to 320 characters or fewer")],
    )


class OfferForm(FlaskForm):
    message = TextAreaField(
        "What you could offer (optional)", widget=GovTextArea(), filters=[_strip],
        validators=[Optional(), Length(max=2000, message="Keep your message to 2,000 characters or fewer")],
    )


class ConfirmForm(FlaskForm):
    """A button and nothing else (withdrawing, turning the digest off)."""
