#![no_main]
//! libFuzzer entry point for `matrixssl_fuzz::targets::handshake_codec` (input layout
//! documented there).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| matrixssl_fuzz::targets::handshake_codec(data));
