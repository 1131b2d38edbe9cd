"""ID numbers are encrypted at rest (ADR 0011): the database holds ciphertexts, a keyed look-up
hash and the masked form; look-ups and uniqueness work through the hash; without the keys the
database reveals nothing; the data key rotates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from medpause.common import keys
from medpause.common.encryption import UnreadableCiphertext, decrypt, encrypt, id_number_hash
from medpause.common.errors import Conflict
from medpause.registry.models import Person, Unit
from medpause.registry.selectors import person_by_id_number
from tests.factories import id_number, make_person, make_unit, make_user

pytestmark = pytest.mark.django_db


def raw_rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_person(person) -> tuple[str, str, str]:
    return raw_rows(
        "SELECT id_number, id_number_hash, id_number_masked FROM registry_person WHERE id = %s", [person.pk]
    )[0]


@pytest.fixture
def own_keys(settings, tmp_path, monkeypatch):
    """Keys of this test only, in a data folder of its own; the suite's keys come back after."""
    for name in (keys.AUDIT_KEY_ENV, keys.DATA_KEY_ENV, keys.INDEX_KEY_ENV):
        monkeypatch.delenv(name, raising=False)
    settings.DATA_DIR = tmp_path
    keys.keys_forget()
    yield tmp_path
    keys.keys_forget()


def test_the_database_holds_no_id_number():
    unit = make_unit("110000", legal_representative_id_number="11010519491231002x")
    person = make_person("110000", unit=unit)
    stored, hashed, masked = raw_person(person)
    assert person.id_number not in stored and person.id_number[6:14] not in stored
    assert stored.startswith(f"{keys.data_keys().current}:") and len(stored) < 128
    assert hashed == id_number_hash(person.id_number) and len(hashed) == 64 and person.id_number not in hashed
    assert masked == person.id_number_masked == person.id_number[:6] + "********" + person.id_number[-4:]
    rep, rep_masked = raw_rows(
        "SELECT legal_representative_id_number, legal_representative_id_masked "
        "FROM registry_unit WHERE id = %s",
        [unit.pk],
    )[0]
    assert "11010519491231002X" not in rep and "19491231" not in rep
    assert rep_masked == unit.legal_representative_id_masked == "110105********002X"
    everything = str(raw_rows("SELECT * FROM registry_person")) + str(raw_rows("SELECT * FROM registry_unit"))
    assert person.id_number not in everything and "11010519491231002X" not in everything
    again = Person.objects.get(pk=person.pk)  # read back: the attribute is the plain number
    assert again.id_number == person.id_number
    assert Unit.objects.get(pk=unit.pk).legal_representative_id_number == "11010519491231002X"


def test_each_save_seals_anew_and_binds_the_column():
    person = make_person("110000", category="flexible")
    first = raw_person(person)[0]
    person.save()
    second = raw_person(person)[0]
    assert first != second  # a fresh nonce: equal numbers do not look equal
    assert decrypt(second, context="registry.person.id_number") == person.id_number
    with pytest.raises(UnreadableCiphertext):  # moved to another column, it does not open
        decrypt(second, context="registry.unit.legal_representative_id_number")
    tampered = second[:-2] + ("A" if second[-2] != "A" else "B") + second[-1]
    with pytest.raises(UnreadableCiphertext):
        decrypt(tampered, context="registry.person.id_number")


def test_look_ups_go_through_the_hash_and_numbers_stay_unique():
    unit = make_unit("110000")
    person = make_person("110000", unit=unit)
    agent = make_user("unit_agent", unit=unit)
    assert Person.objects.by_id_number(f"  {person.id_number.lower()} ").get() == person
    assert list(Person.objects.by_id_numbers([person.id_number, id_number()])) == [person]
    assert person_by_id_number(user=agent, id_number=person.id_number.lower()) == person
    assert person_by_id_number(user=make_user("officer", region="310000"), id_number=person.id_number) is None
    with pytest.raises(Conflict) as exc:
        make_person("110000", unit=unit, id_number=person.id_number.lower())
    assert exc.value.code == "already_registered"
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):  # the unique hash column holds even past the service
        Person.objects.create(
            name="x",
            id_number=person.id_number,
            region=person.region,
            category="flexible",
            contribution_base="1.00",
        )
    with pytest.raises(FieldError):  # the ciphertext cannot be searched: it would never match
        list(Person.objects.filter(id_number=person.id_number))


def test_bulk_created_rows_are_encrypted_hashed_and_masked_too():
    region = make_person("110000", category="flexible").region
    number = id_number("110105")
    [made] = Person.objects.bulk_create(
        [
            Person(
                name="批量", id_number=number, region=region, category="flexible", contribution_base="1.00"
            ),
        ]
    )
    stored, hashed, masked = raw_rows(
        "SELECT id_number, id_number_hash, id_number_masked FROM registry_person WHERE id_number_hash = %s",
        [id_number_hash(number)],
    )[0]
    assert number not in stored and hashed == id_number_hash(number) and masked == made.id_number_masked
    assert Person.objects.by_id_number(number).get().id_number == number


