"""The call page's QA form: a radio group per scorecard criterion, flags, a comment.

The fields are made from ``ivr.core.qa.SCORECARD``, so the form, the stored review and the API
always name the same criteria; the rules themselves are checked in the core
(``checked_review``), the form only reads what was posted.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ivr.core.qa import COMMENT_MAX_CHARS, POINT_LABELS, SCORECARD, Flag

FLAG_LABELS = {
    Flag.COMPLIANCE_RISK: "Compliance risk",
    Flag.COACHING: "Coaching",
    Flag.GREAT_CALL: "Great call",
    Flag.ESCALATE: "Escalate",
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReviewForm(FlaskForm):
    flags = CheckboxesField(
        "Flags",
        choices=[SelectChoice(str(flag), FLAG_LABELS[flag]) for flag in Flag],
        validate_choice=False,
    )
    comment = TextAreaField("Comment", validators=[Length(max=COMMENT_MAX_CHARS)])

    def score_fields(self) -> list[RadioField]:
        return [self[criterion.key] for criterion in SCORECARD]

    def scores(self) -> dict[str, int]:
        return {criterion.key: self[criterion.key].data for criterion in SCORECARD}


for _criterion in SCORECARD:
    setattr(
        ReviewForm,
        _criterion.key,
        RadioField(
            _criterion.label,
            description=_criterion.question,
            choices=[
                SelectChoice(points, f"{points} · {label}")  # type: ignore[arg-type]
                for points, label in POINT_LABELS.items()
            ],
            coerce=int,
            validators=[InputRequired(message="Score this: 0, 1 or 2.")],
        ),
    )
