#!/usr/bin/env bash
# Runs every test of the workspace, on a fresh machine too: Debian 12 with Rust (rustup), Python 3.11 + pip
# and, usually, PostgreSQL. Installs what is missing (idempotently, quietly), then builds and tests:
#
#   1. cargo-nextest, unless present (if it cannot be installed, the tests run with `cargo test`);
#   2. .venv/ with the Python clients of the interop tests (tests/python/requirements.txt);
#   3. PostgreSQL on 127.0.0.1:5432, started if installed but down;
#   4. `cargo build --workspace`: the e2e tests run the built target/debug/sluice binary;
#   5. MariaDB server binaries and the tansu broker for the capture tests;
#   6. every test: `cargo nextest run --workspace` (+ doctests) or `cargo test --workspace`.
#
# Extra arguments go to the test runner, e.g. `scripts/test.sh -p sluice-e2e` (doctests then do not run).
# Environment: SLUICE_SKIP_PYTHON=1 skips the venv (and the Python interop test).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

say() { printf '==> %s\n' "$*" >&2; }

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
            apt-get install --yes --quiet python3-venv >/dev/null
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

postgres_up() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready --quiet --host 127.0.0.1 --port 5432
    else
        (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
    fi
}

ensure_postgres() {
    if postgres_up; then
        return 0
    fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [[ -z $version ]] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        say "PostgreSQL is not reachable at 127.0.0.1:5432 and not installed here: PostgreSQL-backed tests will skip"
        return 0
    fi
    say "starting PostgreSQL $version (cluster main)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        postgres_up && return 0
        sleep 1
    done
    say "PostgreSQL $version did not come up on 127.0.0.1:5432: PostgreSQL-backed tests will skip"
}

# The Kafka-protocol broker the capture tests produce to (one build of ~8 minutes, once).
ensure_tansu() {
    if [[ -x ${CARGO_HOME:-$HOME/.cargo}/bin/tansu ]] || command -v tansu >/dev/null 2>&1; then
        return 0
    fi
    say "installing tansu 0.6.0, the test Kafka broker (once, ~8 minutes)"
    cargo install --locked --quiet tansu --version 0.6.0 --features dynostore,libsql
}

# MariaDB server binaries for the capture tests' private servers.
ensure_mariadb() {
    if command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1; then
        return 0
    fi
    say "installing MariaDB server binaries (Debian packages)"
    apt-get install --yes --quiet mariadb-server mariadb-client >/dev/null
}

use_nextest=true
ensure_nextest || use_nextest=false
ensure_mariadb
ensure_tansu

if [[ ${SLUICE_SKIP_PYTHON:-} == 1 ]]; then
    say "SLUICE_SKIP_PYTHON=1: not preparing the Python venv"
else
    ensure_python_venv
fi

ensure_postgres

say "cargo build --workspace"
cargo build --workspace --quiet

say "running the tests"
if $use_nextest; then
    cargo nextest run --workspace "$@"
    # nextest does not run doctests; they run on a full run (no extra arguments).
    if [[ $# -eq 0 ]]; then
        cargo test --workspace --doc --quiet
    fi
else
    cargo test --workspace "$@"
fi
