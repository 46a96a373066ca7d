//! The `milepost` binary's command line: every command answers `--help`,
//! a wrong argument is refused with clap's message and exit code 2 before
//! anything is opened, and with no command the binary serves (and stops
//! cleanly on SIGTERM).

use std::io::BufRead;
use std::process::{Command, Output, Stdio};

fn milepost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_milepost")).args(args).output().expect("run milepost")
}

/// `milepost` on a database of its own in `dir`.
fn milepost_in(dir: &tempfile::TempDir, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_milepost"));
    command
        .args(args)
        .env("MILEPOST_DATABASE_URL", format!("sqlite://{}", dir.path().join("milepost.db").display()))
        .env("MILEPOST_DATA_DIR", dir.path().join("data"))
        .env("MILEPOST_ADDR", "127.0.0.1:0")
        .env_remove("MILEPOST_PUBLIC_URL");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_answers_help() {
    // Each command, and what its help must mention.
    let commands: [(&[&str], &[&str]); 13] = [
        (&[], &["serve", "migrate", "demo", "api-key", "webhook-secret", "dictionary", "import", "MILEPOST_"]),
        (&["serve"], &["--demo", "--links-json <FILE>"]),
        (&["migrate"], &[]),
        (&["demo"], &[]),
        (&["api-key"], &["create", "revoke"]),
        (&["api-key", "create"], &["--tenant <SLUG>", "--scopes <SCOPES>", "--name <NAME>", "oms, wms, carrier"]),
        (&["api-key", "revoke"], &["<ID>"]),
        (&["webhook-secret"], &["add", "revoke"]),
        (&["webhook-secret", "add"], &["--tenant <SLUG>", "--source <SOURCE>"]),
        (&["webhook-secret", "revoke"], &["<ID>"]),
        (&["dictionary"], &["unmapped"]),
        (&["dictionary", "unmapped"], &["--tenant <SLUG>"]),
        (&["import"], &["<FORMAT>", "<FILE>", "--tenant <SLUG>", "edi", "easypost", "aftership", "shippo"]),
    ];
    for (command, mentions) in commands {
        let output = milepost(&[command, &["--help"]].concat());
        let help = text(&output.stdout);
        assert!(output.status.success(), "{command:?} --help failed: {}", text(&output.stderr));
        let usage: String = command.iter().fold("Usage: milepost".into(), |usage, c| format!("{usage} {c}"));
        assert!(help.contains(&usage), "{command:?}: no `{usage}` in\n{help}");
        for mention in mentions {
            assert!(help.contains(mention), "{command:?}: no `{mention}` in\n{help}");
        }
    }
}

#[test]
fn a_wrong_argument_is_refused_with_exit_code_2_naming_it() {
    let refused: [(&[&str], &str); 6] = [
        (&["serve", "--demmo"], "--demmo"),
        (&["api-key", "create", "--tenant", "acme"], "--scopes"),
        (&["api-key", "create", "--tenant", "acme", "--scopes", "oms,root"], "root"),
        (&["api-key", "revoke", "seven"], "seven"),
        (&["import", "csv", "orders.csv", "--tenant", "acme"], "csv"),
        (&["ship"], "ship"),
    ];
    for (args, named) in refused {
        // No database is opened: the directory would be created if it were.
        let dir = tempfile::tempdir().unwrap();
        let output = milepost_in(&dir, args).output().unwrap();
        let message = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(
            message.starts_with("error: ") && message.contains(named),
            "{args:?} does not name `{named}`: {message}"
        );
        assert!(!dir.path().join("milepost.db").exists(), "{args:?} opened the database");
    }
}

#[test]
fn commands_run_against_the_configured_database() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = milepost_in(&dir, &["migrate"]).output().unwrap();
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    assert!(dir.path().join("milepost.db").exists());
    // A command that fails at run time exits 1, saying why.
    let output = milepost_in(&dir, &["api-key", "create", "--tenant", "nobody", "--scopes", "oms"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("no tenant with slug `nobody`"), "{}", text(&output.stderr));
    // A bad configuration variable is named, with exit code 2.
    let output = milepost_in(&dir, &["migrate"]).env("MILEPOST_ADDR", "nowhere").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("MILEPOST_ADDR"), "{}", text(&output.stderr));
}

#[test]
fn with_no_command_it_serves_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = milepost_in(&dir, &[]).stderr(Stdio::piped()).spawn().unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    let url = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("milepost exited before listening:\n{log}");
        }
        log.push_str(&line);
        if let Some(url) = line.split("listening on ").nth(1).and_then(|rest| rest.split_whitespace().next()) {
            break url.to_string();
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let health = runtime.block_on(async { reqwest::get(format!("{url}/healthz")).await.expect("request").status() });
    assert_eq!(health, 200, "{log}");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM is a graceful stop, not a failure: {status}");
}
