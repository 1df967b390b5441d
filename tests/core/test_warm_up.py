"""What a served process loads before it serves (wsgi.py), so that no first request stalls its loop."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.served import ROOT, serve

PROBE = """
import sys
from app.roadshows.decks import warm_up as decks
from app.search import analysis
assert "pypdfium2" not in sys.modules and analysis._segmenter is None, "loaded before the warm-up"
decks()
analysis.warm_up()
assert "pypdfium2" in sys.modules
assert analysis._segmenter is not None
assert analysis._chinese_terms.cache_info().currsize == 1
print("warm")
"""


def test_warm_up_loads_pdfium_the_segmenter_and_the_lexicon_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "warm"


@pytest.mark.served
def test_a_served_process_has_pdfium_loaded_before_its_first_upload():
    with serve(env={"FUHUA_WARM_UP": "1"}) as served:
        maps = Path(f"/proc/{served.server.process.pid}/maps").read_text()
    assert "pdfium" in maps
