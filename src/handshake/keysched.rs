//! Master secret, record keys and Finished values (RFC 5246 §6.3, §7.4.9, §8.1;
//! RFC 7627 for the extended master secret).

use zeroize::Zeroizing;

use crate::crypto::cipher::{DirectionKeys, new_decrypter, new_encrypter};
use crate::crypto::hash::{HashAlgorithm, md5_sha1};
use crate::crypto::prf::{PrfAlgorithm, prf};
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

    /// Hash of the transcript as the Finished/EMS computations need it.
    pub fn transcript_hash(&self, transcript: &[u8]) -> Vec<u8> {
        match self.prf() {
            PrfAlgorithm::Tls10 => md5_sha1(transcript).to_vec(),
            PrfAlgorithm::Sha256 => HashAlgorithm::Sha256.digest(transcript),
            PrfAlgorithm::Sha384 => HashAlgorithm::Sha384.digest(transcript),
        }
    }

    pub fn master_secret(
        &self,
        premaster: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        extended: Option<&[u8]>,
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
        match extended {
            Some(transcript) => {
                let session_hash = self.transcript_hash(transcript);
                prf(
                    self.prf(),
                    premaster,
                    b"extended master secret",
                    &[&session_hash],
                    &mut *ms,
                );
            }
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

    /// verify_data of a Finished message over `transcript`.
    pub fn verify_data(&self, master: &[u8; 48], client: bool, transcript: &[u8]) -> Vec<u8> {
        let label: &[u8] = if client {
            b"client finished"
        } else {
            b"server finished"
        };
        #[cfg(feature = "ssl3")]
        if self.is_ssl3() {
            return crate::crypto::ssl3::finished_for_legacy_use_only(master, client, transcript)
                .to_vec();
        }
        let hash = self.transcript_hash(transcript);
        let mut out = vec![0u8; 12];
        prf(self.prf(), master, label, &[&hash], &mut out);
        out
    }
}
