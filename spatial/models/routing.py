"""The road register as a routable network (spatial/road_network.py): the roads cut where
they meet or cross and into pieces of at most a few tens of metres, each piece an edge
between two numbered vertices, for pgRouting. Derived data, rebuilt from the roads whenever
they change; nothing here is edited or kept in history."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .geography import SRID, Municipality, Road


class RoadNetwork(models.Model):
    """When a municipality's network was built, and from which state of its roads."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="road_network"
    )
    # A digest of the roads' ids and shapes (spatial.road_network.SIGNATURE_SQL).
    signature = models.CharField(max_length=120)
    built_at = models.DateTimeField()
    edges = models.PositiveIntegerField(default=0)
    vertices = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")


class RoadEdge(models.Model):
    """A piece of one road between two vertices; a vehicle uses it when the road does."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    road = models.ForeignKey(Road, on_delete=models.CASCADE, related_name="+")
    source = models.BigIntegerField()
    target = models.BigIntegerField()
    length_m = models.FloatField()
    geom = models.LineStringField(srid=SRID)

    class Meta:
        verbose_name = _("road edge")
        verbose_name_plural = _("road edges")
        indexes = [models.Index(fields=["municipality", "road"], name="roadedge_town_road_idx")]
