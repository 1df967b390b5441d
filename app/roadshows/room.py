"""The Socket.IO room names of a roadshow: every viewer, and its moderators."""


def roadshow_room(roadshow_id: int) -> str:
    return f"roadshow:{roadshow_id}"


def moderators_room(roadshow_id: int) -> str:
    return f"roadshow:{roadshow_id}:mods"
