//! The corpus: every sample goes through `milepost import` into its own
//! fresh database, and what it became must equal its `.expected.json` (the
//! acknowledgment's dates and times aside).
//!
//! Two sets: Milepost's own fixtures in `tests/samples/{edi,aftership,
//! easypost,shippo}`, expected file beside each; and real-world files from
//! public EDI libraries' and carrier SDKs' test suites, byte for byte, in
//! `tests/samples/real-world/<format>/` with their expected files (sources
//! and licences in `tests/samples/README.md`). The copyleft ones (GPL, CDDL)
//! are not committed: they are read from `../shared/data/samples/<format>/`
//! when that is on the machine, and named as not checked when it is not.
//!
//! After a deliberate change, `MILEPOST_BLESS=1 cargo nextest run --features
//! ssr --test corpus` rewrites the expected files; review their diff.

use crate::common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FORMATS: [&str; 4] = ["edi", "aftership", "easypost", "shippo"];

/// A sample and where its expected result is kept.
struct Sample {
    format: &'static str,
    file: PathBuf,
    expected: PathBuf,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|entries| entries.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    files.retain(|p| p.is_file() && !p.to_string_lossy().ends_with(".expected.json"));
    files.sort();
    files
}

fn own_samples() -> Vec<Sample> {
    let root = repo().join("tests/samples");
    FORMATS
        .into_iter()
        .flat_map(|format| {
            files(&root.join(format)).into_iter().map(move |file| Sample {
                format,
                expected: PathBuf::from(format!("{}.expected.json", file.display())),
                file,
            })
        })
        .collect()
}

/// The real-world samples: each expected file in `tests/samples/real-world`
/// with its sample beside it (the permissively licensed ones are committed)
/// or, for the copyleft ones, in `../shared/data/samples/<format>/`.
/// Returns the samples found and the names of those not on this machine.
/// Blessing takes every payload file in either place.
fn real_world_samples(bless: bool) -> (Vec<Sample>, Vec<String>) {
    let shared = repo().join("../shared/data/samples");
    let ours = repo().join("tests/samples/real-world");
    let (mut found, mut missing) = (Vec::new(), Vec::new());
    for format in FORMATS {
        let mut names: Vec<String> = if bless {
            [ours.join(format), shared.join(format)]
                .iter()
                .flat_map(|dir| files(dir))
                .filter(|f| f.extension().is_some_and(|e| ["edi", "x12", "txt", "json"].contains(&e.to_str().unwrap())))
                .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        } else {
            std::fs::read_dir(ours.join(format))
                .into_iter()
                .flatten()
                .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(".expected.json").map(str::to_string))
                .collect()
        };
        names.sort();
        names.dedup();
        for name in names {
            let expected = ours.join(format).join(format!("{name}.expected.json"));
            match [ours.join(format).join(&name), shared.join(format).join(&name)].into_iter().find(|f| f.is_file()) {
                Some(file) => found.push(Sample { format, file, expected }),
                None => missing.push(format!("{format}/{name}")),
            }
        }
    }
    (found, missing)
}

/// The acknowledgment's ISA09/ISA10 and GS04/GS05 say when it was made.
fn without_times(ack: &str) -> String {
    let element = ack.as_bytes()[3] as char;
    let terminator = ack.as_bytes()[105] as char;
    let ack = format!("{}YYMMDD{element}HHMM{}", &ack[..70], &ack[81..]);
    ack.split(terminator)
        .map(|segment| {
            let mut parts: Vec<&str> = segment.split(element).collect();
            if parts[0].trim_start() == "GS" && parts.len() > 5 {
                parts[4] = "CCYYMMDD";
                parts[5] = "HHMM";
            }
            parts.join(&element.to_string())
        })
        .collect::<Vec<_>>()
        .join(&terminator.to_string())
}

