"""Form helpers every feature shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def errors_to_form(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field where the form has
    one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
