//! Helpers shared by the integration tests: the committed test PKI in tests/fixtures/ (made by
//! tests/fixtures/make-fixtures.sh, so no test runs the openssl CLI), a `Callbacks` that
//! accepts everything, and the record-level plumbing of the scripted hostile peers
//! (tests/hostile.rs, tests/hostile13.rs): framing records, feeding bytes to a connection
//! and collecting what it hands out.

// Each test binary compiles this module on its own and uses a different subset of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use matrixssl::conn::Connection;
use matrixssl::error::{
    MATRIXSSL_APP_DATA, MATRIXSSL_RECEIVED_ALERT, MATRIXSSL_REQUEST_RECV, MATRIXSSL_REQUEST_SEND,
    PS_SUCCESS,
};
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

// ---- scripted peers: records and what a connection hands out ---------------------------

pub fn record(typ: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut r = vec![typ];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

/// Splits a byte stream into (type, version, body) records; a trailing partial record is
/// returned as a record with whatever body bytes there are.
pub fn split_records(wire: &[u8]) -> Vec<(u8, u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let end = (5 + len).min(rest.len());
        out.push((
            rest[0],
            u16::from_be_bytes([rest[1], rest[2]]),
            rest[5..end].to_vec(),
        ));
        rest = &rest[end..];
    }
    out
}

/// Splits a handshake byte stream into complete messages (header included).
pub fn split_messages(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = stream;
    while rest.len() >= 4 {
        let len = (usize::from(rest[1]) << 16) | (usize::from(rest[2]) << 8) | usize::from(rest[3]);
        if rest.len() < 4 + len {
            break;
        }
        out.push(rest[..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    out
}

/// What a connection handed out while receiving.
#[derive(Debug, Default)]
pub struct Got {
    /// Every non-data return code, in order.
    pub rcs: Vec<i32>,
    pub app: Vec<u8>,
    pub alerts: Vec<[u8; 2]>,
}

impl Got {
    pub fn last(&self) -> i32 {
        *self.rcs.last().unwrap_or(&i32::MIN)
    }
}

/// Delivers `bytes` to `conn`, `chunk` bytes per `ReceivedData`, handing out every record
/// (`ProcessedData` loop). Output the connection queues is left in place. When it asks to
/// send, the rest of what is buffered is decoded with `ReceivedData(0)`, as the API allows.
pub fn feed(conn: &mut Connection, bytes: &[u8], chunk: usize) -> Got {
    let mut got = Got::default();
    let mut off = 0;
    let mut guard = 0;
    while off < bytes.len() {
        guard += 1;
        assert!(guard < 1_000_000, "feed made no progress");
        let (at, room) = conn.read_buf();
        assert!(room > 0, "GetReadbuf offered no room");
        let n = room.min(chunk).min(bytes.len() - off);
        conn.inbuf_mut()[at..at + n].copy_from_slice(&bytes[off..off + n]);
        off += n;
        let r = conn.received(n, &mut NoCallbacks);
        collect(conn, r, &mut got);
        // A negative code ends the session; so does a fatal alert queued for sending (the
        // application flushes it and closes).
        if got.last() < 0 || (got.last() == MATRIXSSL_REQUEST_SEND && conn.closing()) {
            return got;
        }
    }
    for _ in 0..100 {
        if got.last() != MATRIXSSL_REQUEST_SEND {
            break;
        }
        let r = conn.received(0, &mut NoCallbacks);
        if matches!(r.rc, PS_SUCCESS | MATRIXSSL_REQUEST_RECV) {
            break; // nothing (complete) was left behind the flight
        }
        collect(conn, r, &mut got);
    }
    got
}

pub fn collect(conn: &mut Connection, mut r: matrixssl::conn::Received, got: &mut Got) {
    for _ in 0..100_000 {
        match r.rc {
            MATRIXSSL_APP_DATA => {
                let range = r.plaintext.clone().expect("APP_DATA without plaintext");
                got.app.extend_from_slice(&conn.inbuf_mut()[range]);
            }
            MATRIXSSL_RECEIVED_ALERT => {
                let range = r.plaintext.clone().expect("ALERT without plaintext");
                let p = &conn.inbuf_mut()[range];
                assert_eq!(p.len(), 2);
                got.alerts.push([p[0], p[1]]);
            }
            rc => {
                got.rcs.push(rc);
                return;
            }
        }
        r = conn.processed(&mut NoCallbacks);
    }
    panic!("ProcessedData loop did not end");
}

/// Takes (and reports sent) everything `conn` queued.
pub fn take_out(conn: &mut Connection) -> Vec<u8> {
    let v = conn.outdata().to_vec();
    if !v.is_empty() {
        conn.sent(v.len());
    }
    v
}
