import datetime

from django.utils import timezone
from ninja.security import HttpBearer

from daiban.api.models import ApiToken, hash_key

LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            # Nobody is known yet: the token is what says who it is. The place comes along:
            # an agent's village is read by most requests.
            ApiToken.objects.unrestricted()
            .select_related("user__village")
            .filter(key_hash=hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            # "last used" to the minute is enough to spot an idle token; a write on every
            # request was 14 % of an intake.
            ApiToken.objects.restrict(found.user, "change").filter(pk=found.pk).update(
                last_used_at=now
            )
        request.user = found.user
        return found.user
