# The three doors: `make test`, `make bench`, `make demo`. Each installs what it needs when it is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BENCH_VENV := .venv-bench
BENCH_DATA := .bench-data
BENCH_MEGABYTES ?= 1000
SWIFT_JOBS ?= 2
SAM_VENV := .venv-sam
PACKAGE_DIR := .build/package
# The functions' CPU (template.yaml's Architecture): package refuses binaries built for another one.
ARCH ?= x86_64

.PHONY: test bench demo fuzz sim build release lint deploy bootstrap first-key destroy system-packages package build-IngestFunction build-AnalyticsFunction build-QueryFunction

system-packages:
	@bash tools/ensure-system-packages.sh

# A project-local virtualenv with the pinned test tools.
$(VENV)/installed: tools/requirements/test.txt | system-packages
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tools/requirements/test.txt
	touch $@

$(BENCH_VENV)/installed: tools/requirements/bench.txt | system-packages
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -r tools/requirements/bench.txt
	touch $@

build: system-packages
	swift build -j $(SWIFT_JOBS) --build-tests

release: system-packages
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib

## lint: the Swift sources formatted as .swift-format says (the toolchain's swift-format); any difference fails.
## `swift format format -i -r Sources Tests Package.swift` fixes what it finds.
lint:
	swift format lint --strict -r Sources Tests Package.swift

## test: the formatting lint, the Swift test suites (with SigV4 vectors botocore signs afresh), 1,000 schedules of the
## deterministic simulation of ingest (release build), the differential test against the
## Python oracle, the release binaries' and packages' checks, the ingest and query functions against moto, and the
## deployment's checks (template, policies, sam build, workflow).
test: lint build $(VENV)/installed $(SAM_VENV)/installed
	@mkdir -p .build/test-vectors
	$(VENV)/bin/python tools/sigv4_vectors.py .build/test-vectors/sigv4-botocore.json
	SIGV4_BOTOCORE_VECTORS=.build/test-vectors/sigv4-botocore.json SWIFT_DETERMINISTIC_HASHING=1 \
		swift test -j $(SWIFT_JOBS) --skip-build
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib --product runtime-probe
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib --product simulate
	SWIFT_DETERMINISTIC_HASHING=1 .build/release/simulate 1000 1 100
	$(MAKE) --no-print-directory package
	CONSUMPTION_BIN=.build/debug/consumption $(VENV)/bin/python -m pytest -q -n 2 --dist loadgroup --durations=25 \
		Tests/Differential Tests/Binaries \
		Tests/Ingest Tests/Query Tests/Deployment Tests/Acceptance

## bench: the core against DuckDB (threads=1) on a generated ~1 GB wide file, and on a ~1 GB NEM12 file of 5-minute
## data; the runtime's cold start and round trip under the emulator next to a shell runtime; the ingest and query functions against moto, each next to boto3
## doing the same requests; what a month costs (by=month) for a tenant and for one meter, next to the sum of its days,
## measured for two tenant sizes and computed for 10,000 meters; what a meter-day costs as one day arrives in 1, 10,
## 50 and 200 files; the packaged bootstrap's cold start in a bare root; the fan-out's figures and the projection for a
## 10 GB file; the dashboard's drawing time; an analytics run for a day of 20,000 meters, next to boto3 doing the
## same, and its projection.
bench: release $(BENCH_VENV)/installed $(VENV)/installed
	@mkdir -p $(BENCH_DATA)
	@test -s $(BENCH_DATA)/wide-48-$(BENCH_MEGABYTES)mb.csv || \
		$(PYTHON) tools/meterfiles.py bench --out $(BENCH_DATA)/wide-48-$(BENCH_MEGABYTES)mb.csv --megabytes $(BENCH_MEGABYTES)
	@test -s $(BENCH_DATA)/nem12-5min-$(BENCH_MEGABYTES)mb.csv || $(PYTHON) tools/meterfiles.py nem12-bench \
		--out $(BENCH_DATA)/nem12-5min-$(BENCH_MEGABYTES)mb.csv --megabytes $(BENCH_MEGABYTES)
	$(BENCH_VENV)/bin/python tools/bench_core.py --consumption .build/release/consumption \
		--file $(BENCH_DATA)/wide-48-$(BENCH_MEGABYTES)mb.csv --nem12 $(BENCH_DATA)/nem12-5min-$(BENCH_MEGABYTES)mb.csv
	$(MAKE) --no-print-directory package
	$(VENV)/bin/python tools/bench_runtime.py
	swift build -j $(SWIFT_JOBS) --product local-lambda
	$(VENV)/bin/python tools/bench_ingest.py --data $(BENCH_DATA)
	$(VENV)/bin/python tools/bench_storage.py
	$(VENV)/bin/python tools/bench_query.py
	$(VENV)/bin/python tools/bench_periods.py
	$(VENV)/bin/python tools/bench_fanout.py --file $(BENCH_DATA)/wide-48-$(BENCH_MEGABYTES)mb.csv
	$(VENV)/bin/python tools/bench_dashboard.py
	$(VENV)/bin/python tools/bench_analytics.py
	$(MAKE) --no-print-directory sim SEEDS=2000

