#!/usr/bin/env python3
"""Checks a `cargo leptos build --split` site after the build; the Makefile
runs it right after each build, so a broken split fails the build loudly.

usage: check_split.py SITE_PKG_DIR [HASH_TXT]

Why: the app hydrates with `hydrate_lazy` and its lazy routes and components
live in wasm chunks that cargo-leptos splits out and renames. The page, the
JS loader, the manifest (what the server preloads) and the chunks themselves
refer to each other by file name, and cargo-leptos 0.3's renaming has left
names dangling before (issues #675 and #680: a loader or chunk hashed twice,
a manifest naming chunks that are not there). Such a build compiles, serves
and server-renders fine; only the browser finds out, when a page does not
hydrate or a lazy part never loads. A build without `--split` does the same
(its JS imports `__wasm_split_placeholder__`). This script reads the files
and fails (exit 1) when any name one refers to is not a file in pkg/.

With HASH_TXT (LEPTOS_HASH_FILES=true builds) the names are the hashed ones
hash.txt gives; without it, the plain names of a debug build.
"""
import gzip
import json
import os
import re
import sys

HASH_PLACEHOLDER = "_" * 22  # cargo-leptos's stand-in for a hash not yet known
OUTPUT_NAME = os.environ.get("LEPTOS_OUTPUT_NAME", "milepost")


def main(pkg, hash_txt=None):
    files = set(os.listdir(pkg))
    problems = []

    def read(name, mode="r"):
        with open(os.path.join(pkg, name), mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            return f.read()

    # The files the server names in every page (hash.txt, or the plain names).
    if hash_txt:
        hashes = {}
        with open(hash_txt, encoding="utf-8") as f:
            for line in f:
                if ":" in line:
                    key, value = line.split(":", 1)
                    hashes[key.strip()] = value.strip()
        for key in ("js", "wasm", "css", "manifest", "split"):
            if key not in hashes:
                problems.append(f"{hash_txt} has no '{key}' line (a build without --split has no manifest or split)")
        main_js = f"{OUTPUT_NAME}.{hashes.get('js')}.js"
        expected = [
            main_js,
            f"{OUTPUT_NAME}.{hashes.get('wasm')}.wasm",
            f"{OUTPUT_NAME}.{hashes.get('css')}.css",
            f"__wasm_split_manifest.{hashes.get('manifest')}.json",
            f"__wasm_split.{hashes.get('split')}.js",
        ]
        # A hashed build replaces every placeholder with a hash.
        problems += [f"{f}: hash placeholder left in a file name" for f in files if HASH_PLACEHOLDER in f]
    else:
        main_js = f"{OUTPUT_NAME}.js"
        expected = [main_js, f"{OUTPUT_NAME}.wasm", f"{OUTPUT_NAME}.css", "__wasm_split_manifest.json"]
    problems += [f"{name} is not in {pkg}" for name in expected if name not in files]

    loaders = sorted(f for f in files if re.fullmatch(r"__wasm_split\.[^.]+\.js", f))
    if len(loaders) != 1:
        problems.append(f"expected one __wasm_split.*.js loader in {pkg}, found {loaders}")
    manifests = sorted(f for f in files if re.fullmatch(r"__wasm_split_manifest(\.[^.]+)?\.json", f))
    if len(manifests) != 1:
        problems.append(f"expected one manifest in {pkg}, found {manifests}")

    # The main JS and the loader import each other and fetch the chunks by name.
    referenced = 0
    for js in [main_js] + loaders:
        if js not in files:
            continue
        text = read(js)
        if "__wasm_split_placeholder__" in text:
            problems.append(f"{js} imports __wasm_split_placeholder__: built without --split, no page would hydrate")
        for ref in set(re.findall(r"[A-Za-z0-9_\-./]+?\.(?:wasm|js)\b", text)):
            base = ref.rsplit("/", 1)[-1]
            if base in (f"{OUTPUT_NAME}_bg.js", f"{OUTPUT_NAME}_bg.wasm"):
                continue  # wasm-bindgen's import-module name and default URL; the page passes the real one
            if base.startswith((OUTPUT_NAME, "__wasm_split", "split_", "chunk_")) or ref.startswith("./"):
                referenced += 1
                if base not in files:
                    problems.append(f"{js} refers to {ref}, not in {pkg}")
    if referenced == 0:
        problems.append(f"{main_js} and the loader refer to no chunk at all")

    # What the server preloads for a lazy function: "{pkg}/{module}.wasm" (#680).
    entries = 0
    for manifest in manifests:
        for key, modules in json.loads(read(manifest)).items():
            for module in modules:
                entries += 1
                if f"{module.removeprefix('./')}.wasm" not in files:
                    problems.append(f"{manifest}: {key[:40]}... preloads {module}.wasm, not in {pkg}")

    # Each chunk names the loader it imports from inside its bytes (#675).
    chunks = 0
    for f in sorted(files):
        if not f.endswith(".wasm"):
            continue
        chunks += 1
        data = read(f, "rb")
        for ref in set(re.findall(rb"__wasm_split[A-Za-z0-9_\-.]*?\.js", data)):
            if ref.decode().removeprefix("./") not in files:
                problems.append(f"{f} imports {ref.decode()}, not in {pkg}")
        if f + ".gz" in files and gzip.decompress(read(f + ".gz", "rb")) != data:
            problems.append(f"{f}.gz is not {f} compressed (a stale precompressed file)")

    for p in problems:
        print(f"check_split: PROBLEM: {p}", file=sys.stderr)
    if problems:
        print(f"check_split: {len(problems)} problem(s) in the split build in {pkg}", file=sys.stderr)
        return 1
    print(f"check_split: OK: {chunks} wasm files, {referenced} names in the JS, {entries} preload entries, all in {pkg}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
