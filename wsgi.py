"""Entry point for gunicorn and `make run`.

gevent must patch the standard library before anything else is imported, so that sockets,
Redis and psycopg 3 (which cooperates with gevent by itself) yield instead of blocking.
"""
import os

if os.environ.get("SOCKETIO_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402

app = create_app()

if os.environ.get("REDIS_URL"):
    from app.core.realtime import watch_shared_queue
    watch_shared_queue(app)

if os.environ.get("FUHUA_WARM_UP", "1") == "1":
    # What a first request would otherwise load inside the serving loop, stopping every socket of the
    # process meanwhile: pdfium for the first deck upload, the segmenter's dictionary for the first search, fpdf
    # for the first agreement PDF.
    from app.marketplace import agreement_pdf  # noqa: E402, F401
    from app.roadshows.decks import warm_up as warm_up_decks  # noqa: E402
    from app.search.analysis import warm_up as warm_up_search  # noqa: E402

    warm_up_decks()
    warm_up_search()

if os.environ.get("FUHUA_GC_TUNING", "1") == "1":
    import gc
    # What the app built at start-up (modules, models, routes, catalogues) lives as long as the process:
    # keep it out of the collector's passes. And collect less often: a broadcast to thousands of sockets
    # allocates tens of thousands of short-lived objects, and with the default thresholds the full passes
    # over every open connection's objects landed in the middle of fan-outs (p99 of a 5,000-viewer room
    # 340 ms, against 180 ms with these). Reference counting still frees everything not in a cycle.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*(int(n) for n in os.environ.get("FUHUA_GC_THRESHOLD", "50000,50,100").split(",")))

if os.environ.get("FUHUA_GC_LOG") == "1":  # diagnosis: log the collections long enough to delay deliveries
    import gc
    import time

    _gc_started = {}

    def _log_slow_collections(phase, info):
        if phase == "start":
            _gc_started["at"] = time.perf_counter()
        elif (took := time.perf_counter() - _gc_started.get("at", time.perf_counter())) > 0.02:
            app.logger.warning("gc generation %d took %.0f ms (%d collected)", info["generation"], took * 1000,
                               info["collected"])

    gc.callbacks.append(_log_slow_collections)

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app.logger.info("Fuhua is serving on http://%s:%d (async mode: %s)", host, port, socketio.async_mode)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=False)
