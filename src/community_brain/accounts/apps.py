"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "community_brain.accounts"
    label = "accounts"
    verbose_name = _("Organisations and people")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from community_brain.accounts.permissions import forget_all_access

        # What grants are computed from: a change to any of these forgets them.
        for label in (
            "accounts.User",
            "accounts.Membership",
            "accounts.Organisation",
            "places.Community",
            "places.Compound",
            "places.Building",
            "places.Grid",
        ):
            model = apps.get_model(label)
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_all_access,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"forget-access-{label}-{signal is post_save}",
                )
        m2m_changed.connect(
            forget_all_access,
            sender=apps.get_model("places.Compound").serving_organisations.through,
            weak=False,
            dispatch_uid="forget-access-serving-organisations",
        )
