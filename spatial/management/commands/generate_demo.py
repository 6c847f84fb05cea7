from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from containment.models import ServiceProvider, TreatmentPlant
from core.models import Membership
from core.roles import MembershipRole
from fixtures import demo
from fixtures.demo.approvals import demo_applications
from spatial.models import Municipality

# Local demo accounts only: `make run` creates them on a fresh database. The fifth member
# limits the membership to those ward numbers (the councillor of ward 1 reads ward 1 only).
DEMO_USERS = [
    ("admin", "admin", None, True, ()),
    ("gis", "gis", MembershipRole.GIS_OFFICER, False, ()),
    ("executive", "executive", MembershipRole.EXECUTIVE, False, ()),
    ("councillor", "councillor", MembershipRole.EXECUTIVE, False, (1,)),
    ("desk", "desk", MembershipRole.FSM_HELP_DESK, False, ()),
    ("inspector", "inspector", MembershipRole.INSPECTOR, False, ()),
    ("mayor", "mayor", MembershipRole.MUNICIPAL_ADMIN, False, ()),
    ("operator", "operator", MembershipRole.PROVIDER_OPERATOR, False, ()),
    ("plant", "plant", MembershipRole.PLANT_OPERATOR, False, ()),
    ("planner", "planner", MembershipRole.BUILDING_OFFICER, False, ()),
]


class Command(BaseCommand):
    help = (
        "Generate the demo municipality (Lakshmipur, 15 wards, roads, buildings, LICs). "
        "Deterministic for a seed; replaces an existing demo municipality with the same code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--buildings", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--code", default=demo.DEFAULT_CODE)
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also create the demo accounts (admin, gis, executive, councillor, desk, "
            "inspector, mayor, operator, plant, planner; password = user name) and the "
            "building applications they handle.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a municipality.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Municipality.objects.exists():
            self.stdout.write("Database already has data; demo generation skipped.")
            return
        if not 100 <= options["buildings"] <= 2_000_000:
            raise CommandError("--buildings must be between 100 and 2,000,000")
        result = demo.generate(
            buildings=options["buildings"],
            seed=options["seed"],
            code=options["code"],
            progress=lambda message: self.stdout.write(f"  {message}"),
            with_users=options["with_users"],
        )
        if options["with_users"]:
            self._users(result.municipality)
            made = demo_applications(result.municipality)
            self.stdout.write(f"  {made} building applications")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.municipality.name}: {result.wards} wards, "
                f"{result.roads} roads, {result.buildings} buildings in {result.seconds:.1f} s "
                f"(demo generator version {result.version})"
            )
        )

    @transaction.atomic
    def _users(self, municipality):
        User = get_user_model()
        for username, password, role, superuser, ward_numbers in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"is_staff": superuser, "is_superuser": superuser}
            )
            user.set_password(password)
            user.save()
            if role:
                membership, _ = Membership.objects.get_or_create(
                    user=user, municipality=municipality, role=role
                )
                membership.wards.set(municipality.wards.filter(number__in=ward_numbers))
            self._link_operator(user, role, municipality)
            self.stdout.write(f"  demo account: {username} / {password}")

    def _link_operator(self, user, role, municipality):
        """The demo operators work for the first provider and at the first plant."""
        if role == MembershipRole.PROVIDER_OPERATOR:
            provider = ServiceProvider.objects.filter(municipality=municipality).first()
            if provider is not None:
                provider.operators.add(user)
        elif role == MembershipRole.PLANT_OPERATOR:
            plant = TreatmentPlant.objects.filter(municipality=municipality).first()
            if plant is not None:
                plant.operators.add(user)
