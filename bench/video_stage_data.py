"""`python -m bench.video_stage_data PASSWORD`: migrate a served app's new database (DATABASE_URL), then add a
public roadshow on now with its first pitch live (presented by a founder) and 16 investors to watch it; prints
their emails and ids as JSON (for bench/video_stage.py, through tests.video.harness.served_in_namespace)."""
import json
import sys
from datetime import timedelta

VIEWERS = 16  # the most bench/video_stage.py can send


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows import services as roadshows
    from app.roadshows.live import use_cases
    from app.startups.services import create_startup
    from tests.video.data import make_user

    password, count = sys.argv[1], VIEWERS
    app = create_app()
    with app.app_context():
        upgrade()
        admin = make_user("investor", "organiser@vbench.test", "组织者 Organiser", password, is_admin=True)
        founder = make_user("founder", "presenter@vbench.test", "周杰 Zhou", password)
        viewers = [make_user("investor", f"viewer{i}@vbench.test", f"观众 Viewer {i}", password)
                   for i in range(count)]
        startup = create_startup(founder=founder, name="甲电池 Battery", sector="clean_energy", stage="seed",
                                 summary="固态电池", needs="", tags=[])
        roadshow = roadshows.create_roadshow(actor=admin, title="基准演示日 Bench Demo Day", starts_at=utcnow(),
                                             ends_at=utcnow() + timedelta(hours=3), visibility="public")
        pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="固态电池")
        use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live", minutes=120)
        db.session.commit()
        print(json.dumps({"roadshow_id": roadshow.id, "organiser": admin.email, "presenter": founder.email,
                          "viewers": [v.email for v in viewers]}))


if __name__ == "__main__":
    main()
