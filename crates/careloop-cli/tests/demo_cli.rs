//! `careloop serve --demo` recreates a SQLite file, loads the synthetic demo data set, prints the
//! URL, the log-ins and API tokens, answers /readyz and an API call with a printed token, and
//! stops on SIGTERM; `--demo` refuses a PostgreSQL database.
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
fn serve_demo_prints_log_ins_and_answers() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("careloop-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("demo.db");
    std::fs::write(&db, b"not a database: --demo must replace it")?;
    let url = format!("sqlite://{}", db.display());
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("careloop"))
        .args([
            "serve",
            "--demo",
            "--members",
            "60",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut printed = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line)? > 0 {
        printed.push_str(&line);
        if line.starts_with("try: curl") {
            break;
        }
        line.clear();
    }
    let addr = printed
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .ok_or("no URL printed")?
        .to_owned();
    let token = printed
        .lines()
        .find(|l| l.contains("plan-um-reviewer"))
        .and_then(|l| l.split("token ").nth(1))
        .map(str::trim)
        .ok_or("no reviewer token printed")?
        .to_owned();
    let ready = get(&addr, "/readyz", "");
    let queue = get(
        &addr,
        "/api/v1/authorizations",
        &format!("Authorization: Bearer {token}\r\n"),
    );
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait()?;
    std::fs::remove_dir_all(&dir)?;
    assert!(printed.contains("demo data set loaded"), "{printed}");
    assert!(printed.contains("(docs: http://"), "{printed}");
    assert!(printed.contains("password for every user: "), "{printed}");
    for role in [
        "plan-um-reviewer",
        "plan-care-coordinator",
        "plan-admin",
        "provider-care-manager",
        "provider-admin",
        "referrer",
    ] {
        assert!(printed.contains(role), "{role}: {printed}");
    }
    assert!(ready?.starts_with("HTTP/1.1 200"));
    let queue = queue?;
    assert!(queue.starts_with("HTTP/1.1 200"), "{queue}");
    assert!(
        queue.contains("auth-0000"),
        "the queue lists demo requests: {queue}"
    );
    assert!(term?.success());
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
    Ok(())
}

#[test]
fn serve_demo_refuses_postgres() -> Result<(), Box<dyn std::error::Error>> {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("careloop"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr)?;
    assert!(err.contains("refuses a PostgreSQL"), "{err}");
    Ok(())
}
