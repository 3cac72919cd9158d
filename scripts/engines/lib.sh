# The real engines the tests, the quick start and the benchmarks run against, installed idempotently.
# Sourced by scripts/test.sh, scripts/quickstart.sh and scripts/bench-capture.sh; each function is a
# no-op when its engine is already there, so a second run costs nothing.
#
#   ensure_mariadb        MariaDB server binaries (Debian packages) for private `mariadbd` instances
#   ensure_postgres       PostgreSQL on 127.0.0.1:5432, trust auth for local connections, database `test`
#   ensure_kafka          Apache Kafka 4.4.0 jars from Maven Central  -> $SLUICE_KAFKA_LIBS
#   ensure_debezium       Kafka Connect 4.3.0 + Debezium 3.6.1.Final  -> $SLUICE_CONNECT_LIBS
#
# Jars live under ${XDG_CACHE_HOME:-~/.cache}/sluice/ (one `mvn dependency:copy-dependencies` each, then
# reused); the tests find them through the exported variables or at the same default place.

engines_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sluice_cache=${XDG_CACHE_HOME:-$HOME/.cache}/sluice

say() { printf '==> %s\n' "$*" >&2; }

apt_updated=false
apt_install() {
    if ! $apt_updated; then
        apt-get update --quiet >/dev/null
        apt_updated=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install --yes --quiet --no-install-recommends "$@" >/dev/null
}

ensure_mariadb() {
    if command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 &&
        command -v mariadb >/dev/null 2>&1; then
        return 0
    fi
    say "installing MariaDB server binaries (Debian packages)"
    apt_install mariadb-server mariadb-client
    # The package starts a system server through policy-rc.d where allowed; the tests start their own.
}

postgres_up() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready --quiet --host 127.0.0.1 --port 5432
    else
        (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
    fi
}

# PostgreSQL 15 on 127.0.0.1:5432 with trust auth for local connections and a `test` database. Installs
# Debian's packages if missing, creates the cluster if there is none, starts it if down. Fails (does not
# skip) when it cannot: the shared-store tests need it.
ensure_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z $(ls /etc/postgresql 2>/dev/null) ]]; then
        say "installing PostgreSQL (Debian packages)"
        apt_install postgresql postgresql-client
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    if [[ ! -d /etc/postgresql/$version/main ]]; then
        say "creating PostgreSQL $version cluster main"
        pg_createcluster "$version" main >/dev/null
    fi
    local hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q '^# sluice: trust local' "$hba"; then
        say "PostgreSQL: trust auth for local connections"
        {
            echo '# sluice: trust local connections (test machines only)'
            echo 'local   all   all                  trust'
            echo 'host    all   all   127.0.0.1/32   trust'
            echo 'host    all   all   ::1/128        trust'
            cat "$hba"
        } >"$hba.new"
        mv "$hba.new" "$hba"
        chown postgres:postgres "$hba"
        if postgres_up; then
            pg_ctlcluster --skip-systemctl-redirect "$version" main reload
        fi
    fi
    if ! postgres_up; then
        say "starting PostgreSQL $version (cluster main)"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        local _
        for _ in $(seq 1 30); do
            postgres_up && break
            sleep 1
        done
        postgres_up || { say "PostgreSQL $version did not come up on 127.0.0.1:5432"; return 1; }
    fi
    if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" |
        grep -q 1; then
        psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test'
    fi
}

# Resolves the dependencies of scripts/engines/<pom> into <dir>/libs once (a stamp records the pom's hash).
resolve_jars() {
    local pom=$engines_dir/$1 dir=$2
    local stamp=$dir/.pom.sha256 want
    want=$(sha256sum "$pom" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return 0
    fi
    say "resolving $(basename "$pom" .pom.xml) from Maven Central into $dir (once)"
    rm -rf "$dir/libs"
    mkdir -p "$dir"
    mvn --quiet --batch-mode -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$dir/libs" -DincludeScope=runtime >"$dir/mvn.log" 2>&1 || {
        cat "$dir/mvn.log" >&2
        return 1
    }
    echo "$want" >"$stamp"
}

ensure_kafka() {
    resolve_jars kafka.pom.xml "$sluice_cache/kafka-4.4.0"
    export SLUICE_KAFKA_LIBS=$sluice_cache/kafka-4.4.0/libs
    export SLUICE_KAFKA_LOG4J=$engines_dir/log4j2.properties
}

ensure_debezium() {
    resolve_jars connect-debezium.pom.xml "$sluice_cache/connect-debezium-3.6.1"
    export SLUICE_CONNECT_LIBS=$sluice_cache/connect-debezium-3.6.1/libs
}

# A free loopback port (the kernel's choice).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts a single-node KRaft broker (broker + controller) on 127.0.0.1:$1 with its data under $2; its pid
# goes into $2/kafka.pid. Needs ensure_kafka first. Waits until the broker answers. The broker's JVM options
# are SLUICE_KAFKA_JVM_OPTS if set (the benchmark gives it Kafka's own 1 GB G1 defaults), else a small heap.
start_kafka() {
    local port=$1 dir=$2 controller
    controller=$(free_port)
    mkdir -p "$dir/data"
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=1@127.0.0.1:$controller
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
PROPS
    local jvm_opts
    read -r -a jvm_opts <<<"${SLUICE_KAFKA_JVM_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC}"
    local java_opts=("${jvm_opts[@]}" -Dlog4j2.configurationFile="$SLUICE_KAFKA_LOG4J" -Dkafka.logs.dir="$dir")
    java "${java_opts[@]}" -cp "$SLUICE_KAFKA_LIBS/*" kafka.tools.StorageTool format \
        --cluster-id="$(python3 -c 'import base64,uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')" \
        --config "$dir/server.properties" --ignore-formatted >"$dir/format.log" 2>&1 || {
        cat "$dir/format.log" >&2
        return 1
    }
    java "${java_opts[@]}" -cp "$SLUICE_KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
    echo $! >"$dir/kafka.pid"
    local _
    for _ in $(seq 1 120); do
        if grep -q 'Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started' "$dir/kafka.log" 2>/dev/null; then
            return 0
        fi
        kill -0 "$(cat "$dir/kafka.pid")" 2>/dev/null || break
        sleep 0.5
    done
    say "Kafka did not start on 127.0.0.1:$port; its log:"
    tail -n 40 "$dir/kafka.log" >&2
    return 1
}
