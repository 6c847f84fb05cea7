from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContainmentConfig(AppConfig):
    name = "containment"
    verbose_name = _("Containment and emptying")
