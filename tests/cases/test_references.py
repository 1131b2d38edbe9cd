"""Application references: the core's format, drawn again on a collision; a batch's many
references are distinct and skip the ones already taken."""

import datetime as dt

import pytest

from medpause.cases import references
from medpause.cases.models import Application
from medpause.cases.references import REFERENCE_ALPHABET, DistinctReferences, new_reference
from medpause.cases.services import application_create
from medpause.common.dates import today
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def test_a_reference_is_prefix_date_and_six_unambiguous_characters():
    reference = new_reference("resume")
    assert reference.startswith("HF" + today().strftime("%Y%m%d")) and len(reference) == 16
    assert set(reference[10:]) <= set(REFERENCE_ALPHABET) and not set("IO01") & set(REFERENCE_ALPHABET)


def test_a_taken_reference_is_drawn_again(monkeypatch):
    person = make_person("310000", category="flexible")
    me = make_user("individual", person=person)
    first = application_create(actor=me, kind="stop", person=person, reason="flexible_pause", start_date=today(),
                               end_date=today() + dt.timedelta(days=30))
    draws = iter(first.reference[10:] + "ABCDEF")  # the taken code first, then a free one
    monkeypatch.setattr(references.secrets, "choice", lambda alphabet: next(draws))
    assert new_reference("stop") == first.reference[:10] + "ABCDEF"


def test_a_batchs_references_are_distinct_and_skip_taken_ones():
    on = today()
    refs = DistinctReferences("stop", on)
    seen = refs.take(3000)
    assert len(set(seen)) == 3000 and all(r.startswith("TB" + on.strftime("%Y%m%d")) for r in seen)
    # a reference already given to an application is never handed out again
    walker = DistinctReferences("stop", on)
    upcoming = DistinctReferences("stop", on)
    upcoming.at, upcoming.stride = walker.at, walker.stride
    taken = upcoming.take(1)[0]
    person = make_person("110000")
    Application.objects.create(
        reference=taken, kind="stop", person=person, region=person.region, applicant_type="officer",
        reason="resignation", start_date=on, policy_version_id=_any_policy_version(),
    )
    assert taken not in walker.take(2)


def _any_policy_version() -> int:
    from medpause.policy.models import PolicyVersion

    return PolicyVersion.objects.values_list("pk", flat=True).first()
