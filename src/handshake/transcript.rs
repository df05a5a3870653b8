//! The handshake transcript: what the Finished messages, the extended master secret and
//! CertificateVerify are computed over (RFC 5246 §7.4.8, §7.4.9; RFC 7627 §3).
//!
//! Nobody needs the messages themselves for long, only hashes of them, and which hashes is
//! known once the ServerHello fixes version and suite. So the transcript keeps:
//!
//! * from the first message until [`Transcript::start_hashing`] (called right after the
//!   ServerHello): the messages (ClientHello and ServerHello only);
//! * from then on: a running context per hash the rest of the handshake needs (the PRF's
//!   handshake hash for the session hash and Finished: MD5 and SHA-1 before TLS 1.2, which
//!   SSL 3.0's Finished construction continues from as well; SHA-256 or SHA-384 in TLS
//!   1.2). "The hash so far" is a copy of the context, finished;
//! * while a CertificateVerify can still be received or sent, what its signature needs in
//!   addition: a server that requests a client certificate in TLS 1.2 keeps a context per
//!   hash of the schemes it advertised (the client picks one; we learn which only from the
//!   CertificateVerify); a TLS 1.2 client that may answer a CertificateRequest keeps the
//!   hashes its keys sign with, or the messages themselves when it holds an ECDSA key
//!   (ring signs ECDSA with the curve's own hash only over the whole message). Before
//!   TLS 1.2 the signature covers MD5‖SHA-1 (or SHA-1), which the PRF contexts provide.
//!   [`Transcript::keep_only`] drops these as soon as no CertificateVerify can come or be
//!   sent any more.

use crate::crypto::hash::{HashAlgorithm, HashContext};
use crate::error::Fatal;

/// Every connection holds one, established ones included (empty, until a renegotiation),
/// so its parts are boxed and allocated at the first message: an idle session pays one
/// pointer instead of two vectors.
#[derive(Clone, Default)]
pub struct Transcript {
    /// `None`: nothing added yet, messages still buffered (the state `new` describes).
    parts: Option<Box<Parts>>,
}

#[derive(Clone)]
struct Parts {
    /// The messages, kept until the hashes are known, then only for a signature that needs
    /// them whole.
    messages: Option<Vec<u8>>,
    /// One running context per algorithm; empty until `start_hashing`.
    hashes: Vec<HashContext>,
}

impl Transcript {
    /// An empty transcript, buffering until the hashes are known.
    pub fn new() -> Self {
        Transcript { parts: None }
    }

    fn parts_mut(&mut self) -> &mut Parts {
        self.parts.get_or_insert_with(|| {
            Box::new(Parts {
                messages: Some(Vec::new()),
                hashes: Vec::new(),
            })
        })
    }

    fn hashes(&self) -> &[HashContext] {
        self.parts.as_ref().map_or(&[], |p| &p.hashes)
    }

    /// Adds one handshake message (header included).
    pub fn add(&mut self, message: &[u8]) {
        let parts = self.parts_mut();
        for h in &mut parts.hashes {
            h.update(message);
        }
        if let Some(messages) = &mut parts.messages {
            messages.extend_from_slice(message);
        }
    }

    /// From now on keeps a running hash for each of `algorithms` (over everything added so
    /// far), and the messages themselves only if `keep_messages`.
    pub fn start_hashing(&mut self, algorithms: &[HashAlgorithm], keep_messages: bool) {
        let parts = self.parts_mut();
        // Exactly the contexts asked for: a context is about 230 bytes, and a first push
        // would make room for four.
        parts.hashes.reserve_exact(algorithms.len());
        for &alg in algorithms {
            if !parts.hashes.iter().any(|h| h.algorithm() == alg) {
                let mut ctx = HashContext::new(alg);
                ctx.update(parts.messages.as_deref().unwrap_or_default());
                parts.hashes.push(ctx);
            }
        }
        if !keep_messages {
            parts.messages = None;
        }
    }

    /// Keeps the running hashes of `algorithms` only, and no messages: for when nothing
    /// but the PRF's hashes will be asked for any more.
    pub fn keep_only(&mut self, algorithms: &[HashAlgorithm]) {
        let parts = self.parts_mut();
        parts.hashes.retain(|h| algorithms.contains(&h.algorithm()));
        parts.messages = None;
    }

    /// The running context of `alg`, if kept.
    pub fn context(&self, alg: HashAlgorithm) -> Option<&HashContext> {
        self.hashes().iter().find(|h| h.algorithm() == alg)
    }

    /// The messages so far, if still kept.
    pub fn messages(&self) -> Option<&[u8]> {
        match &self.parts {
            None => Some(&[]),
            Some(parts) => parts.messages.as_deref(),
        }
    }

    /// The `alg` digest of the messages so far. Asking for a hash that was not kept is a
    /// bug in the handshake's bookkeeping: internal_error rather than a wrong value.
    pub fn digest(&self, alg: HashAlgorithm) -> Result<Vec<u8>, Fatal> {
        if let Some(ctx) = self.context(alg) {
            return Ok(ctx.digest_so_far());
        }
        match self.messages() {
            Some(messages) => Ok(alg.digest(messages)),
            None => Err(Fatal::internal("transcript hash not kept")),
        }
    }

