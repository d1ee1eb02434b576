"""Input errors that name the field: services raise them, views and the API render them."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class InvalidInput(ValidationError):
    """Bad input, with a message per field (``__all__`` for the whole)."""

    def __init__(self, field_errors: dict[str, list[str]]):
        self.field_errors = {k: [str(m) for m in v] for k, v in field_errors.items()}
        super().__init__(self.field_errors)

    @classmethod
    def from_form(cls, form) -> InvalidInput:
        return cls({field: [str(e) for e in errs] for field, errs in form.errors.items()})

    @classmethod
    def single(cls, field: str, message: str) -> InvalidInput:
        return cls({field: [message]})

    def __str__(self) -> str:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in self.field_errors.items())


class IllegalTransition(Exception):
    """A state machine was asked for a move its table does not allow."""

    def __init__(self, model: str, current: str, wanted: str):
        self.current, self.wanted = current, wanted
        super().__init__(f"{model} cannot go from '{current}' to '{wanted}'")


def validated(form):
    """The form's cleaned data, or InvalidInput naming each bad field."""
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    return form.cleaned_data


def bind_errors(form, exc: InvalidInput) -> None:
    """Show a service's field errors on a page's form."""
    for field, messages in exc.field_errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def flash_errors(request, exc: Exception) -> None:
    """Show a service's refusal on the next page as messages: one per field error, naming
    the field (a page that redirects after a POST has no form to bind them to)."""
    from django.contrib import messages

    if not isinstance(exc, InvalidInput):
        messages.error(request, str(exc))
        return
    for field, problems in exc.field_errors.items():
        for problem in problems:
            messages.error(request, problem if field == "__all__" else f"{field}: {problem}")
