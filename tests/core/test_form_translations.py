"""WTForms' own messages follow the reader's language, the ones its Chinese catalogue leaves untranslated (fuzzy)
too: a choice that is not on the list."""
import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("name", validators=[DataRequired()])
    kinds = SelectMultipleField("kinds", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])


@pytest.mark.parametrize("lang, required, choice", [
    ("en", "This field is required.", "'nope' is not a valid choice for this field."),
    ("zh", "此字段为必填项。", "“nope”不是此字段的有效选项。"),
])
def test_wtforms_messages_are_in_the_readers_language(app, lang, required, choice):
    with app.test_request_context("/", method="POST", headers={"Accept-Language": lang}):
        form = _Form(formdata=MultiDict({"name": "", "kinds": "nope"}))
        assert not form.validate()
        assert form.name.errors == [required] and form.kinds.errors == [choice]
