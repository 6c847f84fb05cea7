from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What is not geography: the register declarations every surface reads."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Each app declares its registers in its layers.py, as admin.py declares admin pages.
        autodiscover_modules("layers")
