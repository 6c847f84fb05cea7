"""Loading the holding register from a file (issue 31): the property register a
municipality keeps in a spreadsheet or in its holding tax system, or this register's own
export edited and sent back. One row per holding, or one per owner of it (its rows then
repeat the holding's number); the buildings named by their BINs, the owners by name with
their national ID numbers and phones where given.

Like the feeds it is all or nothing, with a dry run: a row with a problem (a number not in
the municipality's format, an unknown ward or BIN, two rows of one holding that disagree)
writes nothing. A blank cell says nothing (it never clears what the register holds); a
holding the file does not name is left as it is. Owners different from the holding's
current ones are recorded as a transfer naming the file, so the history keeps both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.imports.spec import MAX_REPORTED, as_text
from core.local import bangladesh_mobile
from spatial.choices import FunctionalUse
from spatial.models import Building

from . import feeds, numbers
from .choices import ChangeKind
from .feeds import (
    Column,
    as_area,
    as_bins,
    as_choice,
    as_fiscal_year,
    as_list,
    as_money,
    as_positional,
)
from .models import Holding, HoldingBuilding, HoldingChange, Owner, Ownership
from .services import holding_settings

# The feed code the revenue desk and its jobs give the holding register itself.
REGISTER = "register"
ATTRIBUTES = ("address", "land_use", "annual_valuation", "valuation_year", "floor_area_m2")
BATCH = 2000


COLUMNS = (
    *feeds.HOLDING_COLUMNS,
    Column("address", as_text(200), ("holding_address", "ঠিকানা"), required=False),
    Column("land_use", as_choice(FunctionalUse), ("use", "ব্যবহার"), required=False),
    Column(
        "annual_valuation",
        as_money,
        ("valuation", "annual_value", "বার্ষিক মূল্যায়ন"),
        required=False,
    ),
    Column("valuation_year", as_fiscal_year, ("valuation_fy",), required=False),
    Column("floor_area_m2", as_area, ("floor_area", "area_m2", "আয়তন"), required=False),
    Column("buildings", as_bins, ("bin", "bins", "building", "ভবন"), required=False),
    Column("owners", as_list, ("owner", "owner_name", "মালিক", "মালিকের নাম"), required=False),
    Column(
        "national_ids",
        as_positional,
        ("national_id", "nid", "এনআইডি", "জাতীয় পরিচয়পত্র নং"),
        required=False,
    ),
    Column("phones", as_positional, ("phone", "mobile", "মোবাইল", "ফোন"), required=False),
)


@dataclass
class RegisterReport:
    rows: int = 0
    holdings: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    owners_changed: int = 0
    committed: bool = False
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def problem(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"line": line, "column": column, "message": str(message)})


@dataclass
class Entry:
    """A holding as the file gives it (its rows merged)."""

    line: int
    ward: int
    key: str
    number: str
    attributes: dict[str, Any] = field(default_factory=dict)
    bins: list[str] | None = None
    owners: list[dict] | None = None
    lines: dict[str, int] = field(default_factory=dict)  # the line each value came from


def _owners(row: dict, line: int, report: RegisterReport) -> list[dict] | None:
    names = row.get("owners")
    if not names:
        return None
    ids, phones = row.get("national_ids") or [], row.get("phones") or []
    if len(ids) > len(names) or len(phones) > len(names):
        report.problem(line, "owners", _("more ID numbers or phones than owners"))
        return None
    owners = []
    for i, name in enumerate(names):
        given = {"name": name[:120], "national_id": "", "phone": ""}
        try:
            if i < len(ids) and ids[i] not in ("", "-"):
                given["national_id"] = numbers.national_id(ids[i])
            if i < len(phones) and phones[i] not in ("", "-"):
                given["phone"] = bangladesh_mobile(phones[i])
        except ValueError as exc:
            column = "phones" if given["national_id"] or i >= len(ids) else "national_ids"
            report.problem(line, column, _("%(value)s is not valid") % {"value": exc})
            return None
        owners.append(given)
    return owners


def _merge(entry: Entry, row: dict, line: int, report: RegisterReport) -> None:
    for name in ATTRIBUTES:
        value = row.get(name)
        if value is None or value == "":
            continue
        if name in entry.attributes and entry.attributes[name] != value:
            said = _("differs from line %(line)s of the same holding")
            report.problem(line, name, said % {"line": entry.lines[name]})
            continue
        entry.attributes[name], entry.lines[name] = value, line
    if row.get("buildings"):
        entry.bins = [*(entry.bins or []), *row["buildings"]]
    owners = _owners(row, line, report)
    if owners:
        entry.owners = [*(entry.owners or []), *owners]


def _read(records: list[dict], first_line: int, municipality, report) -> dict[tuple, Entry]:
    header = list(dict.fromkeys(name for record in records[:1] for name in record))
    mapping, missing = feeds.column_map(COLUMNS, header)
    if missing:
        raise ValidationError(
            {"file": [_("The file lacks the columns: %(c)s.") % {"c": ", ".join(missing)}]}
        )
    report.ignored_columns = [name for name in header if name not in mapping]
    converters = {c.name: c.convert for c in COLUMNS}
    rules = holding_settings(municipality)
    wards = set(municipality.wards.values_list("number", flat=True))
    entries: dict[tuple, Entry] = {}
    for offset, record in enumerate(records):
        line, row, bad = first_line + offset, {}, False
        for source, name in mapping.items():
            raw = record.get(source)
            if raw is None or str(raw).strip() == "":
                continue
            try:
                row[name] = converters[name](raw) if name != "ward" else raw
            except ValueError as exc:
                report.problem(line, name, str(exc))
                bad = True
        if row.get("ward") and numbers.ward_number(row["ward"]) is None:
            report.problem(line, "ward", _("not a ward number"))
            bad = True
        if bad or not row.get("holding_number"):
            if not bad:
                report.problem(line, "holding_number", _("required"))
            continue
        found = numbers.readings(
            row["holding_number"], ward=row.get("ward"), ward_prefixed=rules.ward_prefixed
        )
        best = found[0] if found else None
        if best is None or best.ward is None:
            message = _("has no number in it") if best is None else _("names no ward")
            report.problem(line, "holding_number" if best is None else "ward", message)
            continue
        if best.ward not in wards:
            unknown = _("ward %(n)s is not in the municipality")
            report.problem(line, "ward", unknown % {"n": best.ward})
            continue
        if not rules.number_matches(best.key):
            example = _("not a holding number of this municipality (for example %(example)s)")
            report.problem(line, "holding_number", example % {"example": rules.number_example})
            continue
        # The number as written, unless the ward was read off its front (04-0123 is 123).
        text = row["holding_number"].strip()
        number = text if numbers.ward_number(row.get("ward")) else best.key
        entry = entries.setdefault(
            (best.ward, best.key), Entry(line=line, ward=best.ward, key=best.key, number=number)
        )
        _merge(entry, row, line, report)
    return entries


def _buildings(municipality, entries: dict[tuple, Entry], report) -> dict[str, int]:
    wanted = {b for e in entries.values() for b in e.bins or ()}
    known = dict(
        Building.objects.filter(
            municipality=municipality, bin__in=wanted, retired_at__isnull=True
        ).values_list("bin", "pk")
    )
    for entry in entries.values():
        unknown = [b for b in entry.bins or () if b not in known]
        if unknown:
            said = _("no building in service has the BIN %(bins)s")
            report.problem(entry.line, "buildings", said % {"bins": ", ".join(unknown)})
    return known


def _same_owners(current: list[Ownership], given: list[dict]) -> bool:
    had = sorted(o.owner.name.casefold() for o in current)
    return had == sorted(g["name"].casefold() for g in given)


class _Writer:
    """The file's holdings written in a few statements per table."""

    def __init__(self, municipality, user, file_name: str, report: RegisterReport):
        self.municipality, self.user, self.file_name = municipality, user, file_name
        self.report, self.touched, self.new = report, set(), set()
        self.ward_ids = dict(municipality.wards.values_list("number", "id"))
        self.today = timezone.localdate()

    def holdings(self, entries: list[Entry]) -> dict[tuple, Holding]:
        numbers_of = {pk: n for n, pk in self.ward_ids.items()}
        found = {
            (numbers_of[h.ward_id], h.number_key): h
            for h in Holding.objects.filter(municipality=self.municipality, retired_at=None)
        }
        new, changed, now = [], [], timezone.now()
        for entry in entries:
            holding = found.get((entry.ward, entry.key))
            if holding is None:
                holding = Holding(
                    municipality=self.municipality,
                    ward_id=self.ward_ids[entry.ward],
                    number=entry.number,
                    number_key=entry.key,
                    **entry.attributes,
                )
                new.append(holding)
                found[(entry.ward, entry.key)] = holding
                continue
            differ = {k: v for k, v in entry.attributes.items() if getattr(holding, k) != v}
            if differ:
                for name, value in differ.items():
                    setattr(holding, name, value)
                holding.updated_at = now
                changed.append(holding)
        Holding.objects.bulk_create(new, batch_size=BATCH)
        Holding.objects.bulk_update(changed, [*ATTRIBUTES, "updated_at"], batch_size=BATCH)
        self.report.created, self.new = len(new), {h.pk for h in new}
        self.touched |= {h.pk for h in changed}
        return found

    def placements(self, entries: list[Entry], held: dict[tuple, Holding], bins: dict) -> None:
        wanted = {
            held[(e.ward, e.key)].pk: {bins[b] for b in e.bins}
            for e in entries
            if e.bins is not None
        }
        placed: dict[int, dict[int, int]] = {}
        for pk, holding_id, building_id in HoldingBuilding.objects.filter(
            holding_id__in=wanted
        ).values_list("pk", "holding_id", "building_id"):
            placed.setdefault(holding_id, {})[building_id] = pk
        gone, added = [], []
        for holding_id, buildings in wanted.items():
            have = placed.get(holding_id, {})
            gone += [pk for building_id, pk in have.items() if building_id not in buildings]
            added += [
                HoldingBuilding(holding_id=holding_id, building_id=b)
                for b in buildings
                if b not in have
            ]
            if buildings != set(have):
                self.touched.add(holding_id)
        HoldingBuilding.objects.filter(pk__in=gone).delete()
        HoldingBuilding.objects.bulk_create(added, batch_size=BATCH)

    def owners(self, entries: list[Entry], held: dict[tuple, Holding]) -> None:
        given = {held[(e.ward, e.key)].pk: e.owners for e in entries if e.owners}
        current: dict[int, list[Ownership]] = {}
        for ownership in Ownership.objects.filter(holding_id__in=given, until=None).select_related(
            "owner"
        ):
            current.setdefault(ownership.holding_id, []).append(ownership)
        ids = {o["national_id"] for owners in given.values() for o in owners if o["national_id"]}
        known = {
            o.national_id: o
            for o in Owner.objects.filter(municipality=self.municipality, national_id__in=ids)
        }
        starts, edited = [], {}
        for holding_id, owners in given.items():
            had = current.get(holding_id, [])
            if had and _same_owners(had, owners):
                by_name = {o.owner.name.casefold(): o.owner for o in had}
                for g in owners:
                    owner = by_name[g["name"].casefold()]
                    for name in ("national_id", "phone"):
                        if g[name] and getattr(owner, name) != g[name]:
                            setattr(owner, name, g[name])
                            edited[owner.pk] = owner
                            self.touched.add(holding_id)
                continue
            change = self._transfer(holding_id, had) if had else None
            for g in owners:
                owner = known.get(g["national_id"]) if g["national_id"] else None
                if owner is None:
                    owner = Owner(municipality=self.municipality, **g)
                    if g["national_id"]:
                        known[g["national_id"]] = owner
                starts.append((holding_id, owner, change))
            self.touched.add(holding_id)
        Owner.objects.bulk_update(list(edited.values()), ["national_id", "phone"])
        Owner.objects.bulk_create(
            list({id(o): o for _h, o, _c in starts if o.pk is None}.values()), batch_size=BATCH
        )
        Ownership.objects.bulk_create(
            [
                Ownership(holding_id=h, owner=o, since=self.today if c else None, started_by=c)
                for h, o, c in starts
            ],
            batch_size=BATCH,
            ignore_conflicts=True,  # one owner named twice for one holding owns it once
        )

    def _transfer(self, holding_id: int, had: list[Ownership]) -> HoldingChange:
        change = HoldingChange.objects.create(
            municipality=self.municipality,
            kind=ChangeKind.TRANSFER,
            happened_on=self.today,
            recorded_by=self.user,
            evidence_reference=self.file_name[:80],
            note=_("Owners as the holding register file names them"),
        )
        change.before.add(holding_id)
        change.after.add(holding_id)
        Ownership.objects.filter(pk__in=[o.pk for o in had]).update(
            until=self.today, ended_by=change
        )
        self.report.owners_changed += 1
        return change


def load_register(
    *,
    user: Any,
    municipality: Any,
    records: list[dict],
    commit: bool,
    file_name: str = "",
    first_line: int = 2,
    stage: Callable[[str], None] = lambda text: None,
) -> RegisterReport:
    """Check the file's holdings and (with `commit` and no problem) write them: all or
    nothing. A dry run writes too, inside a transaction it rolls back, so its counts are
    those the import would give."""
    report = RegisterReport(rows=len(records))
    stage(_("checking rows"))
    entries = _read(records, first_line, municipality, report)
    bins = _buildings(municipality, entries, report)
    report.holdings = len(entries)
    if report.problem_count:
        return report
    listed = list(entries.values())
    stage(_("writing to the register"))
    with transaction.atomic():
        writer = _Writer(municipality, user, file_name, report)
        held = writer.holdings(listed)
        writer.placements(listed, held, bins)
        writer.owners(listed, held)
        report.updated = len(writer.touched - writer.new)
        report.unchanged = report.holdings - report.created - report.updated
        if commit:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report