fn import(format: &str, file: &Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("milepost.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = milepost::store::connect(&url, 2).await.unwrap();
        milepost::store::migrate(&pool).await.unwrap();
        tenant(&pool, "northwind").await;
    });
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_milepost"))
        .args(["import", format, file.to_str().unwrap(), "--tenant", "northwind"])
        .env("MILEPOST_DATABASE_URL", &url)
        .output()
        .unwrap();
    if !output.status.success() {
        // Refused as a whole: the message is the result.
        let message = String::from_utf8_lossy(&output.stderr);
        let name = file.file_name().unwrap().to_string_lossy();
        // From the file's name on: the log line's time and level aside.
        let line = message.lines().find(|l| l.contains(name.as_ref())).unwrap_or(message.trim());
        let refused = line.find(name.as_ref()).map_or(line, |at| &line[at..]);
        return serde_json::json!({ "refused": refused });
    }
    let mut report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // One interchange's report, or `interchanges` when the file holds several.
    let interchanges: Vec<&mut Value> = if report.get("interchanges").is_some() {
        report["interchanges"].as_array_mut().unwrap().iter_mut().collect()
    } else {
        vec![&mut report]
    };
    for interchange in interchanges {
        if let Some(ack) = interchange.get("acknowledgment").and_then(Value::as_str) {
            interchange["acknowledgment"] = Value::String(without_times(ack));
        }
    }
    report
}

/// The interchange reports in an EDI import's output.
fn interchange_reports(report: &Value) -> Vec<&Value> {
    match report.get("interchanges").and_then(Value::as_array) {
        Some(many) => many.iter().collect(),
        None => vec![report],
    }
}

fn check(samples: Vec<Sample>, bless: bool) {
    let mut failures = Vec::new();
    for sample in samples {
        if bless {
            let got = import(sample.format, &sample.file);
            std::fs::create_dir_all(sample.expected.parent().unwrap()).unwrap();
            std::fs::write(&sample.expected, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let Ok(expected) = std::fs::read(&sample.expected) else {
            failures.push(format!("{} has no {}", sample.file.display(), sample.expected.display()));
            continue;
        };
        if !sample.file.is_file() {
            failures.push(format!("{} expects {}, which is missing", sample.expected.display(), sample.file.display()));
            continue;
        }
        let got = import(sample.format, &sample.file);
        let expected: Value = serde_json::from_slice(&expected).unwrap();
        if got != expected {
            failures.push(format!(
                "{} became\n{}\nnot\n{}",
                sample.file.display(),
                serde_json::to_string_pretty(&got).unwrap(),
                serde_json::to_string_pretty(&expected).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn bless() -> bool {
    std::env::var("MILEPOST_BLESS").is_ok_and(|v| v == "1")
}

#[test]
fn our_own_samples_become_what_their_expected_files_say() {
    check(own_samples(), bless());
}

#[test]
fn real_world_samples_become_what_their_expected_files_say() {
    let (samples, missing) = real_world_samples(bless());
    if !missing.is_empty() {
        eprintln!("not on this machine (copyleft, kept in ../shared/data/samples), not checked: {missing:?}");
    }
    assert!(samples.len() >= 10, "the real-world corpus has {} samples here", samples.len());
    check(samples, bless());
}

#[test]
fn every_interchange_in_the_corpus_is_acknowledged() {
    let mut all = own_samples();
    all.extend(real_world_samples(false).0);
    for sample in all.into_iter().filter(|s| s.format == "edi" && s.file.is_file()) {
        let file = &sample.file;
        let imported = import(sample.format, file);
        if imported.get("refused").is_some() {
            continue;
        }
        for report in interchange_reports(&imported) {
            let results = report["results"].as_array().unwrap();
            let Some(ack) = report["acknowledgment"].as_str() else {
                // Only acknowledgments themselves go unacknowledged.
                assert!(
                    results.iter().all(|r| ["997", "999"].contains(&r["set"].as_str().unwrap())),
                    "{}",
                    file.display()
                );
                continue;
            };
            let interchange = milepost::ingest::x12::parse(ack.as_bytes()).unwrap();
            let sets = results.iter().filter(|r| !["997", "999"].contains(&r["set"].as_str().unwrap()));
            let groups: std::collections::BTreeSet<&str> = sets.map(|r| r["group"].as_str().unwrap()).collect();
            assert_eq!(interchange.groups.len(), groups.len(), "{}: one 997 per group", file.display());
            assert!(interchange.groups.iter().all(|g| g.functional_id == "FA" && g.transactions[0].set_id == "997"));
        }
    }
}
