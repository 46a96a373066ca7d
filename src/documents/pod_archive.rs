//! ZIP archives of proof-of-delivery documents, built in memory.
//!
//! Paths are made safe here as well as by the callers: every segment is
//! reduced to [`safe_segment`], so an entry can never climb out of the folder
//! it is extracted into, and two entries never share a name (the second
//! becomes "name-2.ext", the third "name-3.ext"). Timestamps are fixed, so
//! the same entries always give the same bytes.

use std::collections::HashSet;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One file to put in a ZIP: its path inside the archive and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Longest segment [`safe_segment`] returns.
const MAX_SEGMENT: usize = 80;
/// Longest extension [`safe_segment`] keeps when it has to shorten a name.
const MAX_KEPT_EXTENSION: usize = 10;

/// A ZIP archive (deflate for text/PDF, stored for JPEG/PNG which do not compress) built in memory with the `zip` crate.
pub fn build_zip(entries: &[ArchiveEntry]) -> std::io::Result<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let mut used: HashSet<String> = HashSet::new();
    for entry in entries {
        let path = unique_path(&archive_path(&entry.path), &mut used);
        let method = if already_compressed(&path, &entry.bytes) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        writer.start_file(path, options)?;
        writer.write_all(&entry.bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// A path segment safe inside a ZIP: only [A-Za-z0-9._-], others become '_', never empty, never ".."; max 80 chars.
///
/// A name that has to be shortened keeps its extension ("…-long-name.pdf").
pub fn safe_segment(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
    if out.len() > MAX_SEGMENT {
        let extension = match out.rfind('.') {
            Some(dot) if dot > 0 && out.len() - dot <= MAX_KEPT_EXTENSION + 1 => out[dot..].to_string(),
            _ => String::new(),
        };
        out.truncate(MAX_SEGMENT - extension.len());
        out.push_str(&extension);
    }
    // "", ".", ".." (and any other run of dots) mean something to a file system.
    if out.chars().all(|c| c == '.') {
        out = "_".repeat(out.len().max(1));
    }
    out
}

/// The entry's path with every segment made safe; "/" is the only separator
/// (a backslash is not, it becomes '_'), empty and "." segments drop out.
fn archive_path(path: &str) -> String {
    let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty() && *s != ".").map(safe_segment).collect();
    if segments.is_empty() {
        "file".to_string()
    } else {
        segments.join("/")
    }
}

/// The path itself the first time, then "name-2.ext", "name-3.ext", … .
/// Names are compared without regard to case, as Windows and macOS extract them.
fn unique_path(path: &str, used: &mut HashSet<String>) -> String {
    if used.insert(path.to_ascii_lowercase()) {
        return path.to_string();
    }
    let name_start = path.rfind('/').map_or(0, |slash| slash + 1);
    let split = match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => name_start + dot,
        _ => path.len(),
    };
    let (stem, extension) = path.split_at(split);
    (2u64..)
        .map(|n| format!("{stem}-{n}{extension}"))
        .find(|candidate| used.insert(candidate.to_ascii_lowercase()))
        .expect("some suffix is free")
}

