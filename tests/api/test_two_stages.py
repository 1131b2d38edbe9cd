"""Two-stage review through the API (Guilin: review_stages = 2)."""

import pytest

from medpause.accounts.services import token_issue
from medpause.common.dates import add_working_days, today
from tests.api.conftest import Api, error_of
from tests.cases.helpers import stop
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def test_checked_then_approved_by_another_officer_and_the_queue_shows_the_stage():
    person = make_person("450300")
    app = stop(make_user("unit_agent", unit=person.unit), person, "resignation", today())
    first = Api(token_issue(user=make_user("officer", region="450300")))
    second = Api(token_issue(user=make_user("officer", region="450300")))
    (item,) = first.get("/applications").json()["items"]
    assert (item["status"], item["review_stage"], item["due_date"]) == (
        "submitted", 1, add_working_days(today(), 3).isoformat()
    )
    response = first.post(f"/applications/{app.pk}/approve", {})
    assert response.status_code == 200 and response.json() == {"status": "checked"}
    (item,) = second.get("/applications", {"status": "checked"}).json()["items"]
    assert (item["review_stage"], item["due_date"]) == (2, add_working_days(today(), 2).isoformat())
    response = first.post(f"/applications/{app.pk}/approve", {})
    assert response.status_code == 403 and error_of(response)["code"] == "four_eyes"
    assert second.post(f"/applications/{app.pk}/approve", {}).json() == {"status": "approved"}
    detail = second.get(f"/applications/{app.pk}").json()
    assert detail["review_stage"] is None
    assert [h["status"] for h in detail["history"]][-2:] == ["checked", "approved"]


def test_the_requirements_say_how_the_review_days_are_split_and_that_it_is_a_local_setting(anon):
    guilin = anon.get("/requirements", {"region": "450300", "reason": "resignation", "applicant_type": "unit"}).json()
    assert (guilin["review_days"], guilin["review_stages"], guilin["check_days"]) == (5, 2, 3)
    assert guilin["basis"]["check_days"] == "local" and "check_days" in guilin["local_settings"]
    beijing = anon.get("/requirements", {"region": "110000", "reason": "resignation", "applicant_type": "unit"}).json()
    assert beijing["check_days"] is None and "check_days" not in beijing["basis"]
