# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make demo   — crawl the bundled demo portal into demo.db (DB=path for another) and summarise
#   make test   — run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.db
STAMP := $(VENV)/.installed
# native/build.py's manifest, and what it is built from
NATIVE := extract/_native.json
NATIVE_SOURCES := $(wildcard extract/tables/*.py) $(addprefix extract/,values.py checks.py narrative.py \
	completeness.py metadata.py report.py html_text.py model.py __init__.py) native/build.py

.PHONY: setup demo test bench serve clean native pure

CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

setup: $(STAMP) $(NATIVE) /usr/bin/chromium $(CJK_FONT) /usr/bin/redis-server /usr/bin/soffice

# Re-installs only when pyproject.toml changes; a second run reuses the venv.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test,native]'
	touch $@

# The extractor's Python-bound modules compiled with mypyc (~1 min), again whenever one changes.
# Without a C compiler the build fails and the extractor runs as pure Python, slower.
$(NATIVE): $(STAMP) $(NATIVE_SOURCES)
	@$(BIN)/python native/build.py > build-native.log 2>&1 || { tail -5 build-native.log; \
		echo "native build failed (build-native.log): the extractor runs as pure Python"; $(BIN)/python native/build.py clean; }

native: $(NATIVE)

pure:
	$(BIN)/python native/build.py clean

# Debian's Chromium for scrapy-playwright (playwright cannot download browsers here).
/usr/bin/chromium:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# Debian's Redis: the shared frontier of a distributed crawl; the tests start their own on a free port.
/usr/bin/redis-server:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server

# A Chinese font, so that the browser tests' screenshots show text rather than boxes.
$(CJK_FONT):
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei

# LibreOffice (Writer, no GUI) reads DOC/WPS reports and makes the demo's PDF/DOC renditions.
/usr/bin/soffice:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui

demo: setup
	$(BIN)/govarchive demo --db $(DB)

serve: setup
	$(BIN)/govarchive serve --db $(DB)

test: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15

bench: setup
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/formats.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm artifacts .pytest_cache build build-native.log extract/_native.json
	find extract -name '*.so' -delete
