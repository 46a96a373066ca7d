//! The front end cargo-leptos built into the site root: whether its file
//! names carry content hashes (a release build with `LEPTOS_HASH_FILES=true`,
//! as `make run` does), hence the stylesheet's name and how long a browser
//! may keep each static file without asking again.
//!
//! A leaf: it imports nothing of the crate, so the shell, the state and the
//! server can all read it.

use std::path::Path;
use std::sync::OnceLock;

/// The name cargo-leptos gives the wasm, its JS and the stylesheet.
pub const OUTPUT_NAME: &str = "milepost";

/// What the site root holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltSite {
    /// The wasm, its JS and the stylesheet are named by their content.
    pub hashed: bool,
    stylesheet: String,
}

impl BuiltSite {
    /// Reads `hash.txt` beside the running executable, where cargo-leptos
    /// writes it and where Leptos's hydration scripts look for it.
    pub fn discover(site_root: &Path) -> Self {
        let beside_exe = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join("hash.txt")));
        let hashes = beside_exe.and_then(|path| std::fs::read_to_string(path).ok());
        Self::from_hashes(site_root, hashes.as_deref())
    }

    /// Hashed names count only when all three files are in the site root:
    /// a `hash.txt` left by an older release build must not point every
    /// page at files a later debug build replaced.
    pub fn from_hashes(site_root: &Path, hashes: Option<&str>) -> Self {
        let hash = |kind: &str| {
            hashes?.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                (k.trim() == kind).then(|| v.trim().to_string())
            })
        };
        let file = |hash: &str, extension: &str| format!("pkg/{OUTPUT_NAME}.{hash}.{extension}");
        match (hash("js"), hash("wasm"), hash("css")) {
            (Some(js), Some(wasm), Some(css))
                if [file(&js, "js"), file(&wasm, "wasm"), file(&css, "css")]
                    .iter()
                    .all(|f| site_root.join(f).is_file()) =>
            {
                BuiltSite { hashed: true, stylesheet: format!("/{}", file(&css, "css")) }
            }
            _ => BuiltSite { hashed: false, stylesheet: format!("/pkg/{OUTPUT_NAME}.css") },
        }
    }

    /// Makes this the site every page links to (once, at start-up).
    pub fn install(&self) {
        let _ = STYLESHEET.set(self.stylesheet.clone());
    }

    /// How long a browser may keep the static file at `path`. Hashed files
    /// never change under their name: a year, without asking. The rest
    /// (debug builds, Leaflet, logos, the icon) are asked about again after
    /// an hour, and a 304 answers when they are unchanged.
    pub fn cache_control(&self, path: &str) -> &'static str {
        if self.hashed && path.starts_with("/pkg/") {
            "public, max-age=31536000, immutable"
        } else if path.starts_with("/pkg/") {
            "no-cache"
        } else {
            "public, max-age=3600"
        }
    }
}

static STYLESHEET: OnceLock<String> = OnceLock::new();

/// The stylesheet every page links to.
pub fn stylesheet() -> &'static str {
    STYLESHEET.get().map(String::as_str).unwrap_or("/pkg/milepost.css")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: abc\nwasm: def\ncss: ghi\n";

    fn site_with(files: &[&str]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("pkg")).unwrap();
        for file in files {
            std::fs::write(root.path().join("pkg").join(file), b"x").unwrap();
        }
        root
    }

    #[test]
    fn hashed_names_when_the_files_are_there() {
        let root = site_with(&["milepost.abc.js", "milepost.def.wasm", "milepost.ghi.css"]);
        let site = BuiltSite::from_hashes(root.path(), Some(HASHES));
        assert!(site.hashed);
        assert_eq!(site.stylesheet, "/pkg/milepost.ghi.css");
        assert_eq!(site.cache_control("/pkg/milepost.def.wasm"), "public, max-age=31536000, immutable");
        assert_eq!(site.cache_control("/leaflet/leaflet.js"), "public, max-age=3600");
    }

    #[test]
    fn a_stale_hash_file_or_none_means_plain_names_revalidated() {
        let root = site_with(&["milepost.js", "milepost_bg.wasm", "milepost.css"]);
        for hashes in [None, Some(HASHES), Some("js: abc\n")] {
            let site = BuiltSite::from_hashes(root.path(), hashes);
            assert!(!site.hashed);
            assert_eq!(site.stylesheet, "/pkg/milepost.css");
            assert_eq!(site.cache_control("/pkg/milepost.js"), "no-cache");
        }
    }
}
