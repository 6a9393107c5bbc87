from django.core.management.base import BaseCommand, CommandError

from daiban.api.models import ApiToken
from daiban.people.models import User


class Command(BaseCommand):
    help = "Issue an API token for a staff account; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("device")

    def handle(self, *args, username, device, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active staff account {username!r}")
        _, key = ApiToken.issue(user, device)
        self.stdout.write(key)
