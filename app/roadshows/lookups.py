"""Look-ups of the roadshows domain: a roadshow or a pitch by id, or NotFound. Every layer of the domain uses them
(the live room's modules among them), so they sit below `services`."""
from flask_babel import lazy_gettext as _l

from app.accounts import organisations
from app.core.errors import NotFound
from app.extensions import db
from app.roadshows.models import Pitch, Roadshow


def get_roadshow(roadshow_id: int) -> Roadshow:
    roadshow = db.session.get(Roadshow, roadshow_id) if organisations.valid_id(roadshow_id) else None
    if roadshow is None:
        raise NotFound(_l("No such roadshow."), code="roadshow_not_found")
    return roadshow


def get_pitch(pitch_id: int) -> Pitch:
    pitch = db.session.get(Pitch, pitch_id) if organisations.valid_id(pitch_id) else None
    if pitch is None:
        raise NotFound(_l("No such pitch."), code="pitch_not_found")
    return pitch
