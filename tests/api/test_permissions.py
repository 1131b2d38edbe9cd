"""Who may do what, as one table (in the style of pretix's tests/api/test_permissions.py):
role x endpoint x own / foreign object -> expected status.

"own" is an object the role is bound to (for an officer: in their region, Beijing; for the
unit agent: its unit's employee; for the individual: themself); "foreign" is one in Shanghai,
bound to no one of them. Objects the caller may not see answer 404, as if absent; an endpoint
the role may never use answers 403; no token answers 401."""

import datetime as dt

import pytest

from medpause.common.dates import today
from tests.api.conftest import Api, error_of, submitted_application
from tests.factories import id_number, uscc_code

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "unit_agent", "individual", "institution", "anonymous"]


def _unit_body(region):
    return {"name": "U", "uscc": uscc_code(), "region": region, "legal_representative_name": "法人",
            "legal_representative_id_number": id_number()}


def _person_body(region):
    return {"name": "人", "id_number": id_number(), "region": region, "category": "flexible",
            "contribution_base": "6000.00"}


def _stop_body(person_id):
    # after the pending applications' periods (which end within 30 days): no overlap
    start = today() + dt.timedelta(days=60)
    return {"kind": "stop", "person_id": person_id, "reason": "enlistment", "start_date": start.isoformat()}


# (name, method, path, body); {person}, {unit}, {application}, {region}, {id_number} and {card}
# are filled with the own or the foreign object.
# Expected statuses per role: (own, foreign); one value when the object does not matter.
MATRIX = [
    ("person", "get", "/persons/{person}", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("contributions", "get", "/persons/{person}/contributions", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("suspensions", "get", "/persons/{person}/suspensions", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("certificate", "get", "/persons/{person}/certificates/participation.pdf", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("lookup", "post", "/persons/lookup", {"id_number": "{id_number}"},
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("unit", "get", "/units/{unit}", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("register unit", "post", "/units", "unit",
     {"admin": (201, 201), "officer": (201, 403), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("register person", "post", "/persons", "person",
     {"admin": (201, 201), "officer": (201, 403), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("create user", "post", "/users",
     {"username": "new.user", "password": "long-enough-1", "role": "institution", "institution_name": "X"},
     {"admin": 201, "officer": 403, "unit_agent": 403, "individual": 403, "institution": 403, "anonymous": 401}),
    ("create application", "post", "/applications", "stop",
     {"admin": (201, 201), "officer": (201, 404), "unit_agent": (201, 404), "individual": (201, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("list applications", "get", "/applications", None,
     {"admin": 200, "officer": 200, "unit_agent": 200, "individual": 200, "institution": 403, "anonymous": 401}),
    ("application", "get", "/applications/{application}", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("document", "get", "/applications/{application}/documents/{document}", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("application form", "get", "/applications/{application}/form.pdf", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (200, 404), "individual": (200, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    # the own application was filed by the unit agent: only it is the applicant
    ("withdraw", "post", "/applications/{application}/withdraw", None,
     {"admin": (403, 403), "officer": (403, 404), "unit_agent": (200, 404), "individual": (403, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    # rights come before state: only the applicant hears that the application is already submitted
    ("submit", "post", "/applications/{application}/submit", None,
     {"admin": (403, 403), "officer": (403, 404), "unit_agent": (409, 404), "individual": (403, 404),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("take", "post", "/applications/{application}/take", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("approve", "post", "/applications/{application}/approve", None,
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("reject", "post", "/applications/{application}/reject", {"reason": "no"},
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("request supplement", "post", "/applications/{application}/request-supplement",
     {"reason": "more", "documents": ["identity"]},
     {"admin": (200, 200), "officer": (200, 404), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (403, 403), "anonymous": (401, 401)}),
    ("eligibility", "get", "/eligibility?card_number={card}", None,
     {"admin": (200, 200), "officer": (403, 403), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (200, 200), "anonymous": (401, 401)}),
    ("settle", "post", "/settlements",
     {"card_number": "{card}", "date": "__today__", "amount": "10.00", "institution_reference": "P-1"},
     {"admin": (403, 403), "officer": (403, 403), "unit_agent": (403, 403), "individual": (403, 403),
      "institution": (201, 201), "anonymous": (401, 401)}),
    ("notices", "get", "/notices", None,
     {"admin": 200, "officer": 200, "unit_agent": 200, "individual": 200, "institution": 403, "anonymous": 401}),
    ("regions", "get", "/regions", None,
     {"admin": 200, "officer": 200, "unit_agent": 200, "individual": 200, "institution": 200, "anonymous": 200}),
    ("requirements", "get", "/requirements?region=110000&reason=resignation", None,
     {"admin": 200, "officer": 200, "unit_agent": 200, "individual": 200, "institution": 200, "anonymous": 200}),
    ("revoke", "post", "/auth/revoke", None,
     {"admin": 204, "officer": 204, "unit_agent": 204, "individual": 204, "institution": 204, "anonymous": 401}),
]


def _cases():
    for name, method, path, body, expected in MATRIX:
        for role in ROLES:
            statuses = expected[role]
            if isinstance(statuses, tuple):
                yield pytest.param(method, path, body, role, "own", statuses[0], id=f"{name}-{role}-own")
                yield pytest.param(method, path, body, role, "foreign", statuses[1], id=f"{name}-{role}-foreign")
            else:
                yield pytest.param(method, path, body, role, "own", statuses, id=f"{name}-{role}")


def _objects(world, which: str, with_application: bool) -> dict:
    """The own (Beijing) or foreign (Shanghai) object of every kind; the submitted application
    (filed by the unit agent, or by the Shanghai individual) only where the case needs one."""
    if which == "own":
        objs = {"person": world.bj_employee, "unit": world.bj_unit, "region": "110000"}
        if with_application:
            objs["application"] = submitted_application(
                world.users["unit_agent"], world.bj_employee, "enlistment", end=today() + dt.timedelta(days=30)
            )
    else:
        objs = {"person": world.sh_flex, "unit": world.sh_unit, "region": "310000"}
        if with_application:
            objs["application"] = submitted_application(
                world.users["individual_sh"], world.sh_flex, "flexible_pause", end=today() + dt.timedelta(days=30)
            )
    return objs


def _fill(value, objs):
    person = objs["person"]
    if isinstance(value, str):
        return (
            value.replace("{person}", str(person.pk)).replace("{unit}", str(objs["unit"].pk))
            .replace("{application}", str(objs["application"].pk) if "application" in objs else "")
            .replace("{document}", str(objs["application"].documents.first().pk) if "application" in objs else "")
            .replace("{id_number}", person.id_number)
            .replace("{card}", person.card.number).replace("__today__", today().isoformat())
        )
    if isinstance(value, dict):
        return {k: _fill(v, objs) for k, v in value.items()}
    return value


@pytest.mark.parametrize("method, path, body, role, which, expected", list(_cases()))
def test_permission_matrix(world, method, path, body, role, which, expected):
    objs = _objects(world, which, with_application="{application}" in path)
    if body == "unit":
        body = _unit_body(objs["region"])
    elif body == "person":
        body = _person_body(objs["region"])
    elif body == "stop":
        body = _stop_body(objs["person"].pk)
    api = world.api[role] if role != "anonymous" else Api()
    url = _fill(path, objs)
    response = api.get(url) if method == "get" else api.post(url, _fill(body, objs))
    assert response.status_code == expected, response.content[:400]
    if expected >= 400:
        code = error_of(response)["code"]
        assert code == {401: "not_authenticated", 403: "forbidden", 404: "not_found"}.get(expected, code)
