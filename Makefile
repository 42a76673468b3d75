# The README's two commands: `make run` and `make test`. Each sets up the
# machine (apt, idempotent), builds with CMake + Ninja, and then runs.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup configure build run test bench format clean

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Builds only the server, not the tests.
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target wmo-server
	@$(BUILD)/cmd/wmo-server/wmo-server

# Tests run against a throw-away PostgreSQL and Redis started for the run.
test: build
	@scripts/with-test-services ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Benchmarks print Markdown tables; BENCHMARKS.md records them.
bench: build
	@scripts/with-test-services $(BUILD)/bench/catalog_bench
	@$(BUILD)/bench/declaration_bench
	@scripts/with-test-services $(BUILD)/bench/capacity_bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i --style=Google

clean:
	@rm -rf $(BUILD)
