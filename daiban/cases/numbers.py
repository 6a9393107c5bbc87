"""Case numbers (受理编号) and tracking codes (查询码)."""

import secrets

from django.db.models import F

from daiban.cases.models import Case, CaseCounter
from daiban.places.models import Township

# No 0/O, 1/I/L: the code is read aloud over the phone and typed by elderly villagers.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10


def next_case_number(township: Township, year: int) -> str:
    """Township code, year, and a gap-free sequence per township and year.

    Runs inside the caller's transaction; the UPDATE's row lock orders concurrent callers.
    """
    counter, _ = CaseCounter.objects.get_or_create(township=township, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{township.code[:9]}-{year}-{counter.last:05d}"


def new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
        if not Case.objects.filter(tracking_code=code).exists():
            return code
