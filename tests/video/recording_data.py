"""`python -m tests.video.recording_data PASSWORD`: migrate a served app's new database (DATABASE_URL), then add
a public roadshow on now whose organiser has not consented to recording yet (the test ticks it in the form), two
pitches (the first presented by a founder, the second never on stage), an organiser (admin) and a viewer; prints
their emails and ids as JSON."""
import json
import sys
from datetime import timedelta


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows import services as roadshows
    from app.startups.services import create_startup
    from tests.video.data import make_user

    password = sys.argv[1]
    app = create_app()
    with app.app_context():
        upgrade()
        admin = make_user("investor", "organiser@replay.test", "组织者 Organiser", password, is_admin=True)
        founder = make_user("founder", "presenter@replay.test", "周杰 Zhou", password, locale="zh")
        viewer = make_user("investor", "viewer@replay.test", "孙观众 Sun", password)
        startup = create_startup(founder=founder, name="甲电池 Battery", sector="clean_energy", stage="seed",
                                 summary="固态电池", needs="", tags=[])
        roadshow = roadshows.create_roadshow(actor=admin, title="录播演示日 Recorded Demo Day", starts_at=utcnow(),
                                             ends_at=utcnow() + timedelta(hours=2), visibility="public")
        pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="固态电池")
        roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="第二个项目")
        db.session.commit()
        print(json.dumps({"roadshow_id": roadshow.id, "pitch_id": pitch.id, "organiser": admin.email,
                          "presenter": founder.email, "viewer": viewer.email}))


if __name__ == "__main__":
    main()
