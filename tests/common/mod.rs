//! Helpers shared by the integration tests: the committed test PKI in tests/fixtures/ (made by
//! tests/fixtures/make-fixtures.sh, so no test runs the openssl CLI) and a `Callbacks` that
//! accepts everything.

// Each test binary compiles this module on its own and uses a different subset of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use matrixssl::conn::Connection;
use matrixssl::error::{MATRIXSSL_APP_DATA, MATRIXSSL_RECEIVED_ALERT};
use matrixssl::handshake::Callbacks;
use matrixssl::pki::Certificate;

/// Where a fixture lives; the tests run from any directory, so the path is absolute.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

/// A fixture's path in the byte form the `Keys` file loaders take.
pub fn path(name: &str) -> Vec<u8> {
    fixture_path(name).into_os_string().into_encoded_bytes()
}

/// A fixture's contents.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = fixture_path(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("read fixture {}: {e}", p.display()))
}

/// No certificate or extension callback: the library's own verdicts stand.
pub struct NoCallbacks;

impl Callbacks for NoCallbacks {
    fn has_certificate_callback(&self) -> bool {
        false
    }
    fn certificate(&mut self, _: &[Arc<Certificate>], _: &[i32], _: u8) -> i32 {
        0
    }
    fn extension(&mut self, _: u16, _: &[u8]) -> i32 {
        0
    }
}

/// Moves everything `from` has queued into `to`, `chunk` bytes per read, collecting the
/// plaintext and alerts `to` hands out. Returns the last non-data return code seen.
pub fn pump(
    from: &mut Connection,
    to: &mut Connection,
    chunk: usize,
    got: &mut Vec<u8>,
    alerts: &mut Vec<[u8; 2]>,
) -> i32 {
    let data = from.outdata().to_vec();
    if data.is_empty() {
        return 0;
    }
    from.sent(data.len());
    let mut last = 0;
    let mut off = 0;
    while off < data.len() {
        let (at, room) = to.read_buf();
        assert!(room > 0);
        let n = room.min(chunk).min(data.len() - off);
        to.inbuf_mut()[at..at + n].copy_from_slice(&data[off..off + n]);
        off += n;
        let mut r = to.received(n, &mut NoCallbacks);
        loop {
            match r.rc {
                MATRIXSSL_APP_DATA => {
                    got.extend_from_slice(&to.inbuf_mut()[r.plaintext.clone().unwrap()])
                }
                MATRIXSSL_RECEIVED_ALERT => {
                    let p = &to.inbuf_mut()[r.plaintext.clone().unwrap()];
                    alerts.push([p[0], p[1]]);
                }
                rc => {
                    last = rc;
                    break;
                }
            }
            r = to.processed(&mut NoCallbacks);
        }
    }
    last
}
