//! The key container behind `sslKeys_t`: up to two local identities (one RSA, one ECDSA),
//! the trusted CAs, the server's DH parameters and the pre-shared keys.
//!
//! Sessions hold an `Arc<Keys>` snapshot, so a container can be shared by any number of
//! sessions and threads; loading more material into the C handle replaces the snapshot
//! (copy-on-write) and never disturbs a live session.
//!
//! Slots (see `load`): the RSA identity (`matrixSslLoadRsaKeys[Mem]`), the EC identity
//! (`matrixSslLoadEcKeys[Mem]`) and the CA list are each filled at most once. The CA list is
//! one slot shared by both loaders: it may mix RSA and ECDSA roots, but is loaded by one
//! call (a second CA load by either loader fails with `PS_UNSUPPORTED_FAIL`, as in 3.3).
//! DH parameters (`pki::dhparams`) are one more slot, filled at most once; PSKs are a list
//! that only grows. PKCS#12 (`pki::pkcs12`) fills the RSA or EC identity slot.

mod load;

use std::sync::{Arc, LazyLock, OnceLock};

use zeroize::Zeroizing;

use crate::crypto::dh::{DhGroup, FFDHE2048};
use crate::crypto::hash::ItemDigest;
use crate::error::PS_ARG_FAIL;
use crate::pki::{Certificate, PrivateKey, PublicKey};

/// `SSL_PSK_MAX_KEY_SIZE` / `SSL_PSK_MAX_ID_SIZE` (ABI.md §3.11).
pub const PSK_MAX_KEY_SIZE: usize = 64;
pub const PSK_MAX_ID_SIZE: usize = 128;

#[derive(Clone, Default)]
pub struct Keys {
    /// Identity whose leaf and key are RSA (the loaders guarantee it).
    pub rsa_identity: Option<Identity>,
    /// Identity whose leaf and key are EC on P-256/P-384 (the loaders guarantee it).
    pub ec_identity: Option<Identity>,
    pub ca_certs: Vec<Arc<Certificate>>,
    /// Server DH group for DHE suites (`matrixSslLoadDhParams[Mem]`); `None` means the
    /// built-in RFC 7919 ffdhe2048 group (see [`Keys::server_dh_group`]).
    pub dh_params: Option<Arc<DhGroup>>,
    /// Pre-shared keys in load order (`matrixSslLoadPsk`).
    pub psks: Vec<Psk>,
    /// [`Keys::context_digest`], computed on first use.
    context_digest: DigestCache,
}

/// A lazily computed digest that a clone does not inherit: the loaders clone a container,
/// change it and publish the clone (copy-on-write), so a copied digest would be stale.
#[derive(Default)]
struct DigestCache(OnceLock<[u8; 32]>);

impl Clone for DigestCache {
    fn clone(&self) -> Self {
        DigestCache::default()
    }
}

/// One pre-shared key and its identity.
#[derive(Clone)]
pub struct Psk {
    /// 1 to [`PSK_MAX_ID_SIZE`] bytes, sent in the clear (ClientKeyExchange).
    pub identity: Vec<u8>,
    /// 1 to [`PSK_MAX_KEY_SIZE`] bytes.
    pub key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Psk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The identity is public; the key never printed.
        f.debug_struct("Psk")
            .field("identity", &String::from_utf8_lossy(&self.identity))
            .field("key_len", &self.key.len())
            .finish()
    }
}

/// The built-in RFC 7919 groups by supported_groups codepoint: ffdhe2048 is the server's
/// default, the others serve clients that name them.
static FFDHE_GROUPS: LazyLock<Vec<(u16, Arc<DhGroup>)>> = LazyLock::new(|| {
    crate::crypto::dh::ffdhe_ids()
        .filter_map(|id| Some((id, Arc::new(DhGroup::ffdhe(id)?))))
        .collect()
});

