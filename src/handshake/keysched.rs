//! Master secret, record keys and Finished values (RFC 5246 §6.3, §7.4.9, §8.1;
//! RFC 7627 for the extended master secret).

use zeroize::Zeroizing;

use super::transcript::Transcript;
use crate::crypto::cipher::{DirectionKeys, new_decrypter, new_encrypter};
use crate::crypto::hash::{HashAlgorithm, md5_sha1};
use crate::crypto::prf::{PrfAlgorithm, prf};
use crate::error::Fatal;
use crate::record::RecordLayer;
use crate::suites::CipherSuite;

/// The suite and version a handshake settled on, which fix every derivation.
#[derive(Clone, Copy)]
pub struct KeySchedule {
    pub suite: &'static CipherSuite,
    pub version: u16,
}

impl KeySchedule {
    fn prf(&self) -> PrfAlgorithm {
        self.suite.prf_for(self.version)
    }

    /// SSL 3.0 derives everything from MD5/SHA-1 constructions of its own (RFC 6101).
    fn is_ssl3(&self) -> bool {
        cfg!(feature = "ssl3") && self.version == crate::suites::SSL3
    }

    /// The hashes the PRF takes of the transcript (session hash, Finished): MD5 and SHA-1
    /// before TLS 1.2 (SSL 3.0's Finished too), the suite's PRF hash in TLS 1.2.
    pub fn transcript_algorithms(&self) -> &'static [HashAlgorithm] {
        match self.prf() {
            PrfAlgorithm::Tls10 => &[HashAlgorithm::Md5, HashAlgorithm::Sha1],
            PrfAlgorithm::Sha256 => &[HashAlgorithm::Sha256],
            PrfAlgorithm::Sha384 => &[HashAlgorithm::Sha384],
        }
    }

    /// The handshake hash of the messages so far, as the Finished and the extended master
    /// secret's session hash take it.
    pub fn handshake_hash(&self, transcript: &Transcript) -> Result<Vec<u8>, Fatal> {
        match self.prf() {
            PrfAlgorithm::Tls10 => Ok(transcript.md5_sha1()?.to_vec()),
            PrfAlgorithm::Sha256 => transcript.digest(HashAlgorithm::Sha256),
            PrfAlgorithm::Sha384 => transcript.digest(HashAlgorithm::Sha384),
        }
    }

    /// [`Self::handshake_hash`] of a transcript held as its bytes (by peers that keep it
    /// whole, such as the hand-built ones of the integration tests).
    pub fn transcript_hash(&self, transcript: &[u8]) -> Vec<u8> {
        match self.prf() {
            PrfAlgorithm::Tls10 => md5_sha1(transcript).to_vec(),
            PrfAlgorithm::Sha256 => HashAlgorithm::Sha256.digest(transcript),
            PrfAlgorithm::Sha384 => HashAlgorithm::Sha384.digest(transcript),
        }
    }

    /// The master secret; with RFC 7627's extended master secret, `session_hash` is the
    /// handshake hash through the ClientKeyExchange.
    pub fn master_secret(
        &self,
        premaster: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        session_hash: Option<&[u8]>,
    ) -> Zeroizing<[u8; 48]> {
        #[cfg(feature = "ssl3")]
        if self.is_ssl3() {
            return crate::crypto::ssl3::master_secret_for_legacy_use_only(
                premaster,
                client_random,
                server_random,
            );
        }
        let mut ms = Zeroizing::new([0u8; 48]);
        match session_hash {
            Some(session_hash) => prf(
                self.prf(),
                premaster,
                b"extended master secret",
                &[session_hash],
                &mut *ms,
            ),
            None => prf(
                self.prf(),
                premaster,
                b"master secret",
                &[client_random, server_random],
                &mut *ms,
            ),
        }
        ms
    }

    /// Derives both directions' keys and installs them as pending in the record layer.
    pub fn install_pending_keys(
        &self,
        record: &mut RecordLayer,
        master: &[u8; 48],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        is_client: bool,
    ) {
        let suite = self.suite;
        let mac_len = suite.mac.len();
        let key_len = suite.bulk.key_len();
        let iv_len = suite.bulk.key_block_iv_len();
        let mut block = Zeroizing::new(vec![0u8; 2 * (mac_len + key_len + iv_len)]);
        if self.is_ssl3() {
            #[cfg(feature = "ssl3")]
            crate::crypto::ssl3::key_block_for_legacy_use_only(
                master,
                client_random,
                server_random,
                &mut block,
            );
        } else {
            prf(
                self.prf(),
                master,
                b"key expansion",
                &[server_random, client_random],
                &mut block,
            );
        }
        let (client_mac, rest) = block.split_at(mac_len);
        let (server_mac, rest) = rest.split_at(mac_len);
        let (client_key, rest) = rest.split_at(key_len);
        let (server_key, rest) = rest.split_at(key_len);
        let (client_iv, server_iv) = rest.split_at(iv_len);
        let client = DirectionKeys {
            mac_key: client_mac,
            enc_key: client_key,
            iv: client_iv,
        };
        let server = DirectionKeys {
            mac_key: server_mac,
            enc_key: server_key,
            iv: server_iv,
        };
        let (mine, theirs) = if is_client {
            (client, server)
        } else {
            (server, client)
        };
        record.set_pending(
            new_encrypter(suite.bulk, suite.mac, self.version, &mine),
            new_decrypter(suite.bulk, suite.mac, self.version, &theirs),
        );
    }

    /// verify_data of our (`client` = we are the client) or the peer's Finished over the
    /// messages so far.
    pub fn finished(
        &self,
        master: &[u8; 48],
        client: bool,
        transcript: &Transcript,
    ) -> Result<Vec<u8>, Fatal> {
        #[cfg(feature = "ssl3")]
        if self.is_ssl3() {
            let ssl3 = match (
                transcript.context(HashAlgorithm::Md5),
                transcript.context(HashAlgorithm::Sha1),
                transcript.messages(),
            ) {
                (Some(md5), Some(sha1), _) => {
                    crate::crypto::ssl3::finished_from_hashes_for_legacy_use_only(
                        master, client, md5, sha1,
                    )
                }
                // Before hashing starts, the messages are still there.
                (_, _, Some(messages)) => {
                    crate::crypto::ssl3::finished_for_legacy_use_only(master, client, messages)
                }
                _ => return Err(Fatal::internal("SSL 3.0 transcript hashes not kept")),
            };
            return Ok(ssl3.to_vec());
        }
        let hash = self.handshake_hash(transcript)?;
        Ok(self.finished_from_hash(master, client, &hash))
    }

    /// verify_data of a Finished message over `transcript` held as its bytes (see
    /// [`Self::transcript_hash`]).
    pub fn verify_data(&self, master: &[u8; 48], client: bool, transcript: &[u8]) -> Vec<u8> {
        #[cfg(feature = "ssl3")]
        if self.is_ssl3() {
            return crate::crypto::ssl3::finished_for_legacy_use_only(master, client, transcript)
                .to_vec();
        }
        self.finished_from_hash(master, client, &self.transcript_hash(transcript))
    }

    /// TLS verify_data (RFC 5246 §7.4.9): PRF(master, label, handshake hash), 12 bytes.
    fn finished_from_hash(&self, master: &[u8; 48], client: bool, hash: &[u8]) -> Vec<u8> {
        let label: &[u8] = if client {
            b"client finished"
        } else {
            b"server finished"
        };
        let mut out = vec![0u8; 12];
        prf(self.prf(), master, label, &[hash], &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suites::{self, SSL3, TLS1_0, TLS1_1, TLS1_2};

    /// Every version and PRF hash: the transcript's running hashes give the same session
    /// hash and Finished values as hashing the concatenated messages at once.
    #[test]
    fn running_transcript_matches_the_whole_messages() {
        // TLS_RSA_WITH_AES_128_CBC_SHA (SHA-256 PRF in TLS 1.2) and
        // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (SHA-384 PRF).
        let sha256_suite = suites::by_id(0x002f).unwrap();
        let sha384_suite = suites::by_id(0xc030).unwrap();
        let mut cases = vec![
            (sha256_suite, TLS1_0),
            (sha256_suite, TLS1_1),
            (sha256_suite, TLS1_2),
            (sha384_suite, TLS1_2),
        ];
        if cfg!(feature = "ssl3") {
            cases.push((sha256_suite, SSL3));
        }
        let master = [7u8; 48];
        let messages: [&[u8]; 3] = [&[1; 90], &[2; 300], &[3; 17]];
        for (suite, version) in cases {
            let ks = KeySchedule { suite, version };
            let mut transcript = Transcript::new();
            let mut whole = Vec::new();
            for (i, m) in messages.iter().enumerate() {
                if i == 1 {
                    transcript.start_hashing(ks.transcript_algorithms(), false);
                }
                transcript.add(m);
                whole.extend_from_slice(m);
                assert_eq!(
                    ks.handshake_hash(&transcript).unwrap(),
                    ks.transcript_hash(&whole)
                );
                for client in [true, false] {
                    assert_eq!(
                        ks.finished(&master, client, &transcript).unwrap(),
                        ks.verify_data(&master, client, &whole),
                        "{:04x} {version:04x}",
                        suite.id
                    );
                }
            }
            assert!(transcript.messages().is_none());
        }
    }
}
