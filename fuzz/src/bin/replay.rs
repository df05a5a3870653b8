//! Runs every committed input (seeds/, regressions/, and corpus/ when present) through its
//! harness on a stable toolchain, without libFuzzer: the regression check `make test`
//! can afford. A panic in a harness is a failure, and so is a conversation listed in
//! seeds/complete.txt that does not complete (its encrypted flights no longer replay).
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
    // The recorded conversations must go all the way: past the encrypted flights.
    let list = std::fs::read_to_string(root.join("seeds/complete.txt")).unwrap_or_default();
    let mut checked = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let Some((name, seed)) = line.split_once(' ') else {
            continue;
        };
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let path = root.join("seeds").join(name).join(seed);
        let data = std::fs::read(&path).unwrap_or_default();
        let outcome = catch_unwind(AssertUnwindSafe(|| match name {
            "client_recv" => targets::client_recv_outcome(&data),
            "server_recv" => Some(targets::server_recv_outcome(&data)),
            _ => None,
        }));
        checked += 1;
        match outcome {
            Ok(Some(d))
                if d.completed
                    && !d.dead
                    && d.app_data == 18
                    && d.alerts.last() == Some(&[1, 0]) =>
            {
                passed += 1
            }
            other => {
                failed += 1;
                println!(
                    "FAIL {name}: {} did not complete as recorded: {other:?}",
                    path.display()
                );
            }
        }
    }
    println!("recorded conversations completed: {checked} checked");
    println!("replay: {passed} passed, {failed} failed");
    std::process::exit(i32::from(failed > 0));
}
