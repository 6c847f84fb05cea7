"""Code lists of citizen services (issue 33)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    HOLDING = "holding", _("Holding certificate")
    RESIDENCE = "residence", _("Councillor's certificate of residence")


class CertificateStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for the councillor")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Refused")
    REVOKED = "revoked", _("Revoked")


class CaseKind(models.TextChoices):
    """What a citizen's reference number follows."""

    EMPTYING = "emptying", _("Request for emptying")
    COMPLAINT = "complaint", _("Complaint")
    CERTIFICATE = "certificate", _("Certificate application")


class Action(models.TextChoices):
    """What a citizen (or someone trying) did, as the access log keeps it."""

    LOOKUP = "lookup", _("Holding looked up")
    CODE_SENT = "code_sent", _("One-time code sent")
    STATUS = "status", _("Holding status read")
    REQUEST = "request", _("Emptying requested")
    CERTIFICATE = "certificate", _("Certificate applied for")
    COMPLAINT = "complaint", _("Complaint filed")
    TRACK = "track", _("Reference tracked")
    VERIFY = "verify", _("Certificate verified")


class Outcome(models.TextChoices):
    OK = "ok", _("Let through")
    WRONG = "wrong", _("Wrong number or code")
    LOCKED = "locked", _("Refused: locked after failures")
    LIMITED = "limited", _("Refused: too many in a short time")
