"""What the guide and the wizard say to whom: each sentence fits the reader (an individual is
not told about a unit's legal representative, a unit is not told "you cannot file this
yourself", a flexible worker is not sent to an employer), resuming lists what resuming means,
and no limit reads "at most 0 days"."""

import datetime as dt
from html import unescape

import pytest

from medpause.cases import rules
from medpause.common.dates import today
from medpause.policy.selectors import policy_in_force, region_get
from tests.web.conftest import page

pytestmark = pytest.mark.django_db

GUIDE = "/guide/answer/?kind={kind}&applicant_type={who}&region={region}&reason={reason}"


def answer(client, region, reason, who="individual", kind="stop", lang="en"):
    response = page(client, GUIDE.format(kind=kind, who=who, region=region, reason=reason), lang)
    assert response.status_code == 200
    return unescape(response.content.decode())


def steps_of(html: str) -> str:
    return html[html.index('class="steps"'):html.index('id="consequences"')]


def test_an_individual_is_not_told_about_a_units_legal_representative(client):
    individual = steps_of(answer(client, "310000", "resignation", "individual"))
    assert "legal representative" not in individual
    assert "Show your ID card or another valid identity document." in individual
    unit = steps_of(answer(client, "110000", "resignation", "unit"))
    assert "Show the employee's identity" in unit
    assert "The unit's legal representative's identification is already on file with the bureau." in unit
    zh = steps_of(answer(client, "310000", "resignation", "individual", lang="zh-CN"))
    assert "法定代表人" not in zh


def test_the_steps_point_at_the_form_where_it_is(client):
    html = answer(client, "110000", "resignation", "unit")
    assert html.index('id="blank-form-link"') < html.index('class="steps"')  # the link stands above the steps
    assert "below" not in steps_of(html)
    assert "Download the blank form from this page" in steps_of(html)
    zh = answer(client, "110000", "resignation", "unit", lang="zh-CN")
    assert "下方下载" not in zh


def test_a_unit_is_not_told_it_cannot_file_this_itself(client):
    html = answer(client, "510100", "flexible_pause", "unit", kind="resume")
    notice = html[html.index('id="who-may-file"'):]
    assert "A unit cannot file this" in notice and "You cannot file this yourself" not in html
    zh = answer(client, "510100", "flexible_pause", "unit", kind="resume", lang="zh-CN")
    assert "您不能自行申请" not in zh and "单位不能申请此项业务" in zh
    # the reason list of the guide says the same
    reasons = unescape(page(client, "/guide/reason/?kind=stop&applicant_type=unit&region=510100").content.decode())
    assert "A unit cannot file this. Who may file:" in reasons and "You cannot file this yourself" not in reasons
    mine = unescape(page(client, "/guide/reason/?kind=stop&applicant_type=individual&region=510100").content.decode())
    assert "You cannot file this yourself. Who may file:" in mine


def test_resuming_lists_what_resuming_means_not_what_stopping_means(client):
    html = answer(client, "420100", "resignation", "individual", kind="resume")
    consequences = html[html.index('id="consequences"'):html.index('id="legal-basis"')]
    assert "What happens when you resume" in consequences
    assert "The card works again only after the bureau approves the resumption" in consequences
    assert "shared by the unit and the employee; a flexible worker pays alone" in consequences
    assert "3 months after you resume" in consequences  # Wuhan's waiting period, from the data
    assert "cannot settle or reimburse" not in consequences  # that is what stopping means
    stop = answer(client, "420100", "resignation", "individual")
    assert "cannot settle or reimburse" in stop[stop.index('id="consequences"'):]
    # the API answers the same list
    api = client.get("/api/v1/requirements", {"region": "420100", "reason": "resignation", "kind": "resume",
                                              "applicant_type": "individual"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert any("works again only after the bureau approves" in c for c in api["consequences"])


def test_continuing_without_a_reason_is_an_error(client):
    response = page(client, "/guide/reason/?kind=stop&applicant_type=individual&region=110000&asked=1")
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="error-summary"' in html and "Choose the reason." in html
    assert html.startswith("<!doctype html>") and "<title>Error:" in html
    # the form sends the marker, so a browser's "Continue" with nothing chosen lands here
    fresh = unescape(page(client, "/guide/reason/?kind=stop&applicant_type=individual&region=110000").content.decode())
    assert '<input type="hidden" name="asked" value="1">' in fresh and 'id="error-summary"' not in fresh


def test_no_limit_reads_at_most_zero_days():
    _pv, policy = policy_in_force(region=region_get(code="310000"))
    reason = policy.reasons["flexible_pause"]
    assert reason.backdate_days == 0
    on = today()
    with pytest.raises(rules.Refusal) as refused:
        rules.judge_stop(person=rules.PersonFacts(pk=1, unit_id=None, region_id=1, category="flexible", retired=False),
                         reason=reason, applicant_type="individual", start=on - dt.timedelta(days=1),
                         end=on + dt.timedelta(days=30), today=on, recorded=[], pending=[])
    error = refused.value.error()
    assert error.code == "start_date_too_early"
    assert str(error.message) == f"The start date may not be in the past: the earliest is today, {on.isoformat()}."
    resignation = policy.reasons["resignation"]
    assert resignation.backdate_days > 0
    with pytest.raises(rules.Refusal) as refused:
        rules.judge_stop(person=rules.PersonFacts(pk=1, unit_id=7, region_id=1, category="employee", retired=False),
                         reason=resignation, applicant_type="unit", start=on - dt.timedelta(days=400),
                         end=None, today=on, recorded=[], pending=[])
    assert f"at most {resignation.backdate_days} days in the past" in str(refused.value.error().message)


def test_the_blank_form_without_region_or_reason_asks_for_them(client):
    response = client.get("/guide/form/stop.pdf")
    assert response.status_code == 302 and response["Location"] == "/guide/?kind=stop"
    response = client.get("/guide/form/resume.pdf?region=110000")
    assert response.status_code == 302 and response["Location"] == "/guide/?kind=resume"
    assert client.get("/guide/form/stop.pdf?region=110000&reason=holiday").status_code == 404
