//! The corpus: every sample goes through `milepost import` into its own
//! fresh database, and what it became must equal its `.expected.json` (the
//! acknowledgment's dates and times aside).
//!
//! Two sets: Milepost's own fixtures in `tests/samples/{edi,aftership,
//! easypost,shippo}`, expected file beside each; and real-world files from
//! public EDI libraries' and carrier SDKs' test suites, which are not ours to
//! commit: they live byte for byte in `../shared/data/samples/<format>/`
//! (sources, licences and checksums in its README), and their expected files
//! here in `tests/samples/real-world/<format>/`. Each of those must have its
//! sample; without `../shared/data/samples` at all they are skipped, loudly.
//!
//! After a deliberate change, `MILEPOST_BLESS=1 cargo nextest run --features
//! ssr --test corpus` rewrites the expected files; review their diff.

mod common;

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

/// The real-world samples, or `None` when `../shared/data/samples` is not
/// on this machine. Blessing takes every file there that is a payload
/// Milepost imports (recorded HTTP cassettes are not).
fn real_world_samples(bless: bool) -> Option<Vec<Sample>> {
    let shared = repo().join("../shared/data/samples");
    if !shared.is_dir() {
        return None;
    }
    let expected_root = repo().join("tests/samples/real-world");
    let mut all = Vec::new();
    for format in FORMATS {
        let names: Vec<String> = if bless {
            files(&shared.join(format))
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| ["edi", "x12", "txt", "json"].contains(&e.to_str().unwrap())))
                .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        } else {
            let mut names: Vec<String> = std::fs::read_dir(expected_root.join(format))
                .into_iter()
                .flatten()
                .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(".expected.json").map(str::to_string))
                .collect();
            names.sort();
            names
        };
        for name in names {
            all.push(Sample {
                format,
                file: shared.join(format).join(&name),
                expected: expected_root.join(format).join(format!("{name}.expected.json")),
            });
        }
    }
    Some(all)
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
    // One interchange's report, or a list when the file holds several.
    let interchanges = match report.as_array_mut() {
        Some(many) if many.first().is_some_and(|r| r.get("acknowledgment").is_some()) => many.iter_mut().collect(),
        _ => vec![&mut report],
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
    match report.as_array() {
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
    let Some(samples) = real_world_samples(bless()) else {
        eprintln!("SKIPPED: ../shared/data/samples is not on this machine; the real-world corpus was not checked");
        return;
    };
    assert!(samples.len() >= 10, "the real-world corpus has {} samples", samples.len());
    check(samples, bless());
}

#[test]
fn every_interchange_in_the_corpus_is_acknowledged() {
    let mut all = own_samples();
    all.extend(real_world_samples(false).unwrap_or_default());
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
