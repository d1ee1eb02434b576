"""App configuration for the case ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "community_brain.cases"
    label = "cases"
    verbose_name = _("Case ledger")

    def ready(self):
        from django.db.models.signals import post_save

        from community_brain.accounts.models import Organisation
        from community_brain.cases import timeline
        from community_brain.notify import templates

        post_save.connect(
            lambda **kw: timeline._org_name.cache_clear(),
            sender=Organisation,
            weak=False,
            dispatch_uid="cases.org_names",
        )

        templates.register(
            "case.extension_requested",
            _("More time asked for case {code}"),
            _("{title}: {workdays} more working days asked for. Reason: {reason}"),
        )
        templates.register(
            "case.info_added",
            _("New information on case {code}"),
            _("The reporter added information to {title}."),
        )
        templates.register(
            "case.code",
            _("Your verification code"),
            _(
                "Your verification code is {code}. It is valid for 10 minutes. Do not tell it "
                "to anyone."
            ),
        )