/// The RFC 7919 group with supported_groups codepoint `id`, if it names one.
pub fn ffdhe_group(id: u16) -> Option<Arc<DhGroup>> {
    FFDHE_GROUPS
        .iter()
        .find(|(named, _)| *named == id)
        .map(|(_, group)| Arc::clone(group))
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

    /// The group a DHE server uses: the loaded parameters, else RFC 7919 ffdhe2048.
    pub fn server_dh_group(&self) -> Arc<DhGroup> {
        self.dh_params
            .clone()
            .unwrap_or_else(|| ffdhe_group(FFDHE2048).expect("ffdhe2048 is built in"))
    }

    /// `matrixSslLoadPsk`: appends a copy of (`key`, `id`). `PS_ARG_FAIL` unless
    /// 1 ≤ key length ≤ 64 and 1 ≤ identity length ≤ 128 (ABI.md §3.11). Identities need not
    /// be unique; a lookup finds the first one loaded.
    pub fn add_psk(&mut self, key: &[u8], id: &[u8]) -> Result<(), i32> {
        if !(1..=PSK_MAX_KEY_SIZE).contains(&key.len())
            || !(1..=PSK_MAX_ID_SIZE).contains(&id.len())
        {
            return Err(PS_ARG_FAIL);
        }
        self.psks.push(Psk {
            identity: id.to_vec(),
            key: Zeroizing::new(key.to_vec()),
        });
        Ok(())
    }

    /// The server's lookup by the identity a client sent (first match in load order).
    /// Identities are public, so the comparison need not be constant-time.
    pub fn psk_for_identity(&self, id: &[u8]) -> Option<&Psk> {
        self.psks.iter().find(|p| p.identity == id)
    }

    /// The key a client uses: the first one loaded.
    pub fn first_psk(&self) -> Option<&Psk> {
        self.psks.first()
    }

    /// An identity of everything in this container that authenticates a session: our own
    /// certificate chains, the CAs that verify the peer, and the pre-shared keys. A cached
    /// session records it and is resumed only under a container with the same digest, so a
    /// session authenticated under one listener's trust settings is never resumed under
    /// another's (the DH parameters do not authenticate anything and are left out).
    /// Two containers loaded with the same material have the same digest.
    pub fn context_digest(&self) -> [u8; 32] {
        *self.context_digest.0.get_or_init(|| {
            let mut digest = ItemDigest::new(b"key container");
            for (tag, identity) in [(1, &self.rsa_identity), (2, &self.ec_identity)] {
                for cert in identity.iter().flat_map(|id| &id.chain) {
                    digest.item(tag, &cert.der);
                }
            }
            for ca in &self.ca_certs {
                digest.item(3, &ca.der);
            }
            for psk in &self.psks {
                digest.item(4, &psk.identity);
                digest.item(5, &psk.key);
            }
            digest.finish()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psks_in_load_order_with_limits() {
        let mut keys = Keys::default();
        assert!(keys.first_psk().is_none());
        assert!(keys.psk_for_identity(b"a").is_none());
        keys.add_psk(&[1; 16], b"alice").unwrap();
        keys.add_psk(&[2; 64], &[b'b'; 128]).unwrap();
        keys.add_psk(&[3; 1], b"alice").unwrap();
        assert_eq!(keys.psks.len(), 3);
        assert_eq!(keys.first_psk().unwrap().identity, b"alice");
        assert_eq!(
            keys.psk_for_identity(b"alice").unwrap().key.as_slice(),
            &[1; 16]
        );
        assert_eq!(
            keys.psk_for_identity(&[b'b'; 128]).unwrap().key.as_slice(),
            &[2; 64]
        );
        assert!(keys.psk_for_identity(b"alic").is_none());
        assert!(keys.psk_for_identity(b"").is_none());
        for (k, id) in [
            (&[][..], &b"x"[..]),
            (&[0; 65][..], &b"x"[..]),
            (&[0; 16][..], &[][..]),
            (&[0; 16][..], &[b'x'; 129][..]),
        ] {
            assert_eq!(keys.add_psk(k, id), Err(PS_ARG_FAIL));
        }
        assert_eq!(keys.psks.len(), 3);
        // Clones share nothing mutable; the key is not in the Debug output.
        let copy = keys.clone();
        assert_eq!(copy.psks.len(), 3);
        let dbg = format!("{:?}", copy.psks[0]);
        assert!(dbg.contains("alice") && dbg.contains("key_len: 16"));
    }

    #[test]
    fn context_digest_follows_the_authenticating_contents() {
        let mut a = Keys::default();
        a.add_psk(&[1; 16], b"alice").unwrap();
        let empty = Keys::default().context_digest();
        let first = a.context_digest();
        assert_ne!(first, empty);
        // Same material loaded into another container: same digest.
        let mut b = Keys::default();
        b.add_psk(&[1; 16], b"alice").unwrap();
        assert_eq!(b.context_digest(), first);
        // Copy-on-write: a changed clone gets a new digest, the original keeps its own.
        let mut c = a.clone();
        c.add_psk(&[2; 16], b"bob").unwrap();
        assert_ne!(c.context_digest(), first);
        assert_eq!(a.context_digest(), first);
        // Another key under the same identity is another context.
        let mut d = Keys::default();
        d.add_psk(&[9; 16], b"alice").unwrap();
        assert_ne!(d.context_digest(), first);
        // DH parameters do not authenticate: no change.
        let mut e = b.clone();
        e.dh_params = Some(Arc::new(DhGroup::ffdhe2048()));
        assert_eq!(e.context_digest(), first);
    }

    #[test]
    fn default_dh_group_is_ffdhe2048() {
        let keys = Keys::default();
        assert!(keys.dh_params.is_none());
        let g = keys.server_dh_group();
        assert_eq!(*g, DhGroup::ffdhe2048());
        assert!(Arc::ptr_eq(&g, &keys.server_dh_group()));
    }
}
