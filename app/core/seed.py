"""`flask seed-demo`: demo data (filled in by the seed work)."""


def register(app) -> None:
    pass
