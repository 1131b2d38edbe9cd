from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "medpause.accounts"
    label = "accounts"
    verbose_name = _("Users and sign-in")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_save, pre_save

        from medpause.accounts import signals
        from medpause.accounts.models import User
        from medpause.accounts.services import user_changed, user_tokens_forget

        # Keeps the token cache true to the users table; no rule of the product lives here.
        post_save.connect(
            lambda sender, instance, update_fields=None, **kw: user_changed(user=instance, update_fields=update_fields),
            sender=User, weak=False, dispatch_uid="medpause.accounts.token_cache.save",
        )
        post_delete.connect(
            lambda sender, instance, **kw: user_tokens_forget(user_id=instance.pk),
            sender=User, weak=False, dispatch_uid="medpause.accounts.token_cache.delete",
        )
        # Tokens end with the password or the account; powers and sign-ins are audited.
        pre_save.connect(signals.user_before_save, sender=User, dispatch_uid="medpause.accounts.powers.before")
        post_save.connect(signals.user_after_save, sender=User, dispatch_uid="medpause.accounts.powers.after")
        user_logged_in.connect(signals.signed_in, dispatch_uid="medpause.accounts.audit.sign_in")
        user_login_failed.connect(signals.sign_in_failed, dispatch_uid="medpause.accounts.audit.sign_in_failed")
