"""`python -m tests.video.scale_data PASSWORD`: migrate a served app's new database (DATABASE_URL), then add an
invite-only roadshow on now with its first pitch live (presented by a founder), an organiser (admin), four invited
viewers and one person who is not invited; prints their emails and ids as JSON."""
import json
import sys
from datetime import timedelta


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows import admission
    from app.roadshows import services as roadshows
    from app.roadshows.live import use_cases
    from app.startups.services import create_startup
    from tests.video.data import make_user

    password = sys.argv[1]
    app = create_app()
    with app.app_context():
        upgrade()
        admin = make_user("investor", "organiser@scale.test", "组织者 Organiser", password, is_admin=True)
        founder = make_user("founder", "presenter@scale.test", "周杰 Zhou", password)
        first = make_user("investor", "first@scale.test", "孙观众 Sun", password)
        second = make_user("investor", "second@scale.test", "钱多多 Qian", password, locale="zh")
        late = make_user("investor", "late@scale.test", "迟到者 Late", password)
        blocked = make_user("investor", "blocked@scale.test", "防火墙 Wall", password, locale="zh")
        outsider = make_user("investor", "outsider@scale.test", "陌生人 Outsider", password)
        startup = create_startup(founder=founder, name="乙芯片 Chips", sector="clean_energy", stage="seed",
                                 summary="边缘芯片", needs="", tags=[])
        roadshow = roadshows.create_roadshow(actor=admin, title="闭门路演 Closed Demo Day", starts_at=utcnow(),
                                             ends_at=utcnow() + timedelta(hours=2), visibility="invite_only")
        admission.invite(actor=admin, roadshow_id=roadshow.id, emails=[first.email, second.email, late.email,
                                                                     blocked.email])
        pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="边缘芯片")
        use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live", minutes=60)
        db.session.commit()
        print(json.dumps({"roadshow_id": roadshow.id, "pitch_id": pitch.id, "organiser": admin.email,
                          "presenter": founder.email, "first": first.email, "second": second.email, "late": late.email,
                          "blocked": blocked.email, "outsider": outsider.email}))


if __name__ == "__main__":
    main()
