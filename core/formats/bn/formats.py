"""Bangla number formats: Django's, with the grouping readers in Bangladesh use (lakh and
crore: 12,34,567), which Django's own Bangla formats leave out (no grouping at all)."""

from django.conf.locale.bn.formats import *  # noqa: F403

NUMBER_GROUPING = (3, 2, 0)
