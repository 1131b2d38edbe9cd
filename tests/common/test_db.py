"""The SQLite writers' gate queues writers instead of letting them poll the database's lock."""

import threading
import time

from django.db import connection

from medpause.common.db import write_gate


def test_the_gate_lets_one_writer_in_at_a_time():
    if connection.vendor != "sqlite":
        with write_gate():  # nothing to queue on PostgreSQL
            return
    inside, order = threading.Event(), []

    def second():
        inside.wait()
        with write_gate():
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with write_gate():
        inside.set()
        time.sleep(0.2)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
