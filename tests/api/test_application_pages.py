"""`GET /api/v1/applications` at scale: the next page continues by a row-value comparison on
(first_submitted_at, id), never an OR over both columns, an OFFSET or a count."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases import bulk

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_officers_next_page_is_a_row_value_comparison(world):
    apps = bulk.applications(world.sh_flex, 5, submitted=T0, step=dt.timedelta(0))  # one instant: ids decide
    counter = bulk.applications(world.sh_flex, 2, submitted=None, applicant_type="officer")
    api = world.api["officer_sh"]
    first = api.get("/applications", {"limit": 2}).json()
    assert [i["id"] for i in first["items"]] == [a.pk for a in apps[:2]]
    with CaptureQueriesContext(connection) as ctx:
        second = api.get("/applications", {"limit": 4, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in second["items"]] == [apps[2].pk, apps[3].pk, apps[4].pk, counter[0].pk]
    sql = " ".join(q["sql"] for q in ctx.captured_queries if "cases_application" in q["sql"]).upper()
    assert '("CASES_APPLICATION"."FIRST_SUBMITTED_AT", "CASES_APPLICATION"."ID") > (' in sql
    assert "OFFSET" not in sql and "COUNT(" not in sql
    assert '"CASES_APPLICATION"."FIRST_SUBMITTED_AT" = ' not in sql  # not the OR-chain
    last = api.get("/applications", {"limit": 4, "cursor": second["next_cursor"]}).json()
    assert [i["id"] for i in last["items"]] == [counter[1].pk] and last["next_cursor"] is None
