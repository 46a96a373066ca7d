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
    /// The names at the top of the site root (`pkg`, `leaflet`,
    /// `favicon.ico`): a path under none of them is no file, and is
    /// answered without asking the disk.
    top_level: Vec<String>,
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
        let mut top_level: Vec<String> = std::fs::read_dir(site_root)
            .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
            .unwrap_or_default();
        top_level.sort();
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
                BuiltSite { hashed: true, stylesheet: format!("/{}", file(&css, "css")), top_level }
            }
            _ => BuiltSite { hashed: false, stylesheet: format!("/pkg/{OUTPUT_NAME}.css"), top_level },
        }
    }

    /// Makes this the site every page links to (once, at start-up).
    pub fn install(&self) {
        let _ = STYLESHEET.set(self.stylesheet.clone());
    }

    /// Whether `path` may name a file of the site: its first segment is at
    /// the top of the site root. Files rebuilt under `pkg/` while serving
    /// (a debug build) are still found; a new top-level name needs a restart.
    pub fn may_serve(&self, path: &str) -> bool {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        !first.is_empty() && self.top_level.binary_search_by(|name| name.as_str().cmp(first)).is_ok()
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
    fn only_paths_under_the_site_roots_names_may_be_files() {
        let root = site_with(&["milepost.css"]);
        std::fs::write(root.path().join("favicon.ico"), b"x").unwrap();
        let site = BuiltSite::from_hashes(root.path(), None);
        for path in ["/pkg/milepost.css", "/pkg/rebuilt-later.js", "/favicon.ico", "/pkg"] {
            assert!(site.may_serve(path), "{path}");
        }
        for path in ["/", "/nope", "/t/abc", "/pk", "/pkgx/a.js", "/favicon.ico.bak"] {
            assert!(!site.may_serve(path), "{path}");
        }
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
