//! `sluice serve --tls-cert --tls-key` serves the registry over HTTPS (rustls), and refuses a
//! key file that holds no key with a message naming the file.

use sluice_e2e::SluiceServer;
use std::process::Command;

fn self_signed(dir: &std::path::Path) -> (String, String) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert.display().to_string(), key.display().to_string())
}

#[test]
fn registry_answers_over_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = self_signed(dir.path());
    let server = SluiceServer::start(&["--tls-cert", &cert, "--tls-key", &key]);
    let url = format!("https://localhost:{}/subjects", server.addr().port());
    let out = Command::new("curl")
        .args(["-sS", "--cacert", &cert, &url])
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[]");
    let plain = Command::new("curl")
        .args([
            "-sS",
            &format!("http://localhost:{}/subjects", server.addr().port()),
        ])
        .output()
        .expect("curl runs");
    assert_ne!(
        String::from_utf8_lossy(&plain.stdout),
        "[]",
        "plain HTTP is not served"
    );
}

#[test]
fn a_key_file_without_a_key_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, _) = self_signed(dir.path());
    let out = Command::new(sluice_e2e::sluice_binary())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            &cert,
            "--tls-key",
            &cert,
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .expect("sluice runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("private key") && stderr.contains("cert.pem"),
        "{stderr}"
    );
}
