//! `careloop serve` migrates, prints its URL, answers /healthz and /readyz, refuses API calls
//! without a valid token, and stops cleanly on SIGTERM.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str, extra: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut s = TcpStream::connect(addr)?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    Ok(answer)
}

#[test]
fn serve_answers_health_and_stops_on_sigterm() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}", dir.join("serve.db").display());
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("careloop"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", &url])
        .env_remove("CARELOOP_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .ok_or("no URL printed")?
        .to_owned();
    let health = get(&addr, "/healthz", "");
    let ready = get(&addr, "/readyz", "");
    let api = get(
        &addr,
        "/api/v1/referrals/x",
        "Authorization: Bearer anything\r\n",
    );
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait()?;
    std::fs::remove_dir_all(&dir)?;
    assert!(health?.starts_with("HTTP/1.1 200"));
    assert!(ready?.starts_with("HTTP/1.1 200"));
    let api = api?;
    assert!(api.starts_with("HTTP/1.1 401"), "{api}");
    assert!(api.contains("application/problem+json"));
    assert!(term?.success());
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf, std::io::Error> {
    let dir = std::env::temp_dir().join(format!("careloop-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
