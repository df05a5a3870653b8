//! Opt-in diagnostic output, the run-time counterpart of MatrixSSL's trace defines
//! (`USE_SSL_HANDSHAKE_MSG_TRACE`, `USE_SSL_INFORMATIONAL_TRACE`).
//!
//! `MATRIXSSL_TRACE` is read once, at the first trace point reached. Its value is a list of
//! words separated by `,` or `|`: `handshake` (each handshake message and ChangeCipherSpec
//! sent and received, and fatal alerts with their cause), `info` (the negotiated parameters
//! of each completed handshake, and alerts sent or received), `all` (both). Other words are
//! ignored; unset or empty means no output. Lines go to stderr, one `write` each, prefixed
//! `matrixssl: ` so they can be told apart from the application's own output.
//!
//! What is printed is limited to message types, lengths, versions, suites, alert numbers
//! and the fixed cause texts of [`crate::error::Fatal`]: lengths and types may come from the
//! peer, but no message content and never key material.
//!
//! When tracing is off a trace point costs one load and one branch: the macros test the flag
//! before `format_args!` is evaluated, so nothing is formatted.

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

/// Handshake messages and ChangeCipherSpec as they are sent and received.
pub const HANDSHAKE: u8 = 1;
/// Negotiated parameters and alerts.
pub const INFO: u8 = 2;

/// Prefix of every line, fixed so that scripts can filter the library's output.
pub const PREFIX: &str = "matrixssl: ";

static FLAGS: OnceLock<u8> = OnceLock::new();

/// Parses a `MATRIXSSL_TRACE` value into flags; unknown words are ignored so that a value
/// written for a later version still enables what this one knows.
pub fn parse_flags(value: &str) -> u8 {
    value
        .split([',', '|'])
        .map(|word| match word.trim().to_ascii_lowercase().as_str() {
            "handshake" => HANDSHAKE,
            "info" => INFO,
            "all" => HANDSHAKE | INFO,
            _ => 0,
        })
        .fold(0, |flags, flag| flags | flag)
}

/// The flags of this process, read from the environment the first time.
#[inline]
pub fn flags() -> u8 {
    *FLAGS.get_or_init(|| {
        std::env::var("MATRIXSSL_TRACE")
            .map(|v| parse_flags(&v))
            .unwrap_or(0)
    })
}

/// True if any of `flag` is enabled.
#[inline]
pub fn enabled(flag: u8) -> bool {
    flags() & flag != 0
}

/// Writes one prefixed line to `out`. The line is assembled first and written with one
/// call, so lines from connections on different threads do not interleave mid-line.
/// Errors are ignored: a closed stderr must not turn into a TLS failure.
pub fn write_line(out: &mut dyn Write, args: fmt::Arguments<'_>) {
    let line = format!("{PREFIX}{args}\n");
    let _ = out.write_all(line.as_bytes());
}

/// Writes one line to stderr.
pub fn emit(args: fmt::Arguments<'_>) {
    write_line(&mut std::io::stderr().lock(), args);
}

/// `trace::event!(FLAG, "format", args...)`: one stderr line if any of `FLAG` is enabled.
macro_rules! event {
    ($flag:expr, $($arg:tt)*) => {
        if $crate::trace::enabled($flag) {
            $crate::trace::emit(format_args!($($arg)*));
        }
    };
}
pub(crate) use event;

/// The "client"/"server" word of a trace line.
pub fn role(is_client: bool) -> &'static str {
    if is_client { "client" } else { "server" }
}

/// Name of a protocol version on the wire.
pub fn version_name(version: u16) -> &'static str {
    match version {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => "unknown version",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_words_separated_by_comma_or_bar() {
        assert_eq!(parse_flags(""), 0);
        assert_eq!(parse_flags("handshake"), HANDSHAKE);
        assert_eq!(parse_flags("info"), INFO);
        assert_eq!(parse_flags("all"), HANDSHAKE | INFO);
        assert_eq!(parse_flags("handshake|info"), HANDSHAKE | INFO);
        assert_eq!(parse_flags("info, handshake"), HANDSHAKE | INFO);
        assert_eq!(parse_flags("INFO"), INFO);
    }

    #[test]
    fn unknown_words_are_ignored() {
        assert_eq!(parse_flags("1"), 0);
        assert_eq!(parse_flags("yes"), 0);
        assert_eq!(parse_flags("crypto,info"), INFO);
        assert_eq!(parse_flags("handshakes|"), 0);
    }

    #[test]
    fn a_line_is_prefixed_and_ends_with_a_newline() {
        let mut out = Vec::new();
        write_line(&mut out, format_args!("sent {} ({} bytes)", "Finished", 12));
        assert_eq!(out, b"matrixssl: sent Finished (12 bytes)\n");
    }

    /// A Display that records being called: formatting must not happen when tracing is off.
    struct Counted<'a>(&'a std::cell::Cell<u32>);

    impl fmt::Display for Counted<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.set(self.0.get() + 1);
            f.write_str("x")
        }
    }

    #[test]
    fn nothing_is_formatted_when_the_flag_is_off() {
        // The test process runs without MATRIXSSL_TRACE (tests/run-all.sh does not set it);
        // should a developer set it, the expectation follows the flags actually in force.
        let calls = std::cell::Cell::new(0);
        event!(HANDSHAKE, "{}", Counted(&calls));
        let expected = u32::from(enabled(HANDSHAKE));
        assert_eq!(calls.get(), expected);
        event!(0, "{}", Counted(&calls));
        assert_eq!(calls.get(), expected, "flag 0 is never enabled");
    }

    #[test]
    fn names_cover_the_handshake_types_and_versions() {
        use crate::msgs::HandshakeType;
        assert_eq!(HandshakeType::FINISHED.name(), "Finished");
        assert_eq!(HandshakeType(99).name(), "unknown");
        assert_eq!(version_name(0x0303), "TLS 1.2");
        assert_eq!(version_name(0x0304), "TLS 1.3");
    }
}
