"""The town's names for a layer, set in the browser (issue 35): the GIS officer reads a
sample of the town's file, says which register attribute each column is, then which code
each of the file's words is; core.imports.mapping keeps and applies them. What the file
held is kept in the session between the steps (its columns and a few words of each)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core import io
from core.imports import mapping

MAX_WORDS = 40  # a column with more distinct words is not a code list


def sample_of(upload: UploadedFile) -> dict[str, Any]:
    """The file's columns and, for each, its distinct words when they are few."""
    read = io.read_uploaded(upload)
    words: dict[str, list[str]] = {}
    for column in read.columns:
        seen = {str(r.get(column)).strip() for r in read.records if r.get(column) is not None}
        seen.discard("")
        if len(seen) <= MAX_WORDS:
            words[column] = sorted(seen)
    return {"columns": read.columns, "words": words}


def code_attributes(layer: str) -> dict[str, Any]:
    """The layer's attributes that take a code list, with its choices."""
    return {
        name: convert.choices
        for name, convert in mapping.attributes(layer).items()
        if getattr(convert, "choices", None) is not None
    }


class ColumnsForm(forms.Form):
    """Each of the file's columns: the register attribute it is, or none."""

    def __init__(self, *args, layer: str, columns: list[str], saved: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = mapping.attribute_labels(layer)
        known = sorted(labels, key=lambda a: labels[a])
        choices = [("", _("(not imported)")), *[(a, labels[a]) for a in known]]
        for index, column in enumerate(columns):
            guess = saved.get(column) or (column if column in known else "")
            self.fields[f"c{index}"] = forms.ChoiceField(
                label=column, choices=choices, required=False, initial=guess
            )
        self.columns = columns

    def mapped(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"c{i}"]
            for i, column in enumerate(self.columns)
            if self.cleaned_data.get(f"c{i}") and self.cleaned_data[f"c{i}"] != column
        }


class WordsForm(forms.Form):
    """Each word of a code-list column that is not a code: the code it means."""

    def __init__(
        self, *args, asked: list[tuple[str, str, Any]], saved: dict, labels: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.asked = asked
        for index, (attribute, word, choices) in enumerate(asked):
            self.fields[f"w{index}"] = forms.ChoiceField(
                label=f"{labels.get(attribute, attribute)}: {word}",
                choices=[("", _("(leave as it is)")), *choices.choices],
                required=False,
                initial=saved.get(attribute, {}).get(word, ""),
            )

    def mapped(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for index, (attribute, word, _choices) in enumerate(self.asked):
            code = self.cleaned_data.get(f"w{index}")
            if code:
                out.setdefault(attribute, {})[word] = code
        return out


def words_asked(layer: str, sample: dict, columns: dict[str, str]) -> list[tuple]:
    """(attribute, word, choices) for every word of a mapped code-list column that is not
    one of its codes."""
    coded = code_attributes(layer)
    asked = []
    for column in sample["columns"]:
        attribute = columns.get(column, column)
        if attribute not in coded or column not in sample["words"]:
            continue
        for word in sample["words"][column]:
            if word not in coded[attribute].values:
                asked.append((attribute, word, coded[attribute]))
    return asked


def saved_lines(layer: str, saved: Any) -> list[str]:
    """What the town has saved for the layer, in the reader's words."""
    if saved is None:
        return []
    labels = mapping.attribute_labels(layer)
    coded = code_attributes(layer)
    lines = [f"{column} → {labels.get(a, a)}" for column, a in saved.columns.items()]
    for attribute, words in saved.values.items():
        codes = dict(coded[attribute].choices) if attribute in coded else {}
        for word, code in words.items():
            lines.append(f"{labels.get(attribute, attribute)}: {word} → {codes.get(code, code)}")
    return lines
