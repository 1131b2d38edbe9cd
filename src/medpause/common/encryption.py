"""Field-level encryption of sensitive personal information (PIPL Art. 28), ADR 0011.

A value is sealed with AES-256-GCM under the current data key (`common.keys`) and stored as
`<key id>:<base64url(nonce | ciphertext | tag)>`; the model, field and key id are bound as
associated data, so a ciphertext moved to another column does not open. Reading a row opens it
again: the model attribute holds the plain value, so pages, PDFs and the API read
`person.id_number` as before.

An encrypted column cannot be searched, so a look-up goes through a keyed hash of the
normalised value in its own column (`KeyedHashField`, HMAC-SHA-256 under the index key): equal
numbers have equal hashes, which makes the column unique and indexed, and without the index
key nobody can test a guessed number against it. The masked form lists show is stored too
(`MaskedIdField`), so a list never decrypts. Both are computed from the encrypted field on
every save, bulk_create included (Field.pre_save); a queryset `.update()` of the number would
skip them, so the registry never updates an ID number that way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.functions import Cast

from medpause.common.keys import data_keys, index_key
from medpause.common.masking import mask_id_number

NONCE_BYTES = 12


class UnreadableCiphertext(ImproperlyConfigured):
    """A stored value that the configured keys cannot open: the key is missing or wrong, or
    the value was altered."""


_ciphers: dict[tuple[str, bytes], AESGCM] = {}


def _cipher(key_id: str, key: bytes) -> AESGCM:
    cipher = _ciphers.get((key_id, key))
    if cipher is None:
        cipher = _ciphers[(key_id, key)] = AESGCM(key)
    return cipher


def _aad(context: str, key_id: str) -> bytes:
    return f"medpause:{context}:{key_id}".encode()


def encrypt(value: str, *, context: str) -> str:
    """Seal a value under the current data key. `context` names the column (`registry.person.id_number`)."""
    ring = data_keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(ring.current, ring.keys[ring.current]).encrypt(
        nonce, value.encode(), _aad(context, ring.current)
    )
    return f"{ring.current}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def decrypt(token: str, *, context: str) -> str:
    key_id, sep, body = token.partition(":")
    key = data_keys().keys.get(key_id)
    if sep and key is None:  # a key added by a rotation since this process read the ring
        data_keys.cache_clear()
        key = data_keys().keys.get(key_id)
    if not sep or key is None:
        raise UnreadableCiphertext(f"no data key {key_id!r} to open a value of {context}")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return (
            _cipher(key_id, key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context, key_id)).decode()
        )
    except (InvalidTag, ValueError) as exc:
        raise UnreadableCiphertext(f"a value of {context} does not open with data key {key_id!r}") from exc


def id_number_normal(value: str | None) -> str:
    """An ID number as it is stored and compared: no surrounding blanks, upper case (the X)."""
    return (value or "").strip().upper()


def keyed_hash(value: str, *, purpose: str) -> str:
    return hmac.new(index_key(), f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()


def id_number_hash(value: str | None) -> str:
    """The look-up hash of a resident ID number (HMAC-SHA-256 of the normalised number)."""
    return keyed_hash(id_number_normal(value), purpose="id_number")


def id_number_masked(value: str | None) -> str:
    return mask_id_number(id_number_normal(value))


class EncryptedCharField(models.CharField):
    """A text column stored encrypted; the attribute holds the plain text. It cannot be
    filtered or ordered on (the ciphertext of a value differs at each save): look up through
    its KeyedHashField."""

    description = "Text encrypted at rest"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 128)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # "Unsupported lookup": an encrypted column is found through its hash


class _Derived(models.CharField):
    """A column computed on save from another field of the row (`source`) by `derive`."""

    derive: Callable[[str], str]

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source = getattr(model_instance, self.source)
        value = self.derive(source) if source else (None if self.null else "")
        setattr(model_instance, self.attname, value)
        return value


class KeyedHashField(_Derived):
    """The keyed hash of an ID number held in `source`: what look-ups and uniqueness use."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    derive = staticmethod(id_number_hash)


class MaskedIdField(_Derived):
    """The masked form (110105********002X) of an ID number held in `source`, for lists."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    derive = staticmethod(id_number_masked)


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def key_ids_in_use(model) -> dict[str, int]:
    """How many stored values each data key sealed, over the model's encrypted columns."""
    counts: dict[str, int] = {}
    for f in encrypted_fields(model):
        for token in model._base_manager.annotate(raw=Cast(f.name, models.CharField())).values_list(
            "raw", flat=True
        ):
            if token:
                counts[key_id_of(token)] = counts.get(key_id_of(token), 0) + 1
    return counts


def reencrypt(model, *, chunk: int = 500) -> int:
    """Seal again under the current data key every value of the model sealed under another
    one (a rotation); returns how many rows changed. Reads the stored ciphertexts, so only
    rows that need it are opened and written."""
    fields = encrypted_fields(model)
    if not fields:
        return 0
    current = data_keys().current
    raw = {f"raw_{f.name}": Cast(f.name, models.CharField()) for f in fields}
    changed, last = 0, 0
    while True:
        rows = list(
            model._base_manager.filter(pk__gt=last)
            .order_by("pk")
            .annotate(**raw)
            .values_list("pk", *raw)[:chunk]
        )
        if not rows:
            return changed
        last = rows[-1][0]
        stale: dict[tuple[str, ...], list] = {}
        for pk, *tokens in rows:
            values = {
                f.attname: decrypt(t, context=f.context)
                for f, t in zip(fields, tokens, strict=True)
                if t and key_id_of(t) != current
            }
            if values:
                stale.setdefault(tuple(sorted(values)), []).append(model(pk=pk, **values))
                changed += 1
        with transaction.atomic():
            for names, objs in stale.items():
                model._base_manager.bulk_update(objs, list(names))


def rehash(model, *, chunk: int = 500) -> int:
    """Compute the model's keyed hash columns again (after the index key changed)."""
    hashed = [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)]
    if not hashed:
        return 0
    count = 0
    for obj in model._base_manager.only("pk", *{f.source for f in hashed}).iterator(chunk_size=chunk):
        obj.save(update_fields=[f.name for f in hashed])
        count += 1
    return count
