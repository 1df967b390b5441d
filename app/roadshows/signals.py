"""Signals other domains can listen to (video reacts to the stage without roadshows importing it)."""
from blinker import Namespace

signals = Namespace()

# Sent with the roadshow id once a change of its stage has been committed: a pitch went live, to Q&A or done,
# another pitch took the stage, or the roadshow ended.
stage_changed = signals.signal("stage-changed")
