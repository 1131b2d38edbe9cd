"""Sign-in throttling as served: POST /api/v1/auth/token through config/wsgi.py's API handler
(its own middleware, no sessions) locks out after five failures with 429 `too_many_attempts`
in the error shape, and the sign-in page, behind the pages' handler, counts the same failures."""

import json

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)  # served: each request commits and closes


def test_the_served_token_request_locks_out_in_the_error_shape(call):
    make_user("institution", username="served.h", institution_name="医院", password="correct-horse-9")
    body = {"username": "served.h", "password": "wrong-password-1"}
    answers = [call("/api/v1/auth/token", method="POST", data=json.dumps(body), remote_addr="198.51.100.9").status
               for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    right = call("/api/v1/auth/token", method="POST", remote_addr="198.51.100.9",
                 data=json.dumps({**body, "password": "correct-horse-9"}))
    assert right.status == 429
    assert right.json()["error"]["code"] == "too_many_attempts"
    assert int(right.headers["Retry-After"]) > 0
    # another address is not locked out
    assert call("/api/v1/auth/token", method="POST", remote_addr="198.51.100.10",
                data=json.dumps({**body, "password": "correct-horse-9"})).status == 200
