//! Server handshake states (RSA key exchange; full and resumed handshakes).

use zeroize::Zeroizing;

use super::{Callbacks, Core, Established, Input, KeySchedule, Next, State, check_finished};
use crate::crypto::rng;
use crate::error::{Fatal, alert};
use crate::msgs::{self, ClientHello, ext, find_ext, hs};
use crate::pki::PrivateKey;
use crate::session_cache::{self, CachedSession};
use crate::suites::{self, CipherSuite, MIN_VERSION, TLS_EMPTY_RENEGOTIATION_INFO_SCSV};

/// Per-session restrictions set through the API before the ClientHello arrives.
#[derive(Clone)]
pub struct ServerOptions {
    pub disabled_suites: Vec<u16>,
    /// Highest version this session negotiates.
    pub max_version: u16,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions { disabled_suites: Vec::new(), max_version: suites::configured_max_version() }
    }
}

/// What the server carries from ClientHello to the end of the handshake.
struct Params {
    ks: KeySchedule,
    client_random: [u8; 32],
    server_random: [u8; 32],
    client_version: u16,
    session_id: Vec<u8>,
    extended_master_secret: bool,
}

pub struct ExpectClientHello;

fn server_random() -> Result<[u8; 32], Fatal> {
    let mut random: [u8; 32] = rng::random_array().map_err(|_| Fatal::INTERNAL)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32);
    random[..4].copy_from_slice(&now.to_be_bytes());
    Ok(random)
}

fn choose_suite(core: &Core, offered: &[u16], version: u16) -> Option<&'static CipherSuite> {
    let options = &core.server_options;
    let can_authenticate = core.keys.rsa_identity().is_some();
    suites::ALL.iter().find(|s| {
        offered.contains(&s.id)
            && suites::globally_enabled(s.id)
            && !options.disabled_suites.contains(&s.id)
            && s.usable_with(version)
            && can_authenticate
    })
}

impl State for ExpectClientHello {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let Input::Handshake(m) = input else { return Err(Fatal::UNEXPECTED) };
        if m.typ != hs::CLIENT_HELLO {
            return Err(Fatal::UNEXPECTED);
        }
        let ch = ClientHello::parse(m.body)?;
        if ch.version < MIN_VERSION {
            return Err(Fatal(alert::PROTOCOL_VERSION));
        }
        let version = ch.version.min(core.server_options.max_version);
        // RFC 7507: a client that retried with a lower version than we support is being
        // downgraded by an attacker.
        if ch.suites.contains(&suites::TLS_FALLBACK_SCSV) && version < core.server_options.max_version {
            return Err(Fatal(alert::INAPPROPRIATE_FALLBACK));
        }
        if !ch.compressions.contains(&0) {
            return Err(Fatal::ILLEGAL);
        }
        let reneg_ext = find_ext(&ch.extensions, ext::RENEGOTIATION_INFO);
        if reneg_ext.is_some_and(|body| body != [0]) {
            return Err(Fatal::HANDSHAKE);
        }
        let secure_renegotiation =
            reneg_ext.is_some() || ch.suites.contains(&TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        let ems = match find_ext(&ch.extensions, ext::EXTENDED_MASTER_SECRET) {
            Some([]) => true,
            Some(_) => return Err(Fatal::DECODE),
            None => false,
        };

        let resumable = session_cache::lookup(ch.session_id).filter(|cached| {
            cached.version == version
                && ch.suites.contains(&cached.suite)
                && suites::globally_enabled(cached.suite)
                && !core.server_options.disabled_suites.contains(&cached.suite)
                && cached.extended_master_secret == ems
        });

        let (suite, session_id) = match &resumable {
            Some(cached) => (suites::by_id(cached.suite).ok_or(Fatal::INTERNAL)?, cached.id.to_vec()),
            None => {
                let suite = choose_suite(core, &ch.suites, version)
                    .ok_or(Fatal::HANDSHAKE)?;
                let id: [u8; 32] = rng::random_array().map_err(|_| Fatal::INTERNAL)?;
                (suite, id.to_vec())
            }
        };
        core.transcript.extend_from_slice(m.raw);
        let params = Params {
            ks: KeySchedule { suite, version },
            client_random: ch.random,
            server_random: server_random()?,
            client_version: ch.version,
            session_id,
            extended_master_secret: ems,
        };

        let mut extensions = Vec::new();
        if secure_renegotiation {
            extensions.push((ext::RENEGOTIATION_INFO, msgs::renegotiation_info_body(&[])));
        }
        if ems {
            extensions.push((ext::EXTENDED_MASTER_SECRET, Vec::new()));
        }
        let hello = msgs::encode_server_hello(
            version,
            &params.server_random,
            &params.session_id,
            suite.id,
            &extensions,
        );
        core.record.write_version = version;
        core.record.expected_read_version = Some(version);
        core.send_handshake(hs::SERVER_HELLO, &hello);
        core.negotiated.secure_renegotiation = secure_renegotiation;

        match resumable {
            Some(cached) => {
                let master = cached.master_secret;
                params.ks.install_pending_keys(
                    &mut core.record,
                    &master,
                    &params.client_random,
                    &params.server_random,
                    false,
                );
                core.send_change_cipher_spec()?;
                let verify = params.ks.verify_data(&master, false, &core.transcript);
                core.send_handshake(hs::FINISHED, &verify);
                core.negotiated.server_verify_data = verify;
                Ok(Box::new(ExpectChangeCipherSpec { params, master, resumed: true }))
            }
            None => {
                let identity = core.keys.rsa_identity().ok_or(Fatal::HANDSHAKE)?;
                let chain = msgs::encode_certificate_list(identity.chain.iter().map(|c| &c.der[..]));
                core.send_handshake(hs::CERTIFICATE, &chain);
                core.send_handshake(hs::SERVER_HELLO_DONE, &[]);
                Ok(Box::new(ExpectClientKeyExchange { params }))
            }
        }
    }
}