## demo: the whole system on this machine (tools/demo.py): moto, the real bootstraps under the emulator, S3 -> SQS ->
## ingest, the API on 127.0.0.1. `make demo ARGS=--once` stops after the results; `make demo FILES=path/*.csv` ingests
## your own files instead of the samples.
demo: release $(VENV)/installed
	LOCAL_LAMBDA_BIN=.build/release/local-lambda $(VENV)/bin/python tools/demo.py $(ARGS) $(FILES)

## sim: the deterministic simulation of ingest (Tests/Simulation), SEEDS drawn schedules from FIRST_SEED (release
## build): every fault kind, one schedule in twenty with a large file; prints the schedules a second, the faults
## injected by kind, and a shrunk replay of any failing seed. `make test` runs 1,000 (one in a hundred large).
## Deterministic hashing makes a seed replay the same run in any process (dictionary order decides request order).
SEEDS ?= 10000
FIRST_SEED ?= 1
sim: system-packages
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib --product simulate
	SWIFT_DETERMINISTIC_HASHING=1 .build/release/simulate $(SEEDS) $(FIRST_SEED)

## fuzz: libFuzzer with AddressSanitizer on the meter-file parser (every format, gzip, any chunking), the JSON
## parser, the event decoders and the query API's handler, FUZZ_SECONDS (default 600) each (tools/fuzz.sh). Not
## part of `make test`.
fuzz: system-packages
	swift build -j $(SWIFT_JOBS) --scratch-path .build-fuzz -c release --product fuzz-targets \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	bash tools/fuzz.sh

## package: the two functions as Lambda zips (release, static Swift standard library, stripped): bootstrap, plus
## openapi.json beside the query function's.
package: system-packages
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib --product ingest
	swift build -j $(SWIFT_JOBS) -c release --static-swift-stdlib --product query
	bash tools/package.sh .build/release $(PACKAGE_DIR) $(ARCH)

# What `sam build` calls (BuildMethod: makefile), with ARTIFACTS_DIR set; run it with --build-in-source.
build-IngestFunction: package
	unzip -o -q $(PACKAGE_DIR)/ingest.zip -d "$(ARTIFACTS_DIR)"

# The analytics function runs the ingest function's code (a scheduled event is its analytics run).
build-AnalyticsFunction: package
	unzip -o -q $(PACKAGE_DIR)/ingest.zip -d "$(ARTIFACTS_DIR)"

build-QueryFunction: package
	unzip -o -q $(PACKAGE_DIR)/query.zip -d "$(ARTIFACTS_DIR)"

## deploy: builds and deploys the stack daily-consumption-STAGE with your AWS settings (profile, SSO, region), through
## tools/deploy.py: staging and production with samconfig.toml's parameters, any other lowercase name as a stack of
## your own. `sam deploy --guided` after `sam build` works too.
deploy: $(SAM_VENV)/installed
	@test -n "$(STAGE)" || { echo "usage: make deploy STAGE=<lowercase name>" >&2; exit 2; }
	$(SAM_VENV)/bin/sam build --build-in-source
	$(SAM_VENV)/bin/python tools/deploy.py stack --stage $(STAGE)

## first-key: maps the stack's API key to TENANT and prints the API's URL and the key (tools/deploy.py).
first-key: $(SAM_VENV)/installed
	@test -n "$(STAGE)" -a -n "$(TENANT)" || { echo "usage: make first-key STAGE=<name> TENANT=<tenant>" >&2; exit 2; }
	@$(SAM_VENV)/bin/python tools/deploy.py first-key --stage $(STAGE) --tenant $(TENANT)

## bootstrap: the deploy identity for CI, once per account (deploy/bootstrap.yaml; REPOSITORY=<owner>/<repo>).
bootstrap: $(SAM_VENV)/installed
	@test -n "$(REPOSITORY)" || { echo "usage: make bootstrap REPOSITORY=<owner>/<repo>" >&2; exit 2; }
	$(SAM_VENV)/bin/python tools/deploy.py bootstrap --repository $(REPOSITORY)

## destroy: deletes the stack of STAGE; its bucket and table stay (template.yaml retains them). DATA=delete deletes
## them too, each after its name is typed back.
destroy: $(SAM_VENV)/installed
	@test -n "$(STAGE)" || { echo "usage: make destroy STAGE=<name> [DATA=delete]" >&2; exit 2; }
	$(SAM_VENV)/bin/python tools/destroy.py --stage $(STAGE) $(if $(filter delete,$(DATA)),--delete-data)

# The deploy tools (the SAM CLI, cfn-lint, and boto3 for tools/deploy.py, smoke_test.py and destroy.py) from their lock: every package of the closure pinned and hashed
# (tools/requirements/*.in says how a lock is made). pip.txt first: the venv's own pip may be older than 23.3, which
# fails --require-hashes on aws-sam-cli's requirements with extras.
$(SAM_VENV)/installed: tools/requirements/pip.txt tools/requirements/deploy.txt | system-packages
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --require-hashes -r tools/requirements/pip.txt
	$(SAM_VENV)/bin/pip install -q --require-hashes -r tools/requirements/deploy.txt
	touch $@
