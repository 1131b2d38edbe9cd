"""`medpause keys`: the keys that protect ID numbers at rest (ADR 0011).

keys status              which data key sealed how many stored values, where the keys come from
keys rotate              add a new data key (to the data folder's ring) and seal every value under it
keys rotate --no-new-key seal again under the current key only (a ring given in MEDPAUSE_DATA_KEY,
                         whose new key the deployment added; or a sweep after restarting the servers)
keys reindex             compute the look-up hashes again after MEDPAUSE_INDEX_KEY / index_key changed
keys new                 print a fresh key, for the environment variables
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError

from medpause.common.encryption import encrypted_fields, key_ids_in_use, reencrypt, rehash
from medpause.common.keys import data_key_add, data_keys, keys_forget, new_key


def _encrypted_models():
    return [m for m in apps.get_models() if encrypted_fields(m)]


class Command(BaseCommand):
    help = "Keys of the ID numbers encrypted at rest: status, rotate [--no-new-key], reindex, new."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rotate", "reindex", "new"])
        parser.add_argument(
            "--no-new-key",
            action="store_true",
            help="rotate: seal again under the current key without adding one",
        )

    def handle(self, *args, action, no_new_key, **options):
        if action == "new":
            self.stdout.write(new_key())
            return
        keys_forget()
        if action == "rotate":
            if not no_new_key:
                try:
                    key_id = data_key_add()
                except ImproperlyConfigured as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"new data key {key_id} added to {data_keys().source}")
            for model in _encrypted_models():
                changed = reencrypt(model)
                self.stdout.write(
                    f"{model._meta.label}: {changed} rows sealed again under {data_keys().current}"
                )
            self.stdout.write(
                "restart the servers, then run `medpause keys rotate --no-new-key` once more to seal "
                "what they wrote meanwhile under the previous key"
            )
        elif action == "reindex":
            for model in _encrypted_models():
                self.stdout.write(f"{model._meta.label}: {rehash(model)} look-up hashes computed")
        ring = data_keys()
        self.stdout.write(f"data keys from {ring.source}: {', '.join(ring.keys)}; current {ring.current}")
        for model in _encrypted_models():
            counts = ", ".join(f"{k}: {n}" for k, n in sorted(key_ids_in_use(model).items())) or "none stored"
            self.stdout.write(f"{model._meta.label}: {counts}")
