//! The rustls counterpart of bench/minimal_client.c for the size comparison: loads a CA
//! file, starts a client handshake and reports the size of its ClientHello. No network.
//! (The counting allocator of the main harness is not part of this binary.)

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};

fn main() {
    let Some(ca) = std::env::args().nth(1) else {
        eprintln!("usage: minimal_client CA_FILE");
        std::process::exit(2);
    };
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).expect("CA file") {
        roots.add(c.expect("certificate")).expect("CA");
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("name");
    let mut conn = ClientConnection::new(Arc::new(config), name).expect("connection");
    let mut out = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut out).expect("write");
    }
    println!("ClientHello: {} bytes", out.len());
}
