"""The audit log's filter: a GET form, so a filtered page can be bookmarked and shared."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from portal.choices import offered
from portal.widgets import DateInput

from .queries import AuditFilter, action_label, object_label


class _DateField(DateField):
    """A GOV.UK day/month/year date whose error says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"Enter the '{self.label.text.lower()}' date as a real date, like 27 3 2025") from None


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    person = SelectField("Who", widget=GovSelect(), validate_choice=False)
    action = SelectField("What happened", widget=GovSelect(), validate_choice=False)
    object_type = SelectField("To what", widget=GovSelect(), validate_choice=False)
    since = _DateField("From", widget=DateInput(), format="%d %m %Y", description="For example, 1 4 2026",
                       validators=[Optional()])
    until = _DateField("To", widget=DateInput(), format="%d %m %Y", description="For example, 31 3 2027",
                       validators=[Optional()])
    submit = SubmitField("Show changes", widget=GovSubmitInput())

    def __init__(self, people, actions, object_types, **kwargs):
        super().__init__(**kwargs)
        self.person.choices = [SelectChoice("", "Anyone")] + [SelectChoice(str(i), name) for i, name in people]
        self.action.choices = [SelectChoice("", "Anything")] + [SelectChoice(a, action_label(a)) for a in actions]
        self.object_type.choices = [SelectChoice("", "Any record")] + [SelectChoice(t, object_label(t)) for t in object_types]

    # An unknown choice (someone no longer in the log, a hand-edited address) is a clear error.
    def validate_person(self, field):
        _known(field)

    def validate_action(self, field):
        _known(field)

    def validate_object_type(self, field):
        _known(field)

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")

    def chosen(self) -> AuditFilter:
        """The filter asked for; call only once the form is valid."""
        return AuditFilter(
            person=int(self.person.data) if self.person.data else None,
            action=self.action.data or None,
            object_type=self.object_type.data or None,
            since=self.since.data,
            until=self.until.data,
        )


def _known(field) -> None:
    if field.data and field.data not in offered(field):
        raise ValidationError(f"Choose '{field.label.text.lower()}' from the list")
