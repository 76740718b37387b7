"""GOV.UK fields for figures and dates typed as people type them. They parse, nothing more:
what a figure or date may be (ranges, order) is the services' rule."""

from datetime import date
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

YES_NO = [("yes", "Yes"), ("no", "No")]
# The largest figure the database columns hold (14 digits, 2 after the point).
MAX_FIGURE = Decimal("999999999999.99")


def yes_no(value) -> bool:
    return value == "yes"


class FigureField(forms.CharField):
    """A number typed as people type it ("£6,000,000", "64.56%", "1,200"), as a Decimal (or an
    int with `whole=True`).

    Messages name the thing ("Enter the target", "The target must be a number, like 80").
    """

    def __init__(self, *, noun: str, whole=False, example="", **kwargs):
        self.noun, self.whole, self.example = noun, whole, example
        kwargs.setdefault("error_messages", {"required": f"Enter {noun}"})
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = text.replace(",", "").replace("£", "").removesuffix("%").strip()
        subject = self.noun.removeprefix("the ").removeprefix("an ").removeprefix("a ")
        subject = subject[:1].upper() + subject[1:]
        like = f", like {self.example}" if self.example else ""
        kind = "a whole number" if self.whole else "a number"
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"{subject} must be {kind}{like}", code="invalid") from None
        if not number.is_finite() or abs(number) > MAX_FIGURE:
            raise ValidationError(f"{subject} must be {kind}{like}", code="invalid")
        if self.whole and number != number.to_integral_value():
            raise ValidationError(f"{subject} must be a whole number{like}", code="invalid")
        return int(number) if self.whole else number.quantize(Decimal("0.01"))


class MoneyField(FigureField):
    """An amount in pounds, such as "£2,500"."""

    def __init__(self, *, noun: str, **kwargs):
        super().__init__(noun=noun, example="£2,500", **kwargs)


class PercentField(FigureField):
    """A percentage, such as "4.96" or "4.96%"."""

    def __init__(self, *, noun: str, **kwargs):
        super().__init__(noun=noun, example="4.96", **kwargs)


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year), with messages that say what to fix."""

    def __init__(self, *, noun: str, **kwargs):
        super().__init__(**kwargs)
        self.noun = noun
        self.error_messages["required"] = f"Enter {noun}"
        self.error_messages["incomplete"] = f"{self._subject()} must include a day, month and year"
        for sub_field, name in zip(self.fields, ("day", "month", "year"), strict=True):
            sub_field.error_messages["incomplete"] = f"{self._subject()} must include a {name}"
            sub_field.validators = []

    def _subject(self) -> str:
        return self.noun[:1].upper() + self.noun[1:]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(
                f"{self._subject()} must be a real date", code="invalid"
            ) from None
