"""Search use cases that are not a domain's own query."""
from app.extensions import db
from app.search import index


def rebuild_index(kinds: list[str] | None = None) -> dict[str, int]:
    """Rebuild the search documents of these kinds (every kind by default); returns the count per kind."""
    unknown = sorted(set(kinds or []) - set(index.SOURCES))
    if unknown:
        raise ValueError(f"unknown kinds: {', '.join(unknown)}")
    counts = index.reindex(db.session.connection(), kinds)
    db.session.commit()
    return counts
