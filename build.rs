//! Build script:
//! (a) gives the shared library the SONAME `libmatrixssl.so` (ABI.md §1.2, D18);
//! (b) generates `$OUT_DIR/matrixssl_generated.h` with cbindgen from the crate's
//!     `extern "C"` exports (src/ffi), function prototypes only;
//! (c) compiles a C file including both `include/matrixssl/matrixsslApi.h` and the
//!     generated header, so a Rust export whose prototype disagrees with the
//!     hand-kept headers fails the build with the compiler's "conflicting types" error.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    // (a) The reference library had no SONAME; programs record the link-time name
    // `libmatrixssl.so`, so that is the only acceptable SONAME.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmatrixssl.so");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=include");
    println!("cargo:rerun-if-env-changed=CC");

    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));

    // (b) Generate the prototypes.
    let Some(generated) = generate_prototypes(&root, &out_dir) else {
        return;
    };

    // (c) Check them against the installed headers.
    check_prototypes(&root, &out_dir, &generated);
}

/// Runs cbindgen over src/ffi (the only place with exports: cbindgen follows the `mod`
/// declarations of src/ffi/mod.rs) and writes the header; `None` (with a warning) if
/// the sources cannot be parsed yet.
fn generate_prototypes(root: &Path, out_dir: &Path) -> Option<PathBuf> {
    let config = match cbindgen::Config::from_file(root.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => panic!("cbindgen.toml: {e}"),
    };
    let bindings = match cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
    {
        Ok(b) => b,
        Err(e) => {
            // Only happens while modules are still being written; once the crate
            // compiles, syn parses it too.
            println!(
                "cargo:warning=cbindgen could not parse src/ffi ({e}); prototype check skipped"
            );
            return None;
        }
    };
    let mut text = Vec::new();
    bindings.write(&mut text);
    let text = to_header_type_names(&String::from_utf8_lossy(&text));
    let path = out_dir.join("matrixssl_generated.h");
    fs::write(&path, text).expect("write matrixssl_generated.h");
    Some(path)
}

/// Spells cbindgen's fixed-width types with the names the MatrixSSL headers use
/// (`int32` is `int32_t`, ... so this only aids reading the generated file and the
/// compiler's messages).
fn to_header_type_names(text: &str) -> String {
    const NAMES: [(&str, &str); 5] = [
        ("int32_t", "int32"),
        ("uint32_t", "uint32"),
        ("int16_t", "int16"),
        ("uint16_t", "uint16"),
        ("uint8_t", "unsigned char"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let renamed = NAMES.iter().find(|(from, _)| *from == word.as_str());
        out.push_str(renamed.map_or(word.as_str(), |(_, to)| to));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Compiles `#include "matrixssl/matrixsslApi.h"` + the generated prototypes with the
/// system C compiler; panics with the compiler's output on any disagreement.
fn check_prototypes(root: &Path, out_dir: &Path, generated: &Path) {
    if !root.join("include/matrixssl/matrixsslApi.h").is_file() {
        println!("cargo:warning=include/matrixssl/matrixsslApi.h missing; prototype check skipped");
        return;
    }
    let check_c = out_dir.join("prototype_check.c");
    let source = format!(
        "/* Every Rust export must match the prototype of the installed headers. */\n\
         #include \"matrixssl/matrixsslApi.h\"\n\
         #include \"{}\"\n",
        generated.display()
    );
    fs::write(&check_c, source).expect("write prototype_check.c");

    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let output = Command::new(&cc)
        .args(["-std=c99", "-fsyntax-only", "-Wall", "-Werror", "-DPOSIX"])
        // Declares psGetFileBuf and the other file-system-only prototypes too.
        .arg("-DMATRIX_USE_FILE_SYSTEM")
        .arg("-I")
        .arg(root.join("include"))
        .arg(&check_c)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            println!("cargo:warning=C compiler `{cc}` unavailable ({e}); prototype check skipped");
            return;
        }
    };
    if !output.status.success() {
        panic!(
            "\n\nA Rust `extern \"C\"` export disagrees with the installed MatrixSSL headers \
             (include/).\nFix the Rust signature (or, if the header is wrong, the header) \
             so both declare the same C prototype.\nGenerated prototypes: {}\n\n{}{}",
            generated.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