/// JPEG and PNG are compressed already; deflating them again costs time and
/// saves nothing. Judged from the name and from the bytes.
fn already_compressed(path: &str, bytes: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png"].iter().any(|ext| lower.ends_with(ext))
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn entry(path: &str, bytes: &[u8]) -> ArchiveEntry {
        ArchiveEntry { path: path.to_string(), bytes: bytes.to_vec() }
    }

    /// Every entry of the archive, in order: name, compression, bytes.
    fn read_back(zip: &[u8]) -> Vec<(String, CompressionMethod, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a readable archive");
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes).unwrap();
                (file.name().to_string(), file.compression(), bytes)
            })
            .collect()
    }

    #[test]
    fn round_trips_names_and_bytes() {
        let png = b"\x89PNG\r\n\x1a\nnot really a png".to_vec();
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3].to_vec();
        let pdf = b"%PDF-1.4\n".repeat(500);
        let entries = vec![
            entry("deliveries.csv", b"order,po\nORD-1,PO-9\n"),
            entry("ORD-1/UPS-1Z999/POD-42.pdf", &pdf),
            entry("ORD-1/UPS-1Z999/signature.png", &png),
            entry("ORD-1/UPS-1Z999/photo.jpg", &jpeg),
            entry("empty.txt", b""),
        ];
        let back = read_back(&build_zip(&entries).unwrap());
        assert_eq!(back.len(), entries.len());
        for (e, (name, _, bytes)) in entries.iter().zip(&back) {
            assert_eq!(&e.path, name);
            assert_eq!(&e.bytes, bytes);
        }
    }

    #[test]
    fn images_are_stored_and_text_is_deflated() {
        let entries = vec![
            entry("a.pdf", &b"%PDF-1.4\n".repeat(100)),
            entry("a.csv", &b"x,y\n".repeat(100)),
            entry("s.png", b"\x89PNG\r\n\x1a\n"),
            entry("p.JPG", b"jpeg"),
            entry("unnamed", &[0xFF, 0xD8, 0xFF, 0xDB]),
        ];
        let zip = build_zip(&entries).unwrap();
        let methods: Vec<CompressionMethod> = read_back(&zip).into_iter().map(|(_, m, _)| m).collect();
        assert_eq!(
            methods,
            vec![
                CompressionMethod::Deflated,
                CompressionMethod::Deflated,
                CompressionMethod::Stored,
                CompressionMethod::Stored,
                CompressionMethod::Stored
            ]
        );
        assert!(zip.len() < 900 + 400, "the repetitive text was compressed ({} bytes)", zip.len());
    }

    #[test]
    fn duplicate_paths_get_numbered_before_the_extension() {
        let entries = vec![
            entry("o/photo.jpg", b"1"),
            entry("o/photo.jpg", b"2"),
            entry("o/PHOTO.jpg", b"3"),
            entry("o/notes", b"4"),
            entry("o/notes", b"5"),
            entry("o/.hidden", b"6"),
            entry("o/.hidden", b"7"),
            entry("x.tar.gz", b"8"),
            entry("x.tar.gz", b"9"),
        ];
        let names: Vec<String> = read_back(&build_zip(&entries).unwrap()).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(
            names,
            vec![
                "o/photo.jpg",
                "o/photo-2.jpg",
                "o/PHOTO-3.jpg",
                "o/notes",
                "o/notes-2",
                "o/.hidden",
                "o/.hidden-2",
                "x.tar.gz",
                "x.tar-2.gz"
            ]
        );
    }

    #[test]
    fn a_generated_name_does_not_take_an_existing_one() {
        let entries = vec![entry("a-2.pdf", b"1"), entry("a.pdf", b"2"), entry("a.pdf", b"3")];
        let names: Vec<String> = read_back(&build_zip(&entries).unwrap()).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(names, vec!["a-2.pdf", "a.pdf", "a-3.pdf"]);
    }

    #[test]
    fn entry_paths_cannot_escape_the_archive() {
        let entries = vec![
            entry("../../etc/passwd", b"1"),
            entry("/abs/olute.txt", b"2"),
            entry("a\\..\\b.txt", b"3"),
            entry("./x//y/./z.txt", b"4"),
            entry("", b"5"),
            entry("PO 123/7 ü.pdf", b"6"),
        ];
        let names: Vec<String> = read_back(&build_zip(&entries).unwrap()).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(
            names,
            vec!["__/__/etc/passwd", "abs/olute.txt", "a_.._b.txt", "x/y/z.txt", "file", "PO_123/7__.pdf"]
        );
    }

    #[test]
    fn output_is_deterministic() {
        let entries = vec![entry("a.pdf", b"%PDF-1.4"), entry("b.png", b"\x89PNG\r\n\x1a\n")];
        assert_eq!(build_zip(&entries).unwrap(), build_zip(&entries).unwrap());
    }

    #[test]
    fn an_empty_archive_is_still_a_zip() {
        assert!(read_back(&build_zip(&[]).unwrap()).is_empty());
    }

    #[test]
    fn safe_segment_cases() {
        assert_eq!(safe_segment("../x"), ".._x");
        assert_eq!(safe_segment(".."), "__");
        assert_eq!(safe_segment("."), "_");
        assert_eq!(safe_segment(""), "_");
        assert_eq!(safe_segment("PO 123/7"), "PO_123_7");
        assert_eq!(safe_segment("ORD-1_a.b"), "ORD-1_a.b");
        assert_eq!(safe_segment("Zoë"), "Zo_");
        assert_eq!(safe_segment("a\\b:c*d?\"e<f>|g"), "a_b_c_d__e_f__g");
        assert_eq!(safe_segment("x".repeat(200).as_str()), "x".repeat(80));
        let long = format!("{}.pdf", "y".repeat(200));
        assert_eq!(safe_segment(&long), format!("{}.pdf", "y".repeat(76)));
        assert_eq!(safe_segment("李"), "_");
    }

    #[test]
    fn safe_segment_is_idempotent() {
        for s in ["../x", "", "..", "PO 123/7", "Zoë", &"z".repeat(300), &format!("{}.jpeg", "q".repeat(99))] {
            let once = safe_segment(s);
            assert_eq!(safe_segment(&once), once);
            assert!(!once.is_empty() && once != ".." && once.len() <= 80);
        }
    }
}
