//! Two `sluice serve` instances on one PostgreSQL database, written to concurrently.
//!
//! * [`concurrent_writers_on_two_instances_agree`]: 8 client threads, each alternating between the two
//!   instances, register an overlapping set of 40 Avro schemas over 5 subjects (10 of them under a second
//!   subject too), each thread in its own order. Every distinct schema must get exactly one id, everywhere;
//!   distinct schemas distinct ids; each subject's versions are 1..n without gaps or duplicates; and within a
//!   bounded time both instances answer the same subjects, versions and schemas.
//! * [`a_write_on_one_instance_is_visible_on_the_other_within_the_bound`]: how long a registration on A
//!   takes to show on B (documented: the refresh interval plus a reload).
//!
//! Each test creates its own database and drops it afterwards. Without a reachable PostgreSQL the tests
//! fail, saying so, unless `SLUICE_SKIP_POSTGRES=1`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sluice_e2e::{SluiceServer, TempDatabase, request, required_postgres_url};

/// How often an instance looks for the other's writes, in these tests.
const REFRESH_MS: u64 = 100;
/// How long the instances may take to agree after the writers are done.
const CONVERGENCE_BOUND: Duration = Duration::from_secs(2);
const THREADS: usize = 8;
const SCHEMAS: usize = 40;
const SUBJECTS: usize = 5;
/// Schemas `0..SHARED` are also registered under a second subject (same schema, so the same id).
const SHARED: usize = 10;

/// Two servers on a fresh database. Field order matters: the servers are dropped (killed) before the
/// database is dropped.
struct Pair {
    a: SluiceServer,
    b: SluiceServer,
    _db: TempDatabase,
}

fn start_pair(test: &str) -> Option<Pair> {
    let admin = required_postgres_url(test)?;
    let db = TempDatabase::create(&admin, "sluice_e2e");
    let refresh = REFRESH_MS.to_string();
    let args = [
        "--store",
        db.url(),
        "--refresh-interval-ms",
        refresh.as_str(),
    ];
    let a = SluiceServer::start(&args);
    let b = SluiceServer::start(&args);
    Some(Pair { a, b, _db: db })
}

fn schema_text(index: usize) -> String {
    json!({
        "type": "record",
        "name": format!("Rec{index}"),
        "namespace": "sluice.e2e",
        "fields": [
            {"name": "id", "type": "long"},
            {"name": format!("field_{index}"), "type": "string", "default": ""},
        ],
    })
    .to_string()
}

fn subject_name(index: usize) -> String {
    format!("shared-pg-{index}-value")
}

/// Every (subject, schema) registration the threads make.
fn registrations() -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = (0..SCHEMAS).map(|s| (s % SUBJECTS, s)).collect();
    all.extend((0..SHARED).map(|s| ((s + 1) % SUBJECTS, s)));
    all
}

/// A deterministic shuffle of `items`, different for each `seed` (xorshift; no randomness needed).
fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).expect("index fits");
        items.swap(i, j);
    }
    items
}

/// One registration's answer.
#[derive(Debug, Clone)]
struct Answer {
    thread: usize,
    instance: &'static str,
    subject: usize,
    schema: usize,
    id: i64,
    version: i64,
}

fn get(base_url: &str, path: &str) -> (u16, Value) {
    request(base_url, "GET", path, None)
}

