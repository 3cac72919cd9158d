#!/usr/bin/env bash
# Runs every test of the workspace, on a fresh machine too: Debian 12 with Rust (rustup), Python 3.11 + pip,
# a JDK 17 with Maven, and nothing started. Installs and starts what is missing (idempotently, quietly; see
# scripts/engines/lib.sh), then builds and tests:
#
#   1. cargo-nextest, unless present (if it cannot be installed, the tests run with `cargo test`);
#   2. MariaDB server binaries (Debian packages) for the tests' private `mariadbd` instances;
#   3. PostgreSQL 15 on 127.0.0.1:5432 (Debian packages; trust auth for local connections, database
#      `test`), started if down: the shared-store tests fail, not skip, without it;
#   4. Apache Kafka 4.4.0 from Maven Central into ~/.cache/sluice (the tests start their own brokers),
#      and Kafka Connect 4.3.0 with Debezium 3.6.1.Final (the differential test runs its own worker);
#   5. .venv/ with the Python clients of the interop tests (tests/python/requirements.txt);
#   6. `cargo build --workspace`: the e2e tests run the built target/debug/sluice binary;
#   7. every test: `cargo nextest run --workspace` (+ doctests) or `cargo test --workspace`.
#
# Extra arguments go to the test runner, e.g. `scripts/test.sh -p sluice-e2e` (doctests then do not run).
# Environment: SLUICE_SKIP_PYTHON=1 skips the venv (and the Python interop test).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# shellcheck source=engines/lib.sh
source "$root/scripts/engines/lib.sh"

ensure_nextest() {
    if cargo nextest --version >/dev/null 2>&1; then
        return 0
    fi
    say "installing cargo-nextest (once)"
    if cargo install --locked --quiet cargo-nextest >/dev/null 2>&1; then
        return 0
    fi
    say "could not install cargo-nextest; running the tests with cargo test"
    return 1
}

ensure_python_venv() {
    local venv=$root/.venv
    local requirements=$root/tests/python/requirements.txt
    local stamp=$venv/.requirements.sha256
    local want
    want=$(sha256sum "$requirements" | cut -d' ' -f1)

    if [[ ! -x $venv/bin/python ]]; then
        say "creating the Python venv at .venv/"
        if ! python3 -m venv "$venv" >/dev/null 2>&1; then
            # Debian's own python3 keeps venv support in a separate package.
            say "python3 -m venv failed; installing Debian's python3-venv"
            rm -rf "$venv"
            apt_install python3-venv
            python3 -m venv "$venv"
        fi
    fi
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]] || ! venv_imports "$venv/bin/python"; then
        say "installing the Python clients into .venv/ (tests/python/requirements.txt)"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        venv_imports "$venv/bin/python" || {
            say "the venv cannot import confluent_kafka.schema_registry(.avro) after installing"
            return 1
        }
        echo "$want" >"$stamp"
    fi
    export SLUICE_PYTHON=$venv/bin/python
}

# What the interop tests import; fails (quietly) if any piece is missing.
venv_imports() {
    "$1" -c 'import confluent_kafka.schema_registry, confluent_kafka.schema_registry.avro, fastavro, requests' \
        >/dev/null 2>&1
}

use_nextest=true
ensure_nextest || use_nextest=false
ensure_mariadb
ensure_postgres
ensure_kafka
ensure_debezium

if [[ ${SLUICE_SKIP_PYTHON:-} == 1 ]]; then
    say "SLUICE_SKIP_PYTHON=1: not preparing the Python venv"
else
    ensure_python_venv
fi

say "cargo build --workspace"
cargo build --workspace --quiet

say "running the tests"
if $use_nextest; then
    # nextest does not run doctests; they run on a full run (no extra arguments), first, so that
    # nextest's summary ("N tests run: N passed …") is the run's closing line.
    if [[ $# -eq 0 ]]; then
        cargo test --workspace --doc --quiet
    fi
    cargo nextest run --workspace "$@"
else
    cargo test --workspace "$@"
fi
