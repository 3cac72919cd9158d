//! Confluent's own Python client (confluent-kafka: `SchemaRegistryClient`, `AvroSerializer`,
//! `AvroDeserializer`) against the real `sluice serve`. The checks live in `tests/python/registry_interop.py`.
//!
//! The interpreter is `SLUICE_PYTHON`, else `.venv/bin/python` in the workspace root; `scripts/test.sh`
//! creates that venv from `tests/python/requirements.txt`. `SLUICE_SKIP_PYTHON=1` skips the test.

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use sluice_e2e::{SluiceServer, paths, workspace_root};

/// Generous: the first import of confluent-kafka compiles bytecode.
const TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn confluent_kafka_python_client_interop() {
    if std::env::var("SLUICE_SKIP_PYTHON").is_ok_and(|skip| skip == "1") {
        eprintln!("SKIPPED: the Python interop test is skipped because SLUICE_SKIP_PYTHON=1");
        return;
    }
    let python = paths::python().unwrap_or_else(|| {
        panic!(
            "no Python for the interop test: run scripts/test.sh, which creates .venv/ with \
             confluent-kafka (or set SLUICE_PYTHON to an interpreter that has it, or SLUICE_SKIP_PYTHON=1 \
             to skip)"
        )
    });
    let script = workspace_root().join("tests/python/registry_interop.py");
    let server = SluiceServer::start(&[]);

    // One pipe for stdout and stderr keeps the script's lines and a traceback in order.
    let (mut reader, writer) = std::io::pipe().expect("create a pipe");
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(server.base_url())
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("clone the pipe"))
        .stderr(writer)
        .spawn()
        .unwrap_or_else(|err| panic!("running {}: {err}", python.display()));
    let output = thread::spawn(move || {
        let mut text = String::new();
        let _ = reader.read_to_string(&mut text);
        text
    });

    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the Python script") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let output = output.join().expect("the output reader thread");
    eprintln!(
        "---- {} {} {}:\n{output}",
        python.display(),
        script.display(),
        server.base_url()
    );
    match status {
        Some(status) => assert!(
            status.success(),
            "the Python interop checks failed ({status}); see the output above"
        ),
        None => panic!("the Python interop checks did not finish within {TIMEOUT:?}"),
    }
}
