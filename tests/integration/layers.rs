//! The house's layers, checked over the source: `domain` imports nothing
//! of the crate above it, and no two top-level modules import each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap().path();
        if entry.is_dir() {
            files.extend(rust_files(&entry));
        } else if entry.extension().is_some_and(|e| e == "rs") {
            files.push(entry);
        }
    }
    files
}

/// The top-level modules a piece of source names as `crate::x`, directly
/// or inside a `use crate::{x, y::z}` group. Comments are ignored.
fn named_modules(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The group's top-level items, split at depth-0 commas; each
            // item's first word is the module it names.
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                item.push(c);
            }
            items.push(item);
            for item in items {
                let word: String = item
                    .trim_start_matches(|c: char| c == ',' || c.is_whitespace())
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(word);
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            names.insert(name);
        }
    }
    names
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeMap<String, PathBuf> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_string();
            (p.is_dir() || p.extension().is_some_and(|e| e == "rs")).then_some((name, p))
        })
        .filter(|(name, _)| name != "lib" && name != "main")
        .collect();
    modules
        .iter()
        .map(|(name, path)| {
            let named: BTreeSet<String> = rust_files(path)
                .iter()
                .flat_map(|f| named_modules(&std::fs::read_to_string(f).unwrap()))
                .filter(|other| other != name && modules.contains_key(other))
                .collect();
            (name.clone(), named)
        })
        .collect()
}

#[test]
fn the_domain_imports_nothing_above_it() {
    let imports = imports();
    assert!(imports["domain"].is_empty(), "domain imports {:?}", imports["domain"]);
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let imports = imports();
    let pairs: Vec<(&String, &String)> = imports
        .iter()
        .flat_map(|(a, named)| named.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && imports.get(*b).is_some_and(|theirs| theirs.contains(*a)))
        .collect();
    assert!(pairs.is_empty(), "modules that import each other: {pairs:?}");
}

#[test]
fn groups_and_paths_are_read_as_an_import_would_be() {
    let names = named_modules(
        "use crate::{domain::{OrderId, TenantId}, store, auth::api_key::Scope};\n\
         // crate::ui in a comment\nlet x = crate::policy::decide();",
    );
    let expected: BTreeSet<String> = ["domain", "store", "auth", "policy"].iter().map(|s| s.to_string()).collect();
    assert_eq!(names, expected);
}
