"""The building and sanitation survey as an XLSForm for KoboToolbox or ODK, written from the
questionnaire's own code lists so that every JMP and SFD outcome can be captured in the
field and read back by surveys/kobo.py: MICS6 WS11 (facility, with flush to "don't know
where" and no facility), WS15 (sharing, and how many households), where members go without
a toilet, WS12 (ever emptied) and WS13 (where the contents went). The fixture
fixtures/kobo/building_survey.xlsx is this form (`manage.py kobo_form` writes it).

Labels are in English and Bangla; the questionnaire version is the form's version.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from containment.choices import EmptyingMethod, MembersGo, Outlet, SludgeDestination
from spatial.choices import FunctionalUse, StructureType, WaterSource

from .questionnaire import VERSION

# MICS6 WS11 facility choices of the form -> (toilet type, containment type, outlet or None).
# The codes are MICS6's; the names are what the form stores.
FACILITIES: dict[str, tuple[str, str, str | None, object]] = {
    "flush_sewer": ("flush", "none", "sewer", _("11 Flush to piped sewer system")),
    "flush_septic": ("flush", "septic_tank", None, _("12 Flush to septic tank")),
    "flush_pit": ("flush", "lined_pit_open_bottom", None, _("13 Flush to pit latrine")),
    "flush_drain": ("flush", "none", "open_drain", _("14 Flush to open drain")),
    "flush_elsewhere": ("flush", "none", "open_ground", _("15 Flush to elsewhere")),
    "flush_dont_know": ("flush", "none", "dont_know", _("18 Flush to don't know where")),
    "vip": ("vip", "lined_pit_open_bottom", None, _("21 Ventilated improved pit latrine")),
    "pit_slab": ("pit_with_slab", "unlined_pit", None, _("22 Pit latrine with slab")),
    "pit_no_slab": ("pit_without_slab", "unlined_pit", None, _("23 Pit latrine without slab")),
    "twin_pit": ("pit_with_slab", "twin_pit", None, _("Twin pit latrine")),
    "composting": ("composting", "composting", None, _("31 Composting toilet")),
    "bucket": ("bucket", "none", None, _("41 Bucket")),
    "hanging": ("hanging", "none", None, _("51 Hanging toilet / latrine")),
}
# WS11 95 "no facility, bush, field" is the answer "no" to "is there a toilet?".

YES_NO = (("yes", _("Yes")), ("no", _("No")))
YES_NO_DK = (*YES_NO, ("dont_know", _("Don't know")))

# (type, name, label, required, constraint, relevant)
SURVEY: tuple[tuple, ...] = (
    ("start", "start", None, None, None, None),
    ("end", "end", None, None, None, None),
    ("username", "username", None, None, None, None),
    ("geopoint", "gps", _("Building location"), "yes", None, None),
    ("begin_group", "group_building", _("Building"), None, None, None),
    ("text", "holding_no", _("Holding number"), None, None, None),
    ("select_one structure", "structure", _("Structure type"), None, None, None),
    ("integer", "floors", _("Floors"), None, "${floors} >= 1 and ${floors} <= 60", None),
    ("integer", "built_year", _("Construction year"), None, "${built_year} >= 1800", None),
    ("select_one use", "use", _("Functional use"), None, None, None),
    ("integer", "households", _("Households"), None, "${households} >= 0", None),
    ("integer", "males", _("Male residents"), None, ". >= 0", None),
    ("integer", "females", _("Female residents"), None, ". >= 0", None),
    ("integer", "others", _("Other residents"), None, ". >= 0", None),
    ("select_one water", "water", _("Main water source"), None, None, None),
    ("end_group", None, None, None, None, None),
    ("begin_group", "group_sanitation", _("Sanitation (MICS WS11-WS15)"), None, None, None),
    ("select_one yes_no", "toilet", _("Is there a toilet?"), "yes", None, None),
    ("select_one members_go", "members_go",
     _("WS11 95: where do members usually go instead?"), None, None, "${toilet} = 'no'"),
    ("select_one facility", "facility", _("WS11 Kind of toilet facility"), None, None,
     "${toilet} = 'yes'"),
    ("select_one yes_no", "shared", _("WS15 Shared with other households?"), None, None,
     "${toilet} = 'yes'"),
    ("integer", "sharing_hh", _("WS15 How many households use it, this one included?"), None,
     ". >= 2", "${shared} = 'yes'"),
    ("select_one outlet", "outlet", _("Where does the tank's or pit's effluent go?"), None, None,
     "selected(${facility}, 'flush_septic') or selected(${facility}, 'flush_pit')"),
    ("select_one yes_no_dk", "ever_emptied", _("WS12 Ever emptied?"), None, None,
     "${toilet} = 'yes'"),
    ("date", "last_emptied", _("When last emptied?"), None, None, "${ever_emptied} = 'yes'"),
    ("select_one emptied_how", "emptied_how", _("How was it last emptied?"), None, None,
     "${ever_emptied} = 'yes'"),
    ("select_one sludge_to", "sludge_to", _("WS13 Where were the contents emptied to?"), None,
     None, "${ever_emptied} = 'yes'"),
    ("end_group", None, None, None, None, None),
)  # fmt: skip


def _choices() -> list[tuple[str, str, object]]:
    lists: list[tuple[str, tuple]] = [
        ("yes_no", YES_NO),
        ("yes_no_dk", YES_NO_DK),
        ("structure", tuple(StructureType.choices)),
        ("use", tuple(FunctionalUse.choices)),
        ("water", tuple(WaterSource.choices)),
        ("members_go", tuple(MembersGo.choices)),
        ("facility", tuple((name, row[3]) for name, row in FACILITIES.items())),
        ("outlet", tuple(c for c in Outlet.choices if c[0] != Outlet.SEWER)),
        ("emptied_how", tuple(EmptyingMethod.choices)),
        ("sludge_to", tuple(SludgeDestination.choices)),
    ]
    return [(list_name, name, label) for list_name, items in lists for name, label in items]


def _both(label) -> tuple[str | None, str | None]:
    if label is None:
        return None, None
    with translation.override("en"):
        english = str(label)
    with translation.override("bn"):
        bangla = str(label)
    return english, bangla


def write(path: Path) -> None:
    """Write the XLSForm to `path` (.xlsx)."""
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "label::English (en)", "label::Bangla (bn)", "required", "constraint",
         "relevant"]
    )  # fmt: skip
    for kind, name, label, required, constraint, relevant in SURVEY:
        survey.append([kind, name, *_both(label), required, constraint, relevant])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Bangla (bn)"])
    for list_name, name, label in _choices():
        choices.append([list_name, name, *_both(label)])
    settings_sheet = workbook.create_sheet("settings")
    settings_sheet.append(["form_title", "form_id", "version", "default_language"])
    settings_sheet.append(["Building and sanitation survey", "building_survey", VERSION,
                           "English (en)"])  # fmt: skip
    workbook.save(path)
