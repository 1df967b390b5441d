"""`off_loop`: under gevent a blocking call waits in the threadpool while the loop goes on; without gevent it runs
in place. Each case runs in a process of its own (monkey-patching cannot be undone)."""
import subprocess
import sys

from tests.served import ROOT

TICKS = """
{patch}
import ctypes, sys, threading, time
import gevent
from app.core.offload import off_loop

libc = ctypes.CDLL(None)
ticks = []

def ticker():
    while True:
        ticks.append(1)
        gevent.sleep(0.01)

gevent.spawn(ticker)
gevent.sleep(0)
main = threading.get_ident()
where = off_loop(lambda: (libc.usleep(300_000), threading.get_ident())[1])  # blocks its thread for 0.3 s
try:
    off_loop(int, "not a number")
except ValueError as error:
    failed = type(error).__name__
print(len(ticks), where != main, failed)
"""


def _run(patch: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", TICKS.format(patch=patch)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_under_gevent_the_loop_runs_while_the_call_blocks_a_thread_of_the_pool():
    ticks, elsewhere, failed = _run("from gevent import monkey; monkey.patch_all()")
    assert int(ticks) >= 10 and elsewhere == "True" and failed == "ValueError"


def test_without_gevent_the_call_runs_in_place():
    ticks, elsewhere, failed = _run("")
    assert int(ticks) <= 1 and elsewhere == "False" and failed == "ValueError"
