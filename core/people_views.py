"""The municipal admin's people pages (issue 26): the list with the form to invite someone,
and each person's roles, ward limits, password reset and removal. Thin: the forms check
the input, core/people.py decides. A temporary password is shown once, on the answer to
the request that made it (never in a message kept in the session)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import people
from .forms import add_service_errors, submit
from .roles import MembershipRole
from .scope import ward_model


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=MembershipRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    wards = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Limited to the wards"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: the whole municipality."),
    )

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wards"].queryset = (
            ward_model().objects.filter(municipality=municipality).order_by("number")
        )
        self.fields["wards"].label_from_instance = lambda ward: (
            _("Ward %(number)s") % {"number": ward.number}
        )


class InviteForm(RolesForm):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    field_order = ["username", "first_name", "last_name", "email", "roles", "wards"]


def _municipality(request: HttpRequest):
    administered = people.administered(user=request.user)
    wanted = request.GET.get("municipality") or request.POST.get("municipality") or ""
    municipality = administered.filter(code=wanted).first() if wanted else administered.first()
    if municipality is None:
        if wanted and administered.exists():
            raise Http404(_("Unknown municipality."))
        raise PermissionDenied
    return administered, municipality


@login_required
@require_http_methods(["GET", "POST"])
def people_page(request: HttpRequest) -> HttpResponse:
    administered, municipality = _municipality(request)
    form = InviteForm(request.POST or None, municipality=municipality)
    invited = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                user, password = people.person_invite(municipality=municipality, **values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                invited = {"user": user, "password": password}
                form = InviteForm(municipality=municipality)
                status = 201
    return render(
        request,
        "core/people.html",
        {
            "municipality": municipality,
            "administered": administered,
            "people": people.people_of(municipality=municipality),
            "form": form,
            "invited": invited,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    _administered, municipality = _municipality(request)
    try:
        person = people.person_get(municipality=municipality, user_id=pk)
    except people.User.DoesNotExist:
        raise Http404 from None
    current = [r for p in people.people_of(municipality=municipality) if p["user"] == person
               for r in p["roles"]]  # fmt: skip
    initial = {
        "roles": [r["role"] for r in current],
        "wards": ward_model().objects.filter(
            municipality=municipality, number__in={n for r in current for n in r["wards"]}
        ),
    }
    action = request.POST.get("action", "")
    form = RolesForm(
        request.POST if action == "roles" else None, municipality=municipality, initial=initial
    )
    back = reverse("person", args=[pk]) + f"?municipality={municipality.code}"
    password = None
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if action == "roles":
                if submit(
                    request,
                    form,
                    lambda data: people.person_set_roles(
                        municipality=municipality, user=person, by=request.user, **data
                    ),
                    done=_("The roles are saved."),
                ):
                    return redirect(back)
            elif action == "reset":
                password = people.person_reset_password(municipality=municipality, user=person)
                status = 200
            elif action == "remove":
                people.person_remove(municipality=municipality, user=person, by=request.user)
                messages.success(request, _("%(name)s no longer works here.") % {"name": person})
                return redirect(reverse("people") + f"?municipality={municipality.code}")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "core/person.html",
        {
            "municipality": municipality,
            "person": person,
            "roles": current,
            "form": form,
            "password": password,
            "may_reset": people.works_only_here(person, municipality),
        },
        status=status,
    )
