# runz: top-level entry points. On a fresh Debian 12 machine, as root:
#   make demo    install what is missing, build, run one container
#   make test    install what is missing, build, run unit and integration tests
# Everything builds with CMake + Ninja into $(BUILD_DIR); this file only drives it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BUILD_DIR  ?= build
BUILD_TYPE ?= Release
RUNZ       := $(abspath $(BUILD_DIR))/runz

# Debian packages the build, the tests, the demo and the benchmark need.
DEB_PACKAGES := build-essential cmake ninja-build pkg-config g++ \
	libseccomp-dev libcap-dev nlohmann-json3-dev \
	libgtest-dev libgmock-dev googletest libbenchmark-dev \
	libtomlplusplus-dev \
	busybox-static iproute2 python3 jq \
	qemu-system-x86 python3-fusepy fuse3 xz-utils \
	runc crun hyperfine

export DEBIAN_FRONTEND := noninteractive

.PHONY: all deps build demo test bench clean

all: build

# Fast when everything is there: one dpkg-query, no apt-get at all.
deps:
	@have=$$(dpkg-query -W -f='$${Package} $${db:Status-Status}\n' $(DEB_PACKAGES) 2>/dev/null \
		| awk '$$2 == "installed" { print $$1 }' || true); \
	missing=""; \
	for p in $(DEB_PACKAGES); do grep -qx "$$p" <<<"$$have" || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(DEB_PACKAGES)) Debian packages present"; exit 0; fi; \
	echo "deps: installing:$$missing"; \
	if [ "$$(id -u)" -ne 0 ]; then echo "deps: need root to install:$$missing" >&2; exit 1; fi; \
	apt-get update -q; \
	apt-get install -y -q --no-install-recommends $$missing

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

# Ninja re-runs CMake by itself when a CMakeLists.txt changes.
build: deps $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR)

demo: build
	RUNZ=$(RUNZ) scripts/demo.sh

test: build
	RUNTIME=$(RUNZ) ctest --test-dir $(BUILD_DIR) --output-on-failure

bench: build
	RUNZ=$(RUNZ) bench/lifecycle
	RUNZ=$(RUNZ) bench/vmboot

clean:
	rm -rf $(BUILD_DIR)
