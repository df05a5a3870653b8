//! Runs every committed input (seeds/, regressions/, and corpus/ when present) through its
//! harness on a stable toolchain, without libFuzzer: the regression check `make test`
//! can afford. A panic in a harness is a failure.
//!
//!   replay [TARGET...]      (default: every target)
//!
//! Ends with "replay: N passed, M failed".

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use matrixssl_fuzz::targets;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 8] = [
    ("server_recv", targets::server_recv),
    ("client_recv", targets::client_recv),
    ("established", targets::established),
    ("x509", targets::x509),
    ("keys_mem", targets::keys_mem),
    ("pem", targets::pem),
    ("api_sequence", targets::api_sequence),
    ("handshake_codec", targets::handshake_codec),
];

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    // Keep panics quiet: the failing file is reported below.
    std::panic::set_hook(Box::new(|info| eprintln!("  panic: {info}")));
    let (mut passed, mut failed) = (0usize, 0usize);
    // Load the fixture outside the per-input guard: a missing PKI is a setup error.
    matrixssl_fuzz::fixture();
    for (name, f) in TARGETS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let mut n = 0;
        for sub in ["seeds", "regressions", "corpus"] {
            for file in inputs(&root.join(sub).join(name)) {
                let Ok(data) = std::fs::read(&file) else {
                    continue;
                };
                n += 1;
                if catch_unwind(AssertUnwindSafe(|| f(&data))).is_ok() {
                    passed += 1;
                } else {
                    failed += 1;
                    println!("FAIL {name}: {}", file.display());
                }
            }
        }
        println!("{name}: {n} inputs");
    }
    println!("replay: {passed} passed, {failed} failed");
    std::process::exit(i32::from(failed > 0));
}
