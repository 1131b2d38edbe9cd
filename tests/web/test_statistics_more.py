"""Statistics by reason and by region, the decision-time distribution drawn as an SVG on the
server, and the same figures as CSV and XLSX files an officer can take away."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from medpause.cases.models import Application
from medpause.cases.selectors.statistics import review_statistics
from medpause.cases.services import application_approve, application_reject
from medpause.common.dates import add_months, today
from tests.factories import make_person, make_user
from tests.web.conftest import page, stop_submitted

pytestmark = pytest.mark.django_db


def _pause(region: str, name: str):
    person = make_person(region, category="flexible", name=name)
    user = make_user("individual", person=person)
    return stop_submitted(user, person, "flexible_pause", today(), add_months(today(), 3) - dt.timedelta(days=1))


def _took(app: Application, days: float) -> None:
    """Back-date the first submission so the decision took `days`."""
    Application.objects.filter(pk=app.pk).update(
        first_submitted_at=app.decided_at - dt.timedelta(days=days) if app.decided_at else timezone.now())


@pytest.fixture
def decided():
    """Shanghai: four pauses decided after 0.5, 1, 4 and 25 days, one still open; Wuhan: one open."""
    officer = make_user("officer", region="310000")
    apps = [_pause("310000", f"人{i}") for i in range(5)]
    for app, days, decide in zip(apps, (0.5, 1, 4, 25), (application_approve, application_approve,
                                                         application_reject, application_approve), strict=False):
        kwargs = {"reason": "材料不全"} if decide is application_reject else {}
        done = decide(actor=officer, application=app, **kwargs)
        _took(done, days)
    _pause("420100", "武汉人")
    return officer


def test_distribution_counts_each_decision_once_at_the_bucket_edges(decided):
    stats = review_statistics(user=decided, on=today())
    counts = [b["count"] for b in stats["distribution"]]
    # < 1 day | 1-3 (exactly 1 day goes here) | 3-5 | 5-10 | 10-20 | > 20
    assert counts == [1, 1, 1, 0, 0, 1]
    assert sum(counts) == stats["decided_count"] == 4
    assert max(b["height"] for b in stats["distribution"]) == 100


def test_by_reason_counts_open_and_decided(decided):
    stats = review_statistics(user=decided, on=today())
    (row,) = stats["by_reason"]
    assert (row["reason"], row["total"], row["open"], row["approved"], row["rejected"]) == (
        "flexible_pause", 5, 1, 3, 1)
    assert stats["by_region"] == []  # an officer sees one region


def test_an_administrator_sees_every_region(decided):
    admin = make_user("admin")
    stats = review_statistics(user=admin, on=today())
    assert [(r["code"], r["total"], r["open"]) for r in stats["by_region"]] == [("310000", 5, 1), ("420100", 1, 1)]


@pytest.mark.parametrize(("lang", "words"), [("en", "Applications by reason"), ("zh-hans", "按原因统计的申请")])
def test_the_page_draws_the_chart_and_offers_the_files(client, decided, lang, words):
    client.force_login(decided)
    html = page(client, reverse("officer:statistics"), lang).content.decode()
    assert words in html
    assert '<svg viewBox="0 0 640 250" class="bar-chart" role="img"' in html
    assert html.count('class="chart-bar"') == 6
    assert reverse("officer:statistics_export", args=["xlsx"]) in html


def test_csv_export_has_the_same_figures(client, decided):
    client.force_login(decided)
    response = client.get(reverse("officer:statistics_export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Applications by reason" in text and ",5,1,3,1" in text
    assert "more than 20 days,1" in text


def test_xlsx_export_opens_and_neutralises_hostile_names(client, decided):
    client.force_login(decided)
    Application.objects.filter(region__code="310000").update(reason="=cmd|' /C calc'!A0")
    response = client.get(reverse("officer:statistics_export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert 5 in values  # counts stay numbers


def test_an_unknown_format_is_404_and_others_may_not_export(client, decided):
    client.force_login(decided)
    assert client.get(reverse("officer:statistics_export", args=["pdf"])).status_code == 404
    client.force_login(make_user("individual", person=make_person("310000")))
    assert client.get(reverse("officer:statistics_export", args=["csv"])).status_code in (403, 404)
