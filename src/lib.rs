//! matrixssl-rs: a memory-safe TLS engine behind the MatrixSSL 3.3 C API.
//!
//! Everything outside `ffi` and `c_imports` is safe, sans-IO Rust with no knowledge of C,
//! and the compiler holds it to that (`#![deny(unsafe_code)]` below, allowed only on those
//! two modules): `ffi` translates between C handles/buffers and the core types (the exports),
//! `c_imports` wraps what the core imports from C (aws-lc's raw RSA private operation and
//! stitched AES-CBC-HMAC-SHA1 record sealing). The core never imports from `ffi`.
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]

#[allow(unsafe_code)]
mod c_imports;
pub mod client_sessions;
pub mod codec;
pub mod config;
pub mod conn;
pub mod crypto;
pub mod error;
#[allow(unsafe_code)]
pub mod ffi;
pub mod handshake;
pub mod keys;
pub mod msgs;
pub mod pki;
pub mod record;
pub mod session_cache;
pub mod suites;
#[cfg(test)]
mod test_fixtures;
pub mod trace;