/// Polls `base_url` until `GET path` answers 200 with a body `done` accepts, or `bound` passes; returns
/// the last answer.
fn wait_until(
    base_url: &str,
    path: &str,
    done: impl Fn(&Value) -> bool,
    bound: Duration,
) -> (u16, Value) {
    let deadline = Instant::now() + bound;
    loop {
        let answer = get(base_url, path);
        if (answer.0 == 200 && done(&answer.1)) || Instant::now() >= deadline {
            return answer;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn concurrent_writers_on_two_instances_agree() {
    let Some(mut pair) = start_pair("concurrent_writers_on_two_instances_agree") else {
        return;
    };
    let urls = [
        ("A", pair.a.base_url().to_owned()),
        ("B", pair.b.base_url().to_owned()),
    ];

    // Compatibility NONE globally, and seen by both instances before anyone registers (each instance checks
    // compatibility at the level its cache holds).
    let (status, body) = pair
        .a
        .request("PUT", "/config", Some(&json!({"compatibility": "NONE"})));
    assert_eq!(status, 200, "PUT /config on A: {body}");
    let (status, body) = wait_until(
        &urls[1].1,
        "/config",
        |body| body["compatibilityLevel"] == "NONE",
        CONVERGENCE_BOUND,
    );
    assert!(
        status == 200 && body["compatibilityLevel"] == "NONE",
        "B does not see the global config NONE written on A within {CONVERGENCE_BOUND:?}: {status} {body}"
    );

    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let urls = urls.clone();
            thread::spawn(move || {
                let order = shuffled(registrations(), thread as u64 + 1);
                let mut answers = Vec::new();
                let mut failures = Vec::new();
                for (k, (subject, schema)) in order.into_iter().enumerate() {
                    let (instance, url) = &urls[(k + thread) % 2];
                    let path = format!("/subjects/{}/versions", subject_name(subject));
                    let body = json!({"schema": schema_text(schema)});
                    match sluice_e2e::http::try_request(url, "POST", &path, Some(&body)) {
                        Ok((200, answer)) => answers.push(Answer {
                            thread,
                            instance,
                            subject,
                            schema,
                            id: answer["id"].as_i64().unwrap_or(-1),
                            version: answer["version"].as_i64().unwrap_or(-1),
                        }),
                        Ok((status, answer)) => failures.push(format!(
                            "thread {thread} POST {path} (schema {schema}) on {instance}: {status} {answer}"
                        )),
                        Err(err) => failures.push(format!("thread {thread}: {err}")),
                    }
                }
                (answers, failures)
            })
        })
        .collect();
    let mut answers: Vec<Answer> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for worker in workers {
        let (a, f) = worker.join().expect("a client thread panicked");
        answers.extend(a);
        failures.extend(f);
    }
    eprintln!(
        "{} registrations by {THREADS} threads over 2 instances in {:?}",
        answers.len() + failures.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} registrations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(answers.len(), THREADS * registrations().len());

    // One id per distinct schema, whoever answered.
    let mut ids: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for answer in &answers {
        ids.entry(answer.schema).or_default().insert(answer.id);
    }
    let mut problems = Vec::new();
    for (schema, got) in &ids {
        if got.len() != 1 || got.contains(&-1) {
            let detail: Vec<String> = answers
                .iter()
                .filter(|a| a.schema == *schema)
                .map(|a| format!("{a:?}"))
                .collect();
            problems.push(format!(
                "schema {schema} got ids {got:?}:\n  {}",
                detail.join("\n  ")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let id_of: BTreeMap<usize, i64> = ids
        .iter()
        .map(|(schema, got)| (*schema, *got.iter().next().expect("one id")))
        .collect();
    assert_eq!(id_of.len(), SCHEMAS, "every schema was answered");
    let distinct: BTreeSet<i64> = id_of.values().copied().collect();
    assert_eq!(
        distinct.len(),
        SCHEMAS,
        "different schemas must get different ids: {id_of:?}"
    );

    // One version per (subject, schema), whoever answered.
    let mut versions: BTreeMap<(usize, usize), BTreeSet<i64>> = BTreeMap::new();
    for answer in &answers {
        versions
            .entry((answer.subject, answer.schema))
            .or_default()
            .insert(answer.version);
    }
    for ((subject, schema), got) in &versions {
        assert!(
            got.len() == 1 && !got.contains(&-1),
            "schema {schema} under subject {subject} got versions {got:?}"
        );
    }

    // Each subject: versions 1..n, each a different schema, matching the registration answers.
    let mut expected_per_subject: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for (subject, schema) in registrations() {
        expected_per_subject
            .entry(subject)
            .or_default()
            .insert(schema);
    }
    for (instance, url) in &urls {
        for subject in 0..SUBJECTS {
            let name = subject_name(subject);
            let want_n = expected_per_subject[&subject].len();
            let want_list: Vec<i64> = (1..=want_n as i64).collect();
            let (status, listed) = wait_until(
                url,
                &format!("/subjects/{name}/versions"),
                |listed| listed == &json!(want_list),
                CONVERGENCE_BOUND,
            );
            assert_eq!(
                (status, &listed),
                (200, &json!(want_list)),
                "{instance}: versions of {name} must be exactly 1..{want_n}"
            );
            let mut seen_ids = BTreeSet::new();
            for version in 1..=want_n {
                let (status, body) = get(url, &format!("/subjects/{name}/versions/{version}"));
                assert_eq!(status, 200, "{instance}: {name} version {version}: {body}");
                let id = body["id"].as_i64().expect("a version has an id");
                assert!(
                    seen_ids.insert(id),
                    "{instance}: id {id} appears twice among the versions of {name}"
                );
                let schema = *id_of
                    .iter()
                    .find(|(_, v)| **v == id)
                    .unwrap_or_else(|| panic!("{instance}: {name} v{version} has unknown id {id}"))
                    .0;
                assert!(
                    expected_per_subject[&subject].contains(&schema),
                    "{instance}: {name} v{version} holds schema {schema}, never registered there"
                );
                assert_eq!(
                    versions[&(subject, schema)],
                    BTreeSet::from([version as i64]),
                    "{instance}: {name} v{version} holds schema {schema}, answered with another version"
                );
            }
        }
    }

    // Both instances answer the same, within the bound.
    let mut paths = vec!["/subjects".to_owned()];
    for subject in 0..SUBJECTS {
        paths.push(format!("/subjects/{}/versions", subject_name(subject)));
    }
    for id in id_of.values() {
        paths.push(format!("/schemas/ids/{id}"));
    }
    let deadline = Instant::now() + CONVERGENCE_BOUND;
    let mut differences;
    loop {
        differences = Vec::new();
        for path in &paths {
            let on_a = get(&urls[0].1, path);
            let on_b = get(&urls[1].1, path);
            if on_a != on_b || on_a.0 != 200 {
                differences.push(format!("{path}: A {on_a:?} B {on_b:?}"));
            }
        }
        if differences.is_empty() || Instant::now() >= deadline {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    assert!(
        differences.is_empty(),
        "the instances still disagree {CONVERGENCE_BOUND:?} after the writes:\n{}",
        differences.join("\n")
    );
    let (_, subjects) = get(&urls[0].1, "/subjects");
    let want_subjects: Vec<String> = (0..SUBJECTS).map(subject_name).collect();
    assert_eq!(subjects, json!(want_subjects), "GET /subjects");
    for answer in answers.iter().filter(|a| a.thread == 0) {
        let (_, body) = get(&urls[0].1, &format!("/schemas/ids/{}", answer.id));
        let stored: Value = serde_json::from_str(body["schema"].as_str().unwrap_or_default())
            .expect("a stored schema is JSON");
        let sent: Value = serde_json::from_str(&schema_text(answer.schema)).expect("JSON");
        assert_eq!(
            stored["name"], sent["name"],
            "id {} holds another schema than {} ({})",
            answer.id, answer.schema, answer.instance
        );
    }
}

#[test]
fn a_write_on_one_instance_is_visible_on_the_other_within_the_bound() {
    let Some(mut pair) =
        start_pair("a_write_on_one_instance_is_visible_on_the_other_within_the_bound")
    else {
        return;
    };
    let bound = Duration::from_secs(2);
    let mut delays = Vec::new();
    for round in 0..5 {
        let subject = format!("visibility-{round}-value");
        let (status, body) = pair.a.request(
            "POST",
            &format!("/subjects/{subject}/versions"),
            Some(&json!({"schema": schema_text(100 + round)})),
        );
        assert_eq!(status, 200, "register on A: {body}");
        let id = body["id"].as_i64().expect("an id");
        let written = Instant::now();
        let path = format!("/subjects/{subject}/versions/latest");
        let delay = loop {
            let (status, seen) = pair.b.request("GET", &path, None);
            if status == 200 {
                assert_eq!(seen["id"], json!(id), "B's answer for {subject}: {seen}");
                break written.elapsed();
            }
            assert_eq!(status, 404, "B before it caught up: {seen}");
            assert!(
                written.elapsed() < bound,
                "{subject} written on A is not visible on B after {bound:?} \
                 (--refresh-interval-ms {REFRESH_MS})"
            );
            thread::sleep(Duration::from_millis(2));
        };
        let (status, seen) = pair.b.request("GET", &format!("/schemas/ids/{id}"), None);
        assert_eq!(status, 200, "schema {id} on B: {seen}");
        delays.push(delay);
        // Spread the writes over the refresh phase.
        thread::sleep(Duration::from_millis(37));
    }
    let worst = delays.iter().max().copied().unwrap_or_default();
    eprintln!(
        "A→B visibility delays with --refresh-interval-ms {REFRESH_MS}: {delays:?} (worst {worst:?})"
    );
    assert!(worst < bound, "worst visibility delay {worst:?}");
}
