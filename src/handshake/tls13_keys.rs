//! The TLS 1.3 key schedule (RFC 8446 §7.1), one type per stage.
//!
//! ```text
//!   PSK or 0 ─► EarlySecret ── binder key, ...
//!                   │ (EC)DHE
//!                   ▼
//!             HandshakeSecret ── client/server handshake traffic secrets
//!                   │ 0
//!                   ▼
//!              MasterSecret ── client/server application traffic secrets,
//!                              exporter and resumption master secrets
//! ```
//!
//! Each stage is consumed by the step to the next, so a secret cannot be used at the wrong
//! stage: a `HandshakeSecret` has no application traffic secrets to give, and only a
//! `MasterSecret` yields a resumption master secret. The transcript hashes are the caller's
//! (the state machines keep the running hash); every function says which messages it covers.
//! All secrets are zeroized on drop and none is `Debug`.

use crate::crypto::tls13::{
    Secret, Tls13Hash, derive_secret, derive_secret_empty, expand_label_secret,
    finished_verify_data, hkdf_extract, verify_finished,
};
use crate::crypto::tls13_record::{RecordProtection, Tls13Aead};
use crate::msgs::tls13::message_hash;

/// Which kind of PSK a binder is for (RFC 8446 §7.1: "ext binder" / "res binder"), so a
/// server cannot accept a resumption binder for an external PSK or the reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PskKind {
    External,
    Resumption,
}

/// Early Secret = HKDF-Extract(0, PSK).
pub struct EarlySecret(Secret);

impl EarlySecret {
    /// The early secret of a handshake without a PSK (PSK = Hash.length zeros).
    pub fn without_psk(hash: Tls13Hash) -> EarlySecret {
        let zeros = [0u8; crate::crypto::tls13::MAX_HASH_LEN];
        EarlySecret(hkdf_extract(hash, None, &zeros[..hash.output_len()]))
    }

    /// The early secret from a PSK: an external one (its bytes, any length) or a resumption
    /// PSK (`ResumptionPsk::as_secret`).
    pub fn with_psk(hash: Tls13Hash, psk: &[u8]) -> EarlySecret {
        EarlySecret(hkdf_extract(hash, None, psk))
    }

    pub fn with_resumption_psk(psk: &ResumptionPsk) -> EarlySecret {
        EarlySecret::with_psk(psk.0.hash(), psk.0.as_bytes())
    }

    /// binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", "").
    pub fn binder_key(&self, kind: PskKind) -> BinderKey {
        let label: &[u8] = match kind {
            PskKind::External => b"ext binder",
            PskKind::Resumption => b"res binder",
        };
        BinderKey(derive_secret_empty(&self.0, label))
    }

    /// Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).
    pub fn into_handshake_secret(self, shared_secret: &[u8]) -> HandshakeSecret {
        let salt = derive_secret_empty(&self.0, b"derived");
        HandshakeSecret(hkdf_extract(self.0.hash(), Some(&salt), shared_secret))
    }
}

/// The key a PSK binder is computed with (RFC 8446 §4.2.11.2).
pub struct BinderKey(Secret);

impl BinderKey {
    /// The binder: the Finished MAC over the hash of the ClientHello truncated before the
    /// binders list (with any HelloRetryRequest transcript before it).
    pub fn binder(&self, truncated_hello_hash: &[u8]) -> Vec<u8> {
        finished_verify_data(&self.0, truncated_hello_hash)
    }

    /// Constant-time check of a received binder.
    pub fn verify(&self, truncated_hello_hash: &[u8], binder: &[u8]) -> bool {
        verify_finished(&self.0, truncated_hello_hash, binder)
    }
}

/// Handshake Secret: the source of the handshake traffic secrets.
pub struct HandshakeSecret(Secret);

impl HandshakeSecret {
    /// client_handshake_traffic_secret = Derive-Secret(., "c hs traffic",
    /// ClientHello...ServerHello).
    pub fn client_traffic_secret(&self, hello_hash: &[u8]) -> TrafficSecret {
        TrafficSecret(derive_secret(&self.0, b"c hs traffic", hello_hash))
    }

    /// server_handshake_traffic_secret = Derive-Secret(., "s hs traffic",
    /// ClientHello...ServerHello).
    pub fn server_traffic_secret(&self, hello_hash: &[u8]) -> TrafficSecret {
        TrafficSecret(derive_secret(&self.0, b"s hs traffic", hello_hash))
    }

