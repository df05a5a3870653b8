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

crate::codec::wire_numbers! {
    /// A TLS alert description (RFC 5246 §7.2, plus those later RFCs added).
    AlertDescription(u8), raw module alert {
        CLOSE_NOTIFY = 0 => "close_notify",
        UNEXPECTED_MESSAGE = 10 => "unexpected_message",
        BAD_RECORD_MAC = 20 => "bad_record_mac",
        RECORD_OVERFLOW = 22 => "record_overflow",
        HANDSHAKE_FAILURE = 40 => "handshake_failure",
        NO_CERTIFICATE = 41 => "no_certificate",
        BAD_CERTIFICATE = 42 => "bad_certificate",
        UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
        CERTIFICATE_REVOKED = 44 => "certificate_revoked",
        CERTIFICATE_EXPIRED = 45 => "certificate_expired",
        CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
        ILLEGAL_PARAMETER = 47 => "illegal_parameter",
        UNKNOWN_CA = 48 => "unknown_ca",
        ACCESS_DENIED = 49 => "access_denied",
        DECODE_ERROR = 50 => "decode_error",
        DECRYPT_ERROR = 51 => "decrypt_error",
        PROTOCOL_VERSION = 70 => "protocol_version",
        INSUFFICIENT_SECURITY = 71 => "insufficient_security",
        INTERNAL_ERROR = 80 => "internal_error",
        INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
        USER_CANCELED = 90 => "user_canceled",
        NO_RENEGOTIATION = 100 => "no_renegotiation",
        /// RFC 8446 §6.2: a message lacks an extension TLS 1.3 requires in it.
        MISSING_EXTENSION = 109 => "missing_extension",
        UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
        UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
        /// RFC 8446 §6.2: a server that requires a client certificate got none.
        CERTIFICATE_REQUIRED = 116 => "certificate_required",
    }

    pub const LEVEL_WARNING: u8 = 1;
    pub const LEVEL_FATAL: u8 = 2;

    /// Name of an alert description as it arrived in a record.
    pub fn name(description: u8) -> &'static str {
        super::AlertDescription(description).name()
    }
}

/// A protocol failure: the fatal alert the local side must send, and why.
///
/// The cause is a short fixed text for traces and test failures; it is never sent on the
/// wire and never holds peer data or key material. Two failures are equal when their alerts
/// are: the alert is what the peer sees, the cause only explains it.
#[derive(Debug, Clone, Copy)]
pub struct Fatal {
    pub alert: AlertDescription,
    pub cause: &'static str,
    /// What arrived instead, where `cause` names what was expected (a message type's
    /// name); empty otherwise. Fixed text too, for the same reasons as `cause`.
    pub arrived: &'static str,
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
            self.alert.name(),
            self.alert.0,
            self.cause
        )?;
        if !self.arrived.is_empty() {
            write!(f, "; arrived: {}", self.arrived)?;
        }
        Ok(())
    }
}

impl Fatal {
    pub const fn new(alert: AlertDescription, cause: &'static str) -> Fatal {
        Fatal {
            alert,
            cause,
            arrived: "",
        }
    }

    /// The same failure, saying what arrived where `cause` names what was expected.
    pub const fn arrived(self, arrived: &'static str) -> Fatal {
        Fatal { arrived, ..self }
    }

    /// decode_error: a message that does not parse as its structure (RFC 5246 §7.2.2).
    pub const fn decode(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::DECODE_ERROR, cause)
    }

    pub const fn unexpected(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::UNEXPECTED_MESSAGE, cause)
    }

    pub const fn illegal(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::ILLEGAL_PARAMETER, cause)
    }

    pub const fn handshake(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::HANDSHAKE_FAILURE, cause)
    }

    pub const fn internal(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::INTERNAL_ERROR, cause)
    }

    pub const fn bad_mac(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::BAD_RECORD_MAC, cause)
    }

    pub const fn decrypt(cause: &'static str) -> Fatal {
        Fatal::new(AlertDescription::DECRYPT_ERROR, cause)
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
            Fatal::new(
                AlertDescription::UNKNOWN_CA,
                "server certificate chain did not verify"
            )
            .to_string(),
            "unknown_ca (48): server certificate chain did not verify"
        );
        assert_eq!(alert::name(200), "unknown");
        assert_eq!(
            Fatal::unexpected("expected Finished")
                .arrived("ChangeCipherSpec")
                .to_string(),
            "unexpected_message (10): expected Finished; arrived: ChangeCipherSpec"
        );
        assert_eq!(
            AlertDescription(alert::DECODE_ERROR),
            AlertDescription::DECODE_ERROR
        );
        assert_eq!(
            format!("{:?}", Fatal::decode("x").alert),
            "decode_error(50)"
        );
    }
}
