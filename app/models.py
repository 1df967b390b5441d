"""Every domain's models, imported in one place so the metadata (and Alembic) sees all tables."""
from app.accounts.models import ApiToken, Invitation, Membership, Organisation, User  # noqa: F401
from app.conversations import models as conversations_models  # noqa: F401
from app.marketplace import models as marketplace_models  # noqa: F401
from app.mentoring import models as mentoring_models  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.providers.models import Provider  # noqa: F401
from app.roadshows import models as roadshows_models  # noqa: F401
from app.search.models import SearchDocument  # noqa: F401
from app.startups.models import Startup  # noqa: F401
from app.video import models as video_models  # noqa: F401
