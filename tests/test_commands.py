"""The `medpause` command's own subcommands are found in the apps that own them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command, get_commands

from medpause.common.dates import today
from medpause.notices.models import Notice
from tests.cases.helpers import flexible_with_login, stop


def test_each_command_lives_in_the_app_it_belongs_to():
    commands = get_commands()
    names = ("setup", "serve", "demo", "audit", "remind", "batches", "keys")
    assert {name: commands.get(name) for name in names} == {
        "setup": "medpause.ops", "serve": "medpause.ops", "demo": "medpause.ops",
        "audit": "medpause.audit", "remind": "medpause.cases", "batches": "medpause.batches",
        "keys": "medpause.registry",
    }


@pytest.mark.django_db
def test_remind_sends_the_days_reminders_once():
    person, me, officer = flexible_with_login("310000")
    stop(me, person, "flexible_pause", today(), today() + dt.timedelta(days=10), approve_by=officer)
    out = StringIO()
    call_command("remind", stdout=out)
    assert out.getvalue().strip() == "1 notices made"
    assert Notice.objects.get().code == "suspension.planned_end"
    again = StringIO()
    call_command("remind", stdout=again)
    assert again.getvalue().strip() == "0 notices made"
