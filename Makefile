# Fuhua: `make run` serves the app on a fresh machine; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app
export HOST PORT

.PHONY: run test setup translations extract-messages lint clean vendor-hls

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# Compiled catalogues are rebuilt only when their .po changes (so runs side by side never rewrite them).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

translations: $(MO_FILES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d translations -D messages -l $*

setup: $(VENV)/.installed translations

# With Debian's janus installed and no JANUS_URLS, a local Janus runs beside the app (app/video/local.py).
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	SOCKETIO_ASYNC_MODE=gevent $(BIN)/python -m app.video.local $(BIN)/python wsgi.py

# Two workers (pytest-xdist), each test file on one worker: the suite waits on servers, browsers and sockets
# about half the time, so two share a core's worth of waiting. `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= 2

test: setup
	$(BIN)/pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching

# hls.js (the stage's HLS fallback and HLS stream URLs) from the npm package, pinned and checked: Debian packages
# no hls.js. The vendored copy is committed; this fetches it again and fails if the bytes are not the pinned ones.
HLS_JS_VERSION := 1.7.4
HLS_JS_TGZ_SHA1 := 1857f0cf1b849da5d7ea86b42bce8a321bf912de
HLS_JS_SHA256 := 482cccb3a224554f64d8c2cf0d335dba4a3819bdb726afbfddfe15de4c277d82

vendor-hls:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack -q hls.js@$(HLS_JS_VERSION) >/dev/null \
	  && echo "$(HLS_JS_TGZ_SHA1)  hls.js-$(HLS_JS_VERSION).tgz" | sha1sum -c --quiet \
	  && tar xzf hls.js-$(HLS_JS_VERSION).tgz package/dist/hls.light.min.js package/LICENSE \
	  && echo "$(HLS_JS_SHA256)  package/dist/hls.light.min.js" | sha256sum -c --quiet \
	  && cp package/dist/hls.light.min.js package/LICENSE $(CURDIR)/static/vendor/hls.js/ && rm -rf $$tmp \
	  && echo "static/vendor/hls.js/: hls.js $(HLS_JS_VERSION), checked"

lint: $(VENV)/.installed
	$(BIN)/ruff check app tests config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
