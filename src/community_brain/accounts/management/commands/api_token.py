"""``brain api-token USERNAME``: issue an API token for a user and print it (shown once)."""

from django.core.management.base import BaseCommand, CommandError

from community_brain.accounts.models import User
from community_brain.accounts.services import issue_api_token
from community_brain.core.context import acting


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it. Only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="a label for the token")

    def handle(self, username, name, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active user '{username}'") from None
        with acting("cli"):
            raw = issue_api_token(by=None, user=user, name=name)
        self.stdout.write(raw)
