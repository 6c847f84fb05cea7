from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from . import table_versions, tiles


class CoreConfig(AppConfig):
    """What is not geography: the register declarations every surface reads."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Each app declares its registers in its layers.py, as admin.py declares admin pages.
        autodiscover_modules("layers")
        # An app's jobs.py registers the runners of its background jobs (core.jobs).
        autodiscover_modules("jobs")
        # After every migrate, the tables the tile layers read carry the version triggers.
        post_migrate.connect(install_table_versions, sender=self)


def install_table_versions(**kwargs) -> None:
    tables = {t for name in tiles.tile_layers() for t in tiles.layer_tables(name)}
    table_versions.install(tables)