    /// Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0).
    pub fn into_master_secret(self) -> MasterSecret {
        let hash = self.0.hash();
        let salt = derive_secret_empty(&self.0, b"derived");
        let zeros = [0u8; crate::crypto::tls13::MAX_HASH_LEN];
        MasterSecret(hkdf_extract(hash, Some(&salt), &zeros[..hash.output_len()]))
    }
}

/// Master Secret: the source of the application traffic, exporter and resumption secrets.
pub struct MasterSecret(Secret);

impl MasterSecret {
    /// client_application_traffic_secret_0 = Derive-Secret(., "c ap traffic",
    /// ClientHello...server Finished).
    pub fn client_application_traffic_secret(&self, server_finished_hash: &[u8]) -> TrafficSecret {
        TrafficSecret(derive_secret(
            &self.0,
            b"c ap traffic",
            server_finished_hash,
        ))
    }

    /// server_application_traffic_secret_0 = Derive-Secret(., "s ap traffic",
    /// ClientHello...server Finished).
    pub fn server_application_traffic_secret(&self, server_finished_hash: &[u8]) -> TrafficSecret {
        TrafficSecret(derive_secret(
            &self.0,
            b"s ap traffic",
            server_finished_hash,
        ))
    }

    /// exporter_master_secret = Derive-Secret(., "exp master", ClientHello...server Finished).
    pub fn exporter_master_secret(&self, server_finished_hash: &[u8]) -> ExporterMasterSecret {
        ExporterMasterSecret(derive_secret(&self.0, b"exp master", server_finished_hash))
    }

    /// resumption_master_secret = Derive-Secret(., "res master",
    /// ClientHello...client Finished).
    pub fn resumption_master_secret(&self, client_finished_hash: &[u8]) -> ResumptionMasterSecret {
        ResumptionMasterSecret(derive_secret(&self.0, b"res master", client_finished_hash))
    }
}

/// A traffic secret of one direction: handshake or application, any generation.
pub struct TrafficSecret(Secret);

impl TrafficSecret {
    /// The record protection (key and IV, RFC 8446 §7.3) this secret gives for `aead`.
    pub fn record_protection(&self, aead: Tls13Aead) -> RecordProtection {
        RecordProtection::from_traffic_secret(aead, &self.0)
    }

    /// application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
    /// "traffic upd", "", Hash.length) (RFC 8446 §7.2, after a KeyUpdate).
    pub fn next_generation(&self) -> TrafficSecret {
        TrafficSecret(expand_label_secret(&self.0, b"traffic upd", &[]))
    }

    /// The verify_data of the Finished message sent under this (handshake) traffic secret,
    /// over the transcript hash up to and excluding that Finished (RFC 8446 §4.4.4).
    pub fn finished_verify_data(&self, transcript_hash: &[u8]) -> Vec<u8> {
        finished_verify_data(&self.0, transcript_hash)
    }

    /// Constant-time check of a received Finished's verify_data.
    pub fn verify_finished(&self, transcript_hash: &[u8], verify_data: &[u8]) -> bool {
        verify_finished(&self.0, transcript_hash, verify_data)
    }
}

/// exporter_master_secret (RFC 8446 §7.5); kept for the exporter interface.
pub struct ExporterMasterSecret(Secret);

impl ExporterMasterSecret {
    pub fn as_secret(&self) -> &Secret {
        &self.0
    }
}

/// resumption_master_secret: what a connection keeps to turn its tickets into PSKs.
pub struct ResumptionMasterSecret(Secret);

impl ResumptionMasterSecret {
    /// The PSK of the ticket with `ticket_nonce` (RFC 8446 §4.6.1):
    /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
    pub fn ticket_psk(&self, ticket_nonce: &[u8]) -> ResumptionPsk {
        ResumptionPsk(expand_label_secret(&self.0, b"resumption", ticket_nonce))
    }
}

/// The PSK a ticket resumes with.
pub struct ResumptionPsk(Secret);

impl ResumptionPsk {
    pub fn as_secret(&self) -> &Secret {
        &self.0
    }
}

/// The message_hash handshake message that replaces ClientHello1 (the whole handshake
/// message, header included) in the transcript after a HelloRetryRequest (RFC 8446
/// §4.4.1): handshake type message_hash, length Hash.length, then Hash(ClientHello1). The
/// transcript continues with the HelloRetryRequest, ClientHello2, and so on.
pub fn retry_transcript_start(hash: Tls13Hash, client_hello1: &[u8]) -> Vec<u8> {
    message_hash(&hash.digest(client_hello1))
}

#[cfg(test)]
mod tests;
