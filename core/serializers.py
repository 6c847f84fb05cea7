"""Serializer helpers shared by the apps' APIs and services (no app imports here)."""

from __future__ import annotations

import threading
from typing import Any

from rest_framework.fields import empty

_REUSED = threading.local()


def reused(serializer_class: type) -> Any:
    """One instance of `serializer_class` for this thread, for `run_validation` and
    `to_representation`: DRF deep-copies a serializer's declared fields for every new
    instance (about a millisecond for the thirty questions of a questionnaire, a fifth of
    what storing a field submission costs), which checking one object need not pay again.
    Per thread: an instance holds what it is checking while it checks."""
    instances = _REUSED.__dict__.setdefault("instances", {})
    if serializer_class not in instances:
        instances[serializer_class] = serializer_class()
    return instances[serializer_class]


class PresentFieldsMixin:
    """Validate only the fields a JSON object carries, and those required or with a
    default: DRF otherwise runs every absent optional field's validation only to skip it,
    most of the time a thirty-question questionnaire's answers take to check. The same
    answer either way for JSON (a form's absent checkbox means False, so forms keep DRF's
    way)."""

    _present: Any = None

    @property
    def _writable_fields(self):
        present = self._present
        for field in self.fields.values():
            if field.read_only:
                continue
            if (
                present is None
                or field.field_name in present
                or field.required
                or field.default is not empty
            ):
                yield field

    def to_internal_value(self, data: Any) -> Any:
        self._present = data if type(data) is dict else None
        try:
            return super().to_internal_value(data)
        finally:
            self._present = None
