//! The key container behind `sslKeys_t`: one local identity, trusted CAs.
//!
//! Sessions hold an `Arc<Keys>` snapshot, so a container can be shared by any number of
//! sessions and threads; loading more material into the C handle replaces the snapshot
//! (copy-on-write) and never disturbs a live session.

use std::sync::Arc;

use crate::pki::{Certificate, PrivateKey, PublicKey};

#[derive(Clone, Default)]
pub struct Keys {
    pub identity: Option<Identity>,
    pub ca_certs: Vec<Arc<Certificate>>,
}

/// A certificate chain (leaf first) and the private key of its leaf.
#[derive(Clone)]
pub struct Identity {
    pub chain: Vec<Arc<Certificate>>,
    pub key: Arc<PrivateKey>,
}

impl Keys {
    /// The identity if it can authenticate RSA key exchange (RSA leaf key).
    pub fn rsa_identity(&self) -> Option<&Identity> {
        self.identity
            .as_ref()
            .filter(|id| matches!(*id.key, PrivateKey::Rsa(_)))
    }

    /// PLACEHOLDER until EC identities land.
    pub fn ec_identity(&self) -> Option<&Identity> {
        None
    }

    /// A client may offer RSA suites only with at least one RSA-keyed CA (ABI.md §7.6).
    pub fn has_rsa_ca(&self) -> bool {
        self.ca_certs
            .iter()
            .any(|c| matches!(c.public_key, PublicKey::Rsa(_)))
    }
}