struct ExpectClientKeyExchange {
    params: Params,
}

impl State for ExpectClientKeyExchange {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let Input::Handshake(m) = input else { return Err(Fatal::UNEXPECTED) };
        if m.typ != hs::CLIENT_KEY_EXCHANGE {
            return Err(Fatal::UNEXPECTED);
        }
        let ciphertext = msgs::parse_rsa_client_key_exchange(m.body)?;
        core.transcript.extend_from_slice(m.raw);
        let identity = core.keys.rsa_identity().ok_or(Fatal::INTERNAL)?;
        #[allow(irrefutable_let_patterns)] // more key types arrive with ECDHE suites
        let PrivateKey::Rsa(key) = &*identity.key else { return Err(Fatal::INTERNAL) };
        // RFC 5246 §7.4.7.1: a bad premaster is replaced by a random one, in constant time,
        // so the failure only shows up as a Finished mismatch.
        let premaster: Zeroizing<[u8; 48]> =
            key.decrypt_premaster(ciphertext, self.params.client_version);
        let p = &self.params;
        let master = p.ks.master_secret(
            &*premaster,
            &p.client_random,
            &p.server_random,
            p.extended_master_secret.then_some(&core.transcript[..]),
        );
        p.ks.install_pending_keys(&mut core.record, &master, &p.client_random, &p.server_random, false);
        Ok(Box::new(ExpectChangeCipherSpec { params: self.params, master, resumed: false }))
    }
}

struct ExpectChangeCipherSpec {
    params: Params,
    master: Zeroizing<[u8; 48]>,
    resumed: bool,
}

impl State for ExpectChangeCipherSpec {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let Input::ChangeCipherSpec = input else { return Err(Fatal::UNEXPECTED) };
        core.record.activate_read()?;
        Ok(Box::new(ExpectFinished { params: self.params, master: self.master, resumed: self.resumed }))
    }
}

struct ExpectFinished {
    params: Params,
    master: Zeroizing<[u8; 48]>,
    resumed: bool,
}

impl State for ExpectFinished {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let Input::Handshake(m) = input else { return Err(Fatal::UNEXPECTED) };
        if m.typ != hs::FINISHED {
            return Err(Fatal::UNEXPECTED);
        }
        let p = &self.params;
        let expected = p.ks.verify_data(&self.master, true, &core.transcript);
        check_finished(&expected, m.body)?;
        core.transcript.extend_from_slice(m.raw);
        core.negotiated.client_verify_data = expected;
        if !self.resumed {
            core.send_change_cipher_spec()?;
            let verify = p.ks.verify_data(&self.master, false, &core.transcript);
            core.send_handshake(hs::FINISHED, &verify);
            core.negotiated.server_verify_data = verify;
            if let Ok(id) = <[u8; 32]>::try_from(&p.session_id[..]) {
                session_cache::insert(CachedSession {
                    id,
                    master_secret: self.master.clone(),
                    suite: p.ks.suite.id,
                    version: p.ks.version,
                    extended_master_secret: p.extended_master_secret,
                });
            }
        }
        let n = &mut core.negotiated;
        n.version = p.ks.version;
        n.suite = Some(p.ks.suite);
        n.session_id = p.session_id.clone();
        n.master_secret = self.master.clone();
        n.resumed = self.resumed;
        n.extended_master_secret = p.extended_master_secret;
        core.transcript.clear();
        Ok(Box::new(Established { is_client: false }))
    }
}
