# The README's two commands: `make run` and `make test`. Each sets up the
# machine (apt, idempotent), builds with CMake + Ninja, and then runs.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build run test check tidy bench bench-national format clean image image-test

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Builds only the server, not the tests.
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target wmo-server
	@$(BUILD)/cmd/wmo-server/wmo-server --auth=dev

# Tests run against a throw-away PostgreSQL and Redis started for the run;
# the time each step took is printed at the end.
test:
	@BUILD=$(BUILD) JOBS=$(JOBS) scripts/test

# What CI runs after `make test`: the suite under Clang with AddressSanitizer
# and UndefinedBehaviorSanitizer, the concurrency tests under
# ThreadSanitizer, and clang-tidy with zero findings (build-asan/,
# build-tsan/ beside $(BUILD)).
check: build
	@BUILD=$(BUILD) JOBS=$(JOBS) scripts/check

tidy: build
	@scripts/tidy $(BUILD)

# Benchmarks print Markdown tables; BENCHMARKS.md records them.
bench: build
	@scripts/with-test-services $(BUILD)/bench/catalog_bench
	@$(BUILD)/bench/declaration_bench
	@WMO_BENCH_STORE=postgres scripts/with-test-services $(BUILD)/bench/declaration_bench
	@$(BUILD)/bench/iwmo_bench
	@scripts/with-test-services $(BUILD)/bench/capacity_bench
	@$(BUILD)/bench/auth_bench
	@scripts/with-test-services $(BUILD)/bench/load_bench

# A national month (100,000 clients, 200,000 assignments, 120 providers, a
# month over gRPC and one as iWmo messages) on PostgreSQL, then on SQLite;
# WMO_BENCH_CLIENTS, WMO_BENCH_PROVIDERS and
# WMO_BENCH_ASSIGNMENTS_PER_CLIENT scale it. Not part of `make bench`.
bench-national: configure
	@cmake --build $(BUILD) -j $(JOBS) --target national_bench wmo-server
	@WMO_BENCH_STORE=postgres scripts/with-test-services $(BUILD)/bench/national_bench
	@WMO_BENCH_STORE=sqlite $(BUILD)/bench/national_bench

# The container image (docker, or podman where docker has no engine), and
# a run of it as the Kubernetes manifests run it. Minutes: after changing
# deploy/Dockerfile or the libraries the server links, and before a release.
image:
	@scripts/setup --image
	@scripts/image

image-test:
	@scripts/setup --image
	@scripts/image-test

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i --style=Google

clean:
	@rm -rf $(BUILD) build-asan build-tsan
