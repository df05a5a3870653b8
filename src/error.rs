//! Return codes and alert descriptions of the MatrixSSL 3.3 API (ABI.md §3.0, §5).
//!
//! The core speaks these numbers directly: they are the contract with C callers, and keeping
//! one set of names avoids a translation table that could drift.

pub const PS_SUCCESS: i32 = 0;
pub const PS_FAILURE: i32 = -1;
pub const PS_ARG_FAIL: i32 = -6;
pub const PS_PLATFORM_FAIL: i32 = -7;
pub const PS_MEM_FAIL: i32 = -8;
pub const PS_LIMIT_FAIL: i32 = -9;
pub const PS_UNSUPPORTED_FAIL: i32 = -10;
pub const PS_PROTOCOL_FAIL: i32 = -12;
pub const PS_PARSE_FAIL: i32 = -31;
pub const PS_CERT_AUTH_FAIL_BC: i32 = -32;
pub const PS_CERT_AUTH_FAIL_DN: i32 = -33;
pub const PS_CERT_AUTH_FAIL_SIG: i32 = -34;
pub const PS_CERT_AUTH_FAIL: i32 = -35;
pub const PS_CERT_AUTH_PASS: i32 = 1;

pub const MATRIXSSL_SUCCESS: i32 = 0;
pub const MATRIXSSL_ERROR: i32 = PS_PROTOCOL_FAIL;
pub const MATRIXSSL_REQUEST_SEND: i32 = 1;
pub const MATRIXSSL_REQUEST_RECV: i32 = 2;
pub const MATRIXSSL_REQUEST_CLOSE: i32 = 3;
pub const MATRIXSSL_APP_DATA: i32 = 4;
pub const MATRIXSSL_HANDSHAKE_COMPLETE: i32 = 5;
pub const MATRIXSSL_RECEIVED_ALERT: i32 = 6;

pub const SSL_ALLOW_ANON_CONNECTION: i32 = 254;

/// TLS alert descriptions (RFC 5246 §7.2, plus those later RFCs added).
pub mod alert {
    pub const CLOSE_NOTIFY: u8 = 0;
    pub const UNEXPECTED_MESSAGE: u8 = 10;
    pub const BAD_RECORD_MAC: u8 = 20;
    pub const RECORD_OVERFLOW: u8 = 22;
    pub const HANDSHAKE_FAILURE: u8 = 40;
    pub const NO_CERTIFICATE: u8 = 41;
    pub const BAD_CERTIFICATE: u8 = 42;
    pub const UNSUPPORTED_CERTIFICATE: u8 = 43;
    pub const CERTIFICATE_REVOKED: u8 = 44;
    pub const CERTIFICATE_EXPIRED: u8 = 45;
    pub const CERTIFICATE_UNKNOWN: u8 = 46;
    pub const ILLEGAL_PARAMETER: u8 = 47;
    pub const UNKNOWN_CA: u8 = 48;
    pub const ACCESS_DENIED: u8 = 49;
    pub const DECODE_ERROR: u8 = 50;
    pub const DECRYPT_ERROR: u8 = 51;
    pub const PROTOCOL_VERSION: u8 = 70;
    pub const INSUFFICIENT_SECURITY: u8 = 71;
    pub const INTERNAL_ERROR: u8 = 80;
    pub const INAPPROPRIATE_FALLBACK: u8 = 86;
    pub const NO_RENEGOTIATION: u8 = 100;
    pub const UNSUPPORTED_EXTENSION: u8 = 110;
    pub const UNKNOWN_PSK_IDENTITY: u8 = 115;

    pub const LEVEL_WARNING: u8 = 1;
    pub const LEVEL_FATAL: u8 = 2;

    /// Name of an alert description (RFC 5246 §7.2 and later registrations).
    pub fn name(description: u8) -> &'static str {
        match description {
            CLOSE_NOTIFY => "close_notify",
            UNEXPECTED_MESSAGE => "unexpected_message",
            BAD_RECORD_MAC => "bad_record_mac",
            RECORD_OVERFLOW => "record_overflow",
            HANDSHAKE_FAILURE => "handshake_failure",
            NO_CERTIFICATE => "no_certificate",
            BAD_CERTIFICATE => "bad_certificate",
            UNSUPPORTED_CERTIFICATE => "unsupported_certificate",
            CERTIFICATE_REVOKED => "certificate_revoked",
            CERTIFICATE_EXPIRED => "certificate_expired",
            CERTIFICATE_UNKNOWN => "certificate_unknown",
            ILLEGAL_PARAMETER => "illegal_parameter",
            UNKNOWN_CA => "unknown_ca",
            ACCESS_DENIED => "access_denied",
            DECODE_ERROR => "decode_error",
            DECRYPT_ERROR => "decrypt_error",
            PROTOCOL_VERSION => "protocol_version",
            INSUFFICIENT_SECURITY => "insufficient_security",
            INTERNAL_ERROR => "internal_error",
            INAPPROPRIATE_FALLBACK => "inappropriate_fallback",
            NO_RENEGOTIATION => "no_renegotiation",
            UNSUPPORTED_EXTENSION => "unsupported_extension",
            UNKNOWN_PSK_IDENTITY => "unknown_psk_identity",
            _ => "unknown",
        }
    }
}

/// A protocol failure: the fatal alert the local side must send, and why.
///
/// The cause is a short fixed text for traces and test failures; it is never sent on the
/// wire and never holds peer data or key material. Two failures are equal when their alerts
/// are: the alert is what the peer sees, the cause only explains it.
#[derive(Debug, Clone, Copy)]
pub struct Fatal {
    pub alert: u8,
    pub cause: &'static str,
}

impl PartialEq for Fatal {
    fn eq(&self, other: &Fatal) -> bool {
        self.alert == other.alert
    }
}

impl Eq for Fatal {}

/// "unknown_ca (48): server certificate chain did not verify".
impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            alert::name(self.alert),
            self.alert,
            self.cause
        )
    }
}

impl Fatal {
    pub const fn new(alert: u8, cause: &'static str) -> Fatal {
        Fatal { alert, cause }
    }

    /// decode_error: a message that does not parse as its structure (RFC 5246 §7.2.2).
    pub const fn decode(cause: &'static str) -> Fatal {
        Fatal::new(alert::DECODE_ERROR, cause)
    }

    pub const fn unexpected(cause: &'static str) -> Fatal {
        Fatal::new(alert::UNEXPECTED_MESSAGE, cause)
    }

    pub const fn illegal(cause: &'static str) -> Fatal {
        Fatal::new(alert::ILLEGAL_PARAMETER, cause)
    }

    pub const fn handshake(cause: &'static str) -> Fatal {
        Fatal::new(alert::HANDSHAKE_FAILURE, cause)
    }

    pub const fn internal(cause: &'static str) -> Fatal {
        Fatal::new(alert::INTERNAL_ERROR, cause)
    }

    pub const fn bad_mac(cause: &'static str) -> Fatal {
        Fatal::new(alert::BAD_RECORD_MAC, cause)
    }

    pub const fn decrypt(cause: &'static str) -> Fatal {
        Fatal::new(alert::DECRYPT_ERROR, cause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_equality_is_the_alert_and_display_gives_the_cause() {
        assert_eq!(Fatal::decode("one reason"), Fatal::decode("another"));
        assert_ne!(Fatal::decode("same"), Fatal::illegal("same"));
        assert_eq!(
            Fatal::new(alert::UNKNOWN_CA, "server certificate chain did not verify").to_string(),
            "unknown_ca (48): server certificate chain did not verify"
        );
        assert_eq!(alert::name(200), "unknown");
    }
}