    /// The `alg` digest of the messages so far followed by `next`, leaving the transcript
    /// as it is: the hash a message we can predict will make (a TLS 1.3 server that does
    /// not authenticate the client knows its Finished in advance).
    pub fn digest_with(&self, alg: HashAlgorithm, next: &[u8]) -> Result<Vec<u8>, Fatal> {
        if let Some(ctx) = self.context(alg) {
            let mut ctx = ctx.clone();
            ctx.update(next);
            return Ok(ctx.finish());
        }
        match self.messages() {
            Some(messages) => Ok(alg.digest(&[messages, next].concat())),
            None => Err(Fatal::internal("transcript hash not kept")),
        }
    }

    /// MD5(messages) ‖ SHA-1(messages): TLS 1.0/1.1's handshake hash and what their
    /// signatures cover.
    pub fn md5_sha1(&self) -> Result<[u8; 36], Fatal> {
        let mut out = [0u8; 36];
        out[..16].copy_from_slice(&self.digest(HashAlgorithm::Md5)?);
        out[16..].copy_from_slice(&self.digest(HashAlgorithm::Sha1)?);
        Ok(out)
    }

    /// Length of the kept messages, for tests of when they are dropped.
    #[cfg(test)]
    fn kept_messages_len(&self) -> Option<usize> {
        self.messages().map(<[u8]>::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hash::md5_sha1;

    const ALL: [HashAlgorithm; 5] = [
        HashAlgorithm::Md5,
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];

    /// Messages of varied lengths, some crossing hash block boundaries.
    fn messages() -> Vec<Vec<u8>> {
        [4usize, 70, 1, 200, 129, 64]
            .iter()
            .enumerate()
            .map(|(i, &len)| (0..len).map(|j| (i * 31 + j) as u8).collect())
            .collect()
    }

    #[test]
    fn every_hash_equals_the_one_shot_hash_of_the_concatenation() {
        let msgs = messages();
        // Hashing starts after each possible number of messages (after the ServerHello in
        // the handshake, but the construction must not depend on where).
        for start in 0..=msgs.len() {
            let mut t = Transcript::new();
            let mut all = Vec::new();
            for (i, m) in msgs.iter().enumerate() {
                if i == start {
                    t.start_hashing(&ALL, false);
                }
                t.add(m);
                all.extend_from_slice(m);
                for alg in ALL {
                    assert_eq!(t.digest(alg).unwrap(), alg.digest(&all), "{alg:?} {start}");
                }
                assert_eq!(t.md5_sha1().unwrap(), md5_sha1(&all));
            }
        }
    }

    #[test]
    fn messages_are_dropped_once_hashing_starts_unless_asked_to_keep_them() {
        let mut t = Transcript::new();
        t.add(b"client hello");
        t.add(b"server hello");
        assert_eq!(t.kept_messages_len(), Some(24));
        t.start_hashing(&[HashAlgorithm::Sha256], false);
        assert_eq!(t.kept_messages_len(), None);
        assert!(t.messages().is_none());
        t.add(b"certificate");
        assert_eq!(
            t.digest(HashAlgorithm::Sha256).unwrap(),
            HashAlgorithm::Sha256.digest(b"client helloserver hellocertificate")
        );
        // A hash that was not kept cannot be made up any more.
        assert!(t.digest(HashAlgorithm::Sha384).is_err());
        assert!(t.md5_sha1().is_err());
    }

    #[test]
    fn kept_messages_serve_any_hash_until_keep_only() {
        let mut t = Transcript::new();
        t.add(b"hello");
        t.start_hashing(&[HashAlgorithm::Sha256, HashAlgorithm::Sha1], true);
        t.add(b" world");
        assert_eq!(t.messages(), Some(&b"hello world"[..]));
        assert_eq!(
            t.digest(HashAlgorithm::Sha512).unwrap(),
            HashAlgorithm::Sha512.digest(b"hello world")
        );
        t.keep_only(&[HashAlgorithm::Sha256]);
        assert!(t.messages().is_none());
        assert!(t.context(HashAlgorithm::Sha1).is_none());
        assert!(t.digest(HashAlgorithm::Sha1).is_err());
        assert!(t.digest(HashAlgorithm::Sha512).is_err());
        t.add(b"!");
        assert_eq!(
            t.digest(HashAlgorithm::Sha256).unwrap(),
            HashAlgorithm::Sha256.digest(b"hello world!")
        );
    }

    #[test]
    fn a_digest_leaves_the_running_hash_unchanged() {
        let mut t = Transcript::new();
        t.start_hashing(&[HashAlgorithm::Sha384], false);
        t.add(b"abc");
        let first = t.digest(HashAlgorithm::Sha384).unwrap();
        assert_eq!(t.digest(HashAlgorithm::Sha384).unwrap(), first);
        t.add(b"def");
        assert_eq!(
            t.digest(HashAlgorithm::Sha384).unwrap(),
            HashAlgorithm::Sha384.digest(b"abcdef")
        );
    }
}
