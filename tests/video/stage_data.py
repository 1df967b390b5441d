"""`python -m tests.video.stage_data PASSWORD`: migrate a served app's new database (DATABASE_URL), then add a
public roadshow on now with its first pitch live (presented by a founder), an organiser (admin) and two viewers;
prints their emails and ids as JSON (one process instead of `flask db upgrade` and another)."""
import json
import sys
from datetime import timedelta


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows import services as roadshows
    from app.roadshows.live import use_cases
    from app.startups.services import create_startup
    from tests.video.data import make_user

    password = sys.argv[1]
    app = create_app()
    with app.app_context():
        upgrade()
        admin = make_user("investor", "organiser@stage.test", "组织者 Organiser", password, is_admin=True)
        founder = make_user("founder", "presenter@stage.test", "周杰 Zhou", password)
        first = make_user("investor", "viewer1@stage.test", "钱多多 Qian", password, locale="zh")
        second = make_user("investor", "viewer2@stage.test", "孙观众 Sun", password)
        startup = create_startup(founder=founder, name="甲电池 Battery", sector="clean_energy", stage="seed",
                                 summary="固态电池", needs="", tags=[])
        roadshow = roadshows.create_roadshow(actor=admin, title="春季演示日 Spring Demo Day", starts_at=utcnow(),
                                             ends_at=utcnow() + timedelta(hours=2), visibility="public")
        pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="固态电池")
        use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live", minutes=60)
        # A second roadshow whose video room nobody has made yet (for the test of two first joins at once).
        fresh = roadshows.create_roadshow(actor=admin, title="第二场 Second Day", starts_at=utcnow(),
                                          ends_at=utcnow() + timedelta(hours=2), visibility="public")
        fresh_pitch = roadshows.add_pitch(actor=admin, roadshow_id=fresh.id, startup_id=startup.id, title="再来一次")
        use_cases.set_stage(actor=admin, roadshow_id=fresh.id, pitch_id=fresh_pitch.id, state="live", minutes=60)
        db.session.commit()
        print(json.dumps({"roadshow_id": roadshow.id, "pitch_id": pitch.id, "fresh_roadshow_id": fresh.id,
                          "organiser": admin.email,
                          "presenter": founder.email, "viewer_zh": first.email, "viewer_en": second.email}))


if __name__ == "__main__":
    main()
