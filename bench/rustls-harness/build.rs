//! Records the resolved rustls version (from Cargo.lock) for the report.
fn main() {
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut version = String::from("unknown");
    let mut in_rustls = false;
    for line in lock.lines() {
        if line == "name = \"rustls\"" {
            in_rustls = true;
        } else if in_rustls && let Some(v) = line.strip_prefix("version = ") {
            version = v.trim_matches('"').to_string();
            break;
        }
    }
    println!("cargo:rustc-env=RUSTLS_VERSION={version}");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
