//! matrixssl-rs: a memory-safe TLS engine behind the MatrixSSL 3.3 C API.
//!
//! Everything outside `ffi` is safe, sans-IO Rust with no knowledge of C; `ffi` is the only
//! module allowed to step outside the compiler's memory-safety checks: it translates between
//! C handles/buffers and the core types, and wraps the one C import the core uses
//! (`ffi::rsa_transform`, aws-lc's raw RSA private operation).
#![deny(unsafe_op_in_unsafe_fn)]

pub mod client_sessions;
pub mod codec;
pub mod conn;
pub mod crypto;
pub mod error;
pub mod ffi;
pub mod handshake;
pub mod keys;
pub mod msgs;
pub mod pki;
pub mod record;
pub mod session_cache;
pub mod suites;
