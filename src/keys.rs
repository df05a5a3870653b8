//! The key container behind `sslKeys_t`: up to two local identities (one RSA, one ECDSA)
//! and the trusted CAs.
//!
//! Sessions hold an `Arc<Keys>` snapshot, so a container can be shared by any number of
//! sessions and threads; loading more material into the C handle replaces the snapshot
//! (copy-on-write) and never disturbs a live session.
//!
//! Slots (see `pki::load`): the RSA identity (`matrixSslLoadRsaKeys[Mem]`), the EC identity
//! (`matrixSslLoadEcKeys[Mem]`) and the CA list are each filled at most once. The CA list is
//! one slot shared by both loaders: it may mix RSA and ECDSA roots, but is loaded by one
//! call (a second CA load by either loader fails with `PS_UNSUPPORTED_FAIL`, as in 3.3).

use std::sync::Arc;

use crate::pki::{Certificate, PrivateKey, PublicKey};

#[derive(Clone, Default)]
pub struct Keys {
    /// Identity whose leaf and key are RSA (the loaders guarantee it).
    pub rsa_identity: Option<Identity>,
    /// Identity whose leaf and key are EC on P-256/P-384 (the loaders guarantee it).
    pub ec_identity: Option<Identity>,
    pub ca_certs: Vec<Arc<Certificate>>,
}

/// A certificate chain (leaf first) and the private key of its leaf.
#[derive(Clone)]
pub struct Identity {
    pub chain: Vec<Arc<Certificate>>,
    pub key: Arc<PrivateKey>,
}

impl Keys {
    /// The identity for RSA authentication (RSA key exchange, ECDHE_RSA, RSA client
    /// certificates).
    pub fn rsa_identity(&self) -> Option<&Identity> {
        self.rsa_identity.as_ref()
    }

    /// The identity for ECDSA authentication (ECDHE_ECDSA, ECDSA client certificates).
    pub fn ec_identity(&self) -> Option<&Identity> {
        self.ec_identity.as_ref()
    }

    /// The identity a single-identity view shows: RSA if loaded, else EC (the C view
    /// `keys->cert` / `keys->privKey`).
    pub fn primary_identity(&self) -> Option<&Identity> {
        self.rsa_identity().or(self.ec_identity())
    }

    /// A client may offer RSA suites only with at least one RSA-keyed CA (ABI.md §7.6).
    pub fn has_rsa_ca(&self) -> bool {
        self.ca_certs
            .iter()
            .any(|c| matches!(c.public_key, PublicKey::Rsa(_)))
    }

    /// At least one CA with an EC public key (the ECDSA counterpart of [`Keys::has_rsa_ca`]).
    pub fn has_ec_ca(&self) -> bool {
        self.ca_certs
            .iter()
            .any(|c| matches!(c.public_key, PublicKey::Ec { .. }))
    }

    /// At least one CA of any kind. An ECDSA server chain may end at an RSA root and the
    /// reverse, so a client that can verify ECDSA signatures may want only this.
    pub fn has_ca(&self) -> bool {
        !self.ca_certs.is_empty()
    }
}
