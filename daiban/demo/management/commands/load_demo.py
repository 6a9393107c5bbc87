"""Load the demo county once; running it again only prints the logins."""

import random
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models.signals import post_save
from django.test.utils import override_settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from daiban.api.models import hash_key
from daiban.cases.models import Case
from daiban.catalog.services import load_default_catalog
from daiban.core.progress import bar
from daiban.demo import county as demo_county
from daiban.demo import story
from daiban.open311.models import ApiKey
from daiban.places.models import County
from daiban.supervision import sweeps
from daiban.workdays.services import seed_from_package


@contextmanager
def _counting_cases(progress):
    """Advance the progress bar (a terminal only: core/progress.py) per case created."""

    def created(sender, instance, created, **kwargs):
        if created:
            progress.update(1)

    post_save.connect(created, sender=Case, weak=False, dispatch_uid="load_demo.progress")
    try:
        yield
    finally:
        post_save.disconnect(sender=Case, dispatch_uid="load_demo.progress")
        progress.close()


class Command(BaseCommand):
    help = "Load the fictional demo county 云岭县 with its staff, residents and cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=330, help="how many generated cases")
        parser.add_argument("--seed", type=int, default=2008, help="random seed")

    def handle(self, *args, cases, seed, **options):
        started = time.monotonic()
        seed_from_package()
        created, kept = load_default_catalog()
        self.stdout.write(f"catalog: {created} items added, {kept} already there")
        if County.objects.filter(code=demo_county.COUNTY_CODE).exists():
            self.stdout.write("demo county already loaded")
        else:
            # Query logging under DEBUG would double the time of these ten thousand writes;
            # follow-ups (texts, rectifications) run inline instead of flooding the queue.
            immediate, HUEY.immediate = HUEY.immediate, True
            try:
                with (
                    override_settings(DEBUG=False),
                    transaction.atomic(),
                    _counting_cases(bar(total=cases + 2, desc="demo cases", unit="case")),
                ):
                    made = self._load(cases, seed)
                    sweep_result = sweeps.run(timezone.localdate())
            finally:
                HUEY.immediate = immediate
            self.stdout.write(f"today's sweep: {sweep_result}")
            self.stdout.write(
                f"demo county loaded: {made} cases in {time.monotonic() - started:.1f}s"
            )
        self._print_logins()

    def _load(self, count: int, seed: int) -> int:
        rng = random.Random(seed)
        now = timezone.now()
        county = demo_county.build_places()
        ApiKey.objects.get_or_create(
            key_hash=hash_key(settings.DAIBAN_DEMO_API_KEY), defaults={"name": "演示：12345热线"}
        )
        staff = demo_county.build_staff(county)
        residents = story.make_residents(rng, staff.by_village)
        made = story.make_cases(rng, staff, residents, now, count)
        story.hu_jianrong_story(staff, now)
        story.transfer_story(staff, now)
        missing = story.ALL_STATES - story.states_present()
        if missing:
            raise RuntimeError(f"demo data lacks states {sorted(missing)}; change --seed")
        return made + 2

    def _print_logins(self):
        rows = [
            ("admin", "administrator / 系统管理员"),
            ("county_supervisor", "county supervisor / 县督查"),
            ("county_petition", "county petition bureau / 县信访局"),
            ("dc_director", "大厂壮族乡 center director / 便民服务中心主任"),
            ("dc_leader", "大厂壮族乡 township leader / 乡领导"),
            ("dc_township_agent", "大厂壮族乡 township agent / 乡级代办员"),
            ("dc_finance", "大厂壮族乡财政所 clerk / 站所经办人"),
            ("dc_family_planning", "大厂壮族乡计生办 clerk / 站所经办人"),
            ("dachang_agent", "大厂村委会 village agent / 村代办员 (胡建荣's agent)"),
            ("dachang_petition", "大厂村委会 petition agent / 信访代办员"),
        ]
        self.stdout.write(f"\nDemo logins (password for all: {demo_county.DEMO_PASSWORD}):")
        for username, what in rows:
            self.stdout.write(f"  {username:<22} {what}")
        self.stdout.write(
            "  Every village has <village>_agent and <village>_petition; every township"
            " department has <dc|qs|lt>_<kind>."
        )
        self.stdout.write(
            f"  admin, county_supervisor and county_petition also need a code from an authenticator app with the"
            f" demo key {demo_county.DEMO_TOTP_KEY} (e.g. oathtool --totp -b {demo_county.DEMO_TOTP_KEY}).\n"
        )
