# The two commands the README promises: `make run` and `make test`.
.PHONY: install install-test run test lint format check-flows bench screenshots clean

install:
	scripts/bootstrap

install-test:
	scripts/bootstrap --test chromium espeak-ng

run: install
	.venv/bin/ivr demo

test: install-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/ivr callflows check
	.venv/bin/pytest

lint: install-test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install-test
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

check-flows: install
	.venv/bin/ivr callflows check

bench: install-test
	scripts/bootstrap --test wrk
	.venv/bin/python -m bench.ewt
	.venv/bin/python -m bench.queue_ops
	.venv/bin/python -m bench.dispatch
	.venv/bin/python -m bench.webhooks
	.venv/bin/python -m bench.transcribe

# The README's pictures of the consoles: the page tests take them (tests/artifacts/screenshots),
# this copies the current ones into docs/screenshots, to commit.
screenshots: install-test
	.venv/bin/pytest -q -m e2e tests/e2e -k "console or reports or transcript or softphone or phone_page"
	mkdir -p docs/screenshots
	cp tests/artifacts/screenshots/*.png docs/screenshots/

clean:
	rm -rf .venv instance .pytest_cache .ruff_cache