def test_without_the_keys_the_database_reveals_nothing(own_keys, monkeypatch):
    person = make_person("110000", category="flexible")
    number = person.id_number
    stored = raw_person(person)[0]
    # another server, same database, other keys (or none: it makes its own)
    monkeypatch.setenv(keys.DATA_KEY_ENV, f"k1:{keys.new_key()}")
    monkeypatch.setenv(keys.INDEX_KEY_ENV, keys.new_key())
    keys.keys_forget()
    with pytest.raises(UnreadableCiphertext):
        Person.objects.get(pk=person.pk)
    with pytest.raises(UnreadableCiphertext):
        decrypt(stored, context="registry.person.id_number")
    assert not Person.objects.by_id_number(number).exists()  # a guessed number cannot be tested either
    assert number not in str(raw_rows("SELECT * FROM registry_person WHERE id = %s", [person.pk]))
    monkeypatch.delenv(keys.DATA_KEY_ENV)
    monkeypatch.delenv(keys.INDEX_KEY_ENV)
    keys.keys_forget()  # the right keys again
    assert Person.objects.by_id_number(number).get().id_number == number


def test_key_files_are_made_on_first_use_readable_by_their_owner_only(own_keys):
    make_person("110000", category="flexible")
    for name in (keys.DATA_KEY_FILE, keys.INDEX_KEY_FILE, keys.AUDIT_KEY_FILE):
        path = own_keys / name
        assert path.exists() and path.stat().st_mode & 0o777 == 0o600, name
    assert keys.data_keys().current == "k1" and keys.data_keys().from_file


def test_rotation_adds_a_key_and_seals_every_value_under_it(own_keys):
    unit = make_unit("110000")
    people = [make_person("110000", unit=unit) for _ in range(3)]
    assert {raw_person(p)[0].split(":")[0] for p in people} == {"k1"}
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    text = out.getvalue()
    assert "new data key k2" in text and "registry.Person: 3 rows sealed again under k2" in text
    assert "registry.Unit: 1 rows sealed again under k2" in text
    assert "registry.Person: k2: 3" in text
    assert (own_keys / keys.DATA_KEY_FILE).read_text().count(":") == 2
    assert (own_keys / keys.DATA_KEY_FILE).stat().st_mode & 0o777 == 0o600
    for p in people:
        stored, hashed, masked = raw_person(p)
        assert stored.startswith("k2:") and p.id_number not in stored
        assert (hashed, masked) == (id_number_hash(p.id_number), p.id_number_masked)  # untouched
        assert Person.objects.by_id_number(p.id_number).get().id_number == p.id_number
    assert Unit.objects.get(pk=unit.pk).legal_representative_id_number == unit.legal_representative_id_number
    again = StringIO()
    call_command("keys", "rotate", "--no-new-key", stdout=again)
    assert "registry.Person: 0 rows sealed again under k2" in again.getvalue()


def test_a_ring_from_the_environment_rotates_to_its_last_key(own_keys, monkeypatch):
    first = f"k1:{keys.new_key()}"
    monkeypatch.setenv(keys.DATA_KEY_ENV, first)
    keys.keys_forget()
    person = make_person("110000", category="flexible")
    monkeypatch.setenv(keys.DATA_KEY_ENV, f"{first},k9:{keys.new_key()}")
    with pytest.raises(Exception, match="MEDPAUSE_DATA_KEY"):
        call_command("keys", "rotate", stdout=StringIO())  # no file to add a key to
    call_command("keys", "rotate", "--no-new-key", stdout=StringIO())
    assert raw_person(person)[0].startswith("k9:")
    assert Person.objects.get(pk=person.pk).id_number == person.id_number


def test_a_key_given_badly_is_refused(own_keys, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    for value in ("not-a-key", "k1:c2hvcnQ", "k1 c2hvcnQ"):
        monkeypatch.setenv(keys.DATA_KEY_ENV, value)
        keys.keys_forget()
        with pytest.raises(ImproperlyConfigured):
            encrypt("x", context="t")


def test_reindex_computes_the_hashes_again_under_a_new_index_key(own_keys, monkeypatch):
    person = make_person("110000", category="flexible")
    monkeypatch.setenv(keys.INDEX_KEY_ENV, keys.new_key())
    keys.keys_forget()
    assert not Person.objects.by_id_number(person.id_number).exists()
    out = StringIO()
    call_command("keys", "reindex", stdout=out)
    assert "registry.Person: 1 look-up hashes computed" in out.getvalue()
    assert Person.objects.by_id_number(person.id_number).get() == person
