# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make demo   — crawl the bundled demo portal into demo.db (DB=path for another) and summarise
#   make test   — run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.db
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench serve clean

CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

setup: $(STAMP) /usr/bin/chromium $(CJK_FONT)

# Re-installs only when pyproject.toml changes; a second run reuses the venv.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# Debian's Chromium for scrapy-playwright (playwright cannot download browsers here).
/usr/bin/chromium:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# A Chinese font, so that the browser tests' screenshots show text rather than boxes.
$(CJK_FONT):
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei

demo: setup
	$(BIN)/govarchive demo --db $(DB)

serve: setup
	$(BIN)/govarchive serve --db $(DB)

test: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15

bench: setup
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm artifacts .pytest_cache
