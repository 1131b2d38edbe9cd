from django.apps import AppConfig


class Config(AppConfig):
    name = "medpause.accounts"
    label = "accounts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

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
