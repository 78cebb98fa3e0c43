"""Creating and revoking a supplier's self-reporting link: buttons, with CSRF."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class SupplierLinkForm(FlaskForm):
    submit = SubmitField("Create a link for the supplier", widget=GovSubmitInput())
