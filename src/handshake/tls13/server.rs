//! TLS 1.3 server (RFC 8446 §2): from a ClientHello whose supported_versions offers TLS 1.3
//! (with a HelloRetryRequest when the client sent no share for a group we take) to the
//! client's Finished.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{
    CertificateWishes, Established, HandshakeKeys, VERIFY_SCHEMES,
    accept_missing_client_certificate, certificate_body, certificate_request_body,
    certificate_verify, check_certificate_verify, check_finished, choose_identity, establish,
    parse_chain, send_compatibility_ccs, transcript_hash,
};
use crate::codec::Codec;
use crate::crypto::rng;
use crate::crypto::tls13::Tls13Hash;
use crate::error::{AlertDescription, Fatal};
use crate::handshake::ecdhe::{self, KeyShare};
use crate::handshake::tls13_keys::{
    EarlySecret, MasterSecret, PskKind, ResumptionMasterSecret, TrafficSecret,
    retry_transcript_start,
};
use crate::handshake::{
    AuthContext, Callbacks, Core, Input, Message, Next, PeerIdentity, State, Transcript,
    authenticate_peer_chain,
};
use crate::keys::Identity;
use crate::msgs::tls13::{
    Certificate13, EncryptedExtensions, HRR_RANDOM, KeyShareClientHello, KeyShareEntry,
    KeyShareHelloRetry, KeyShareServerHello, MAX_TICKET_LIFETIME, NewSessionTicket, OfferedPsks,
    PskKeyExchangeModes, SelectedPsk, SupportedVersionsClient, SupportedVersionsServer,
    client_hello_without_binders,
};
use crate::msgs::{
    ClientHello, ExtensionType, HandshakeType, SignatureAlgorithms, SupportedGroups,
    encode_server_hello, find_ext, handshake_message,
};
use crate::pki::Certificate;
use crate::pki::verify::{KeyUse, Usage};
use crate::record::EarlyDataSkip;
use crate::session_cache::{CachedSession, ENTRY_LIFE};
use crate::suites::{self, TLS1_2, TLS1_3, Tls13Suite};

/// Whether this ClientHello offers TLS 1.3 in supported_versions.
pub fn offers_tls13(ch: &ClientHello<'_>) -> Result<bool, Fatal> {
    Ok(
        match find_ext(&ch.extensions, ExtensionType::SUPPORTED_VERSIONS) {
            Some(body) => SupportedVersionsClient::parse(body, ())?
                .0
                .contains(&TLS1_3),
            None => false,
        },
    )
}

/// How the server authenticates this handshake.
enum Authentication {
    /// A certificate chain and the scheme its key signs our CertificateVerify with.
    Certificate { identity: Identity, scheme: u16 },
    /// A PSK: a ticket we issued (ABI.md D28, `resumed`) or an external PSK loaded with
    /// `matrixSslLoadPsk` (D26); the index of its identity in the client's offer, and the
    /// authentication context the handshake carries.
    Psk {
        index: u16,
        psk: Zeroizing<Vec<u8>>,
        auth: AuthContext,
        resumed: bool,
    },
}

/// Structure checks of a ClientHello offering TLS 1.3 (RFC 8446 §4.1.2, §4.2.11).
fn check_hello(ch: &ClientHello<'_>) -> Result<(), Fatal> {
    if ch.compressions != [0] {
        return Err(Fatal::illegal(
            "TLS 1.3 ClientHello compression methods other than null",
        ));
    }
    if let Some(pos) = ch
        .extensions
        .iter()
        .position(|e| e.typ == ExtensionType::PRE_SHARED_KEY)
        && pos + 1 != ch.extensions.len()
    {
        return Err(Fatal::illegal("pre_shared_key is not the last extension"));
    }
    // signature_algorithms_cert and certificate_authorities are read strictly in every
    // hello, not only in those that end up authenticated with a certificate.
    CertificateWishes::from_extensions(Vec::new(), &ch.extensions)?;
    Ok(())
}

fn missing(what: &'static str) -> Fatal {
    Fatal::new(AlertDescription::MISSING_EXTENSION, what)
}

/// Our group (RFC 8446 §4.1.1): one the client sent a share for if one is ours, in our
/// order, with that share; else one it supports, which a HelloRetryRequest asks for.
fn key_exchange<'a>(ch: &ClientHello<'a>) -> Result<(u16, Option<KeyShareEntry<'a>>), Fatal> {
    let groups = SupportedGroups::parse(
        find_ext(&ch.extensions, ExtensionType::SUPPORTED_GROUPS)
            .ok_or(missing("TLS 1.3 ClientHello without supported_groups"))?,
        (),
    )?
    .0;
    let shares = KeyShareClientHello::parse(
        find_ext(&ch.extensions, ExtensionType::KEY_SHARE)
            .ok_or(missing("TLS 1.3 ClientHello without key_share"))?,
        (),
    )?
    .0;
    if shares.iter().any(|s| !groups.contains(&s.group)) {
        return Err(Fatal::illegal(
            "key_share for a group not in supported_groups",
        ));
    }
    let shared = ecdhe::SUPPORTED_GROUPS
        .iter()
        .find_map(|g| shares.iter().find(|s| s.group == *g).cloned());
    if let Some(share) = shared {
        return Ok((share.group, Some(share)));
    }
    let group = ecdhe::SUPPORTED_GROUPS
        .iter()
        .copied()
        .find(|g| groups.contains(g))
        .ok_or(Fatal::handshake("no key-exchange group in common"))?;
    Ok((group, None))
}

/// May this session use suite `id`: offered by the client, enabled, not disabled here.
fn suite_allowed(core: &Core, ch: &ClientHello<'_>, id: u16) -> bool {
    ch.suites.contains(&id)
        && core.config.suites.enabled(id)
        && !core.server_options.disabled_suites.contains(&id)
}

/// Our suite: the first of ours the client offers that this session may use.
fn preferred_suite(core: &Core, ch: &ClientHello<'_>) -> Result<&'static Tls13Suite, Fatal> {
    suites::TLS13_SUITES
        .iter()
        .find(|s| suite_allowed(core, ch, s.id))
        .ok_or(Fatal::handshake("no TLS 1.3 cipher suite in common"))
}

/// The certificate we authenticate with: one whose key signs with a scheme the client
/// accepts (signature_algorithms is mandatory then, RFC 8446 §4.2.3), preferably one whose
/// chain the client's signature_algorithms_cert and certificate_authorities accept
/// (`choose_identity`). Both are optional in a ClientHello and read strictly
/// (decode_error when malformed); certificate_authorities there is used for the choice
/// exactly as in a CertificateRequest.
fn certificate_authentication(core: &Core, ch: &ClientHello<'_>) -> Result<Authentication, Fatal> {
    let schemes: Vec<u16> = SignatureAlgorithms::parse(
        find_ext(&ch.extensions, ExtensionType::SIGNATURE_ALGORITHMS)
            .ok_or(missing("TLS 1.3 ClientHello without signature_algorithms"))?,
        (),
    )?
    .0
    .iter()
    .map(|s| s.0)
    .collect();
    let wishes = CertificateWishes::from_extensions(schemes, &ch.extensions)?;
    choose_identity(core, &wishes)
        .map(|(identity, scheme)| Authentication::Certificate { identity, scheme })
        .ok_or(Fatal::handshake(
            "no certificate signs with a scheme the client accepts",
        ))
}

/// The PSK this ClientHello is authenticated with, if any (RFC 8446 §4.2.11): the first
/// offered identity that is a PSK loaded in our keys (D26), or a live TLS 1.3 entry of our
/// session cache (a ticket, D28) made under the same
/// keys and client-authentication requirement, for a suite this session may use (after a
/// HelloRetryRequest, the one it settled: `required_suite`), with psk_dhe_ke offered. The
/// entry is removed when found (tickets are used once); a binder that does not verify is
/// decrypt_error. `transcript_prefix` is what precedes this hello in the transcript.
fn resumption(
    core: &Core,
    ch: &ClientHello<'_>,
    raw_hello: &[u8],
    transcript_prefix: &[u8],
    required_suite: Option<&'static Tls13Suite>,
) -> Result<Option<(&'static Tls13Suite, Authentication)>, Fatal> {
    let Some(body) = find_ext(&ch.extensions, ExtensionType::PRE_SHARED_KEY) else {
        return Ok(None);
    };
    let offered = OfferedPsks::parse(body, ())?;
    let modes = PskKeyExchangeModes::parse(
        find_ext(&ch.extensions, ExtensionType::PSK_KEY_EXCHANGE_MODES)
            .ok_or(missing("pre_shared_key without psk_key_exchange_modes"))?,
        (),
    )?;
    if !modes.0.contains(&PskKeyExchangeModes::PSK_DHE_KE) {
        return Ok(None);
    }
    let cache = &core.config.server_cache;
    let verify_binder = |index: usize, kind: PskKind, hash: Tls13Hash, psk: &[u8]| {
        let truncated = client_hello_without_binders(raw_hello, offered.binders_encoded_len());
        let hashed = [transcript_prefix, truncated].concat();
        let binder_key = EarlySecret::with_psk(hash, psk).binder_key(kind);
        if binder_key.verify(&hash.digest(&hashed), offered.binders[index]) {
            Ok(())
        } else {
            Err(Fatal::decrypt("PSK binder does not verify"))
        }
    };
    for (index, identity) in offered.identities.iter().enumerate() {
        // An external PSK (D26) is used with SHA-256, the default hash of RFC 8446
        // §4.2.11, so with a SHA-256 suite.
        if let Some(external) = core.keys.psk_for_identity(identity.identity) {
            let suite = match required_suite {
                Some(r) => Some(r).filter(|r| r.hash == Tls13Hash::Sha256),
                None => suites::TLS13_SUITES
                    .iter()
                    .find(|s| s.hash == Tls13Hash::Sha256 && suite_allowed(core, ch, s.id)),
            };
            let Some(suite) = suite else { continue };
            verify_binder(index, PskKind::External, suite.hash, &external.key)?;
            let auth = Authentication::Psk {
                index: index as u16,
                psk: external.key.clone(),
                auth: AuthContext {
                    client_auth_required: core.server_options.client_auth,
                    peer: PeerIdentity::Psk(external.identity.clone()),
                    ..AuthContext::new(&core.keys)
                },
                resumed: false,
            };
            return Ok(Some((suite, auth)));
        }
        let Some(cached) = cache.lookup(identity.identity, core.config.now()) else {
            continue;
        };
        if cached.version != TLS1_3 {
            continue;
        }
        cache.remove(identity.identity);
        let Some(suite) = suites::tls13_by_id(cached.suite) else {
            continue;
        };
        // As for TLS 1.2 session ids (server::may_resume): the same keys and client-
        // authentication requirement, and a PSK identity that is still loaded.
        let same_context = cached.auth.keys == core.keys.context_digest()
            && cached.auth.client_auth_required == core.server_options.client_auth
            && match &cached.auth.peer {
                PeerIdentity::Psk(id) => core.keys.psk_for_identity(id).is_some(),
                _ => true,
            };
        let suite_ok =
            suite_allowed(core, ch, suite.id) && required_suite.is_none_or(|r| r.id == suite.id);
        if !same_context || !suite_ok {
            continue;
        }
        let psk = Zeroizing::new(cached.master_secret[..suite.hash.output_len()].to_vec());
        verify_binder(index, PskKind::Resumption, suite.hash, &psk)?;
        let auth = Authentication::Psk {
            index: index as u16,
            psk,
            auth: cached.auth,
            resumed: true,
        };
        return Ok(Some((suite, auth)));
    }
    Ok(None)
}

/// How this handshake is authenticated, and with which suite: a ticket if one resumes,
/// else our preferred suite (`required_suite` after a HelloRetryRequest) and a certificate.
fn authenticate(
    core: &Core,
    ch: &ClientHello<'_>,
    raw_hello: &[u8],
    transcript_prefix: &[u8],
    required_suite: Option<&'static Tls13Suite>,
) -> Result<(&'static Tls13Suite, Authentication), Fatal> {
    if let Some(resumed) = resumption(core, ch, raw_hello, transcript_prefix, required_suite)? {
        return Ok(resumed);
    }
    let suite = match required_suite {
        Some(s) => s,
        None => preferred_suite(core, ch)?,
    };
    // A server with no certificate to fall back on refuses a client that wanted PSK key
    // establishment with none of its identities acceptable as TLS 1.2 does:
    // unknown_psk_identity (RFC 8446 §6.2).
    let no_certificate = core.keys.rsa_identity().is_none() && core.keys.ec_identity().is_none();
    if no_certificate && find_ext(&ch.extensions, ExtensionType::PRE_SHARED_KEY).is_some() {
        return Err(Fatal::new(
            AlertDescription::UNKNOWN_PSK_IDENTITY,
            "no offered PSK identity is known",
        ));
    }
    Ok((suite, certificate_authentication(core, ch)?))
}

/// Where the TLS ≤ 1.2 ClientHello state hands over: the client offered TLS 1.3 and we
/// speak it.
pub fn on_client_hello(core: &mut Core, m: Message<'_>, ch: &ClientHello<'_>) -> Next {
    check_hello(ch)?;
    let (group, share) = key_exchange(ch)?;
    let Some(share) = share else {
        let suite = preferred_suite(core, ch)?;
        return send_hello_retry_request(core, m, ch, suite, group);
    };
    let (suite, auth) = authenticate(core, ch, m.raw, &[], None)?;
    core.transcript.add(m.raw);
    respond(core, ch, suite, share, auth, false)
}

/// HelloRetryRequest (RFC 8446 §4.1.4) asking for a share of `group`. The transcript
/// restarts from the hash of this first ClientHello.
fn send_hello_retry_request(
    core: &mut Core,
    m: Message<'_>,
    ch: &ClientHello<'_>,
    suite: &'static Tls13Suite,
    group: u16,
) -> Next {
    core.transcript = Transcript::new();
    core.transcript
        .add(&retry_transcript_start(suite.hash, m.raw));
    let extensions = [
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsServer(TLS1_3).to_bytes()?,
        ),
        (
            ExtensionType::KEY_SHARE,
            KeyShareHelloRetry(group).to_bytes()?,
        ),
    ];
    let hrr = encode_server_hello(TLS1_2, &HRR_RANDOM, ch.session_id, suite.id, &extensions)?;
    core.send_handshake(HandshakeType::SERVER_HELLO, &hrr)?;
    core.record.enter_tls13();
    if offers_early_data(ch) {
        core.record
            .skip_rejected_early_data(EarlyDataSkip::Protected);
    }
    send_compatibility_ccs(core);
    Ok(Box::new(ExpectSecondClientHello {
        suite,
        group,
        session_id: ch.session_id.to_vec(),
    }))
}

/// After our HelloRetryRequest: the same ClientHello with a share for the group we asked
/// for and nothing else (RFC 8446 §4.1.2).
struct ExpectSecondClientHello {
    suite: &'static Tls13Suite,
    group: u16,
    session_id: Vec<u8>,
}

impl State for ExpectSecondClientHello {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CLIENT_HELLO)?;
        let ch = ClientHello::parse(m.body, ())?;
        if !offers_tls13(&ch)? || ch.session_id != self.session_id {
            return Err(Fatal::illegal(
                "second ClientHello drops TLS 1.3 or changes the session id",
            ));
        }
        check_hello(&ch)?;
        // RFC 8446 §4.1.2: the client removes early_data after a HelloRetryRequest (the
        // early data of its first hello was rejected with it).
        if offers_early_data(&ch) {
            return Err(Fatal::illegal("second ClientHello offers early data"));
        }
        // Without key_share this ClientHello breaks RFC 8446 §9.2 as a first one would:
        // missing_extension. With one, it must hold exactly the share we asked for.
        let shares = KeyShareClientHello::parse(
            find_ext(&ch.extensions, ExtensionType::KEY_SHARE).ok_or(Fatal::new(
                AlertDescription::MISSING_EXTENSION,
                "second ClientHello without key_share",
            ))?,
            (),
        )?
        .0;
        if shares.len() != 1 || shares[0].group != self.group {
            return Err(Fatal::illegal(
                "second ClientHello without exactly a share for the requested group",
            ));
        }
        if !suite_allowed(core, &ch, self.suite.id) {
            return Err(Fatal::illegal(
                "second ClientHello drops the suite of the HelloRetryRequest",
            ));
        }
        let (_, share) = key_exchange(&ch)?;
        let share = share.ok_or(Fatal::internal("checked share not found"))?;
        let prefix = core.transcript.messages().unwrap_or_default().to_vec();
        let (suite, auth) = authenticate(core, &ch, m.raw, &prefix, Some(self.suite))?;
        core.transcript.add(m.raw);
        respond(core, &ch, suite, share, auth, true)
    }
}

/// ServerHello and our whole first flight (RFC 8446 §2): EncryptedExtensions, then, in a
/// full handshake, CertificateRequest when client authentication is required, Certificate
/// and CertificateVerify; Finished; then the application keys for writing.
fn respond(
    core: &mut Core,
    ch: &ClientHello<'_>,
    suite: &'static Tls13Suite,
    client_share: KeyShareEntry<'_>,
    auth: Authentication,
    retried: bool,
) -> Next {
    let share = KeyShare::generate(client_share.group)?;
    let random: [u8; 32] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    let mut extensions = vec![
        (
            ExtensionType::SUPPORTED_VERSIONS,
            SupportedVersionsServer(TLS1_3).to_bytes()?,
        ),
        (
            ExtensionType::KEY_SHARE,
            KeyShareServerHello(KeyShareEntry {
                group: share.group,
                key_exchange: &share.public,
            })
            .to_bytes()?,
        ),
    ];
    let mut early = None;
    if let Authentication::Psk { index, psk, .. } = &auth {
        extensions.push((
            ExtensionType::PRE_SHARED_KEY,
            SelectedPsk(*index).to_bytes()?,
        ));
        early = Some(EarlySecret::with_psk(suite.hash, psk));
    }
    let hello = encode_server_hello(TLS1_2, &random, ch.session_id, suite.id, &extensions)?;
    let shared = share.agree(client_share.key_exchange)?;
    core.send_handshake(HandshakeType::SERVER_HELLO, &hello)?;
    core.record.enter_tls13();
    if !retried {
        send_compatibility_ccs(core);
    }
    core.transcript
        .start_hashing(&[transcript_hash(suite.hash)], false);
    let keys = HandshakeKeys::derive(core, suite, early, &shared)?;
    core.record.set_write_tls13(keys.protection(&keys.server));
    core.record.set_read_tls13(keys.protection(&keys.client));
    if offers_early_data(ch) {
        core.record
            .skip_rejected_early_data(EarlyDataSkip::Undecryptable);
    }
    let ee = EncryptedExtensions {
        extensions: Vec::new(),
    };
    core.send_handshake(HandshakeType::ENCRYPTED_EXTENSIONS, &ee.to_bytes()?)?;
    let client_auth = core.server_options.client_auth;
    let (session_auth, resumed, request_certificate) = match auth {
        Authentication::Certificate { identity, scheme } => {
            if client_auth {
                send_certificate_request(core)?;
            }
            send_certificate(core, &identity)?;
            let hash = keys.transcript(core)?;
            let verify = certificate_verify(&identity.key, scheme, true, &hash)?;
            core.send_handshake(HandshakeType::CERTIFICATE_VERIFY, &verify)?;
            let session_auth = AuthContext {
                client_auth_required: client_auth,
                ..AuthContext::new(&core.keys)
            };
            (session_auth, false, client_auth)
        }
        // A resumed session is authenticated as the session it resumes was.
        Authentication::Psk { auth, resumed, .. } => (auth, resumed, false),
    };
    let verify_data = keys.server.finished_verify_data(&keys.transcript(core)?);
    core.send_handshake(HandshakeType::FINISHED, &verify_data)?;
    let hash = keys.transcript(core)?;
    // RFC 8446 §4.6.1 (note): a server that does not request client authentication knows
    // the rest of the transcript, the client's Finished being determined by it, and may
    // send its NewSessionTicket right after its own Finished. We do: a client then holds
    // its ticket as soon as its handshake completes, and nothing is left to send once the
    // server's completes (as after a TLS 1.2 handshake, which 3.3 programs expect). The
    // cache entry the ticket names is only made once that Finished has arrived and
    // verified (`ExpectClientFinished`): a handshake that never completes leaves nothing
    // resumable behind.
    let expected_client_finished = if !request_certificate && offers_psk_dhe_ke(ch)? {
        let finished = handshake_message(
            HandshakeType::FINISHED,
            &keys.client.finished_verify_data(&hash),
        )?;
        Some(
            core.transcript
                .digest_with(transcript_hash(suite.hash), &finished)?,
        )
    } else {
        None
    };
    let HandshakeKeys {
        secret,
        client: client_handshake,
        ..
    } = keys;
    let master = secret.into_master_secret();
    let client_traffic = master.client_application_traffic_secret(&hash);
    let server_traffic = master.server_application_traffic_secret(&hash);
    core.record
        .set_write_tls13(server_traffic.record_protection(suite.aead));
    let pending_ticket = match expected_client_finished {
        Some(hash) => Some(Box::new(send_ticket(
            core,
            suite,
            &master.resumption_master_secret(&hash),
            &session_auth,
        )?)),
        None => None,
    };
    let flight = ClientFlight {
        suite,
        client_handshake,
        client_traffic,
        server_traffic,
        master,
        auth: session_auth,
        resumed,
        issue_ticket: offers_psk_dhe_ke(ch)?,
        pending_ticket,
        post_handshake_auth: find_ext(&ch.extensions, ExtensionType::POST_HANDSHAKE_AUTH).is_some(),
    };
    if request_certificate {
        Ok(Box::new(ExpectClientCertificate { flight }))
    } else {
        Ok(Box::new(ExpectClientFinished { flight }))
    }
}

/// Whether the client sends 0-RTT data after this ClientHello (RFC 8446 §4.2.10), which we
/// reject (ABI.md D28) and must then skip.
fn offers_early_data(ch: &ClientHello<'_>) -> bool {
    find_ext(&ch.extensions, ExtensionType::EARLY_DATA).is_some()
}

/// Whether the client can resume with a ticket of ours: it offered psk_dhe_ke (RFC 8446
/// §4.2.9: a ticket for modes it did not list would be useless to it).
fn offers_psk_dhe_ke(ch: &ClientHello<'_>) -> Result<bool, Fatal> {
    Ok(
        match find_ext(&ch.extensions, ExtensionType::PSK_KEY_EXCHANGE_MODES) {
            Some(body) => PskKeyExchangeModes::parse(body, ())?
                .0
                .contains(&PskKeyExchangeModes::PSK_DHE_KE),
            None => false,
        },
    )
}

/// One NewSessionTicket (RFC 8446 §4.6.1; ABI.md D28): the ticket is a random reference to
/// an entry of the server session cache holding the PSK and the session's authentication
/// context, living as long as TLS 1.2 cache entries. Post-handshake messages are not part
/// of the transcript. Sends the ticket and returns the entry it names, for the caller to
/// put in the cache once the client's Finished has verified.
fn send_ticket(
    core: &mut Core,
    suite: &'static Tls13Suite,
    resumption: &ResumptionMasterSecret,
    auth: &AuthContext,
) -> Result<CachedSession, Fatal> {
    let ticket: [u8; 32] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    let age_add = u32::from_be_bytes(
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?,
    );
    // One ticket per connection, so one nonce suffices.
    let nonce = [0u8];
    let psk = resumption.ticket_psk(&nonce);
    let mut master_secret = Zeroizing::new([0u8; 48]);
    let psk_bytes = psk.as_secret().as_bytes();
    master_secret[..psk_bytes.len()].copy_from_slice(psk_bytes);
    let entry = CachedSession {
        id: ticket,
        master_secret,
        suite: suite.id,
        version: TLS1_3,
        extended_master_secret: false,
        auth: auth.clone(),
    };
    let body = NewSessionTicket {
        lifetime: u32::try_from(ENTRY_LIFE.as_secs()).unwrap_or(MAX_TICKET_LIFETIME),
        age_add,
        nonce: &nonce,
        ticket: &ticket,
        extensions: Vec::new(),
    }
    .to_bytes()?;
    core.send_post_handshake(HandshakeType::NEW_SESSION_TICKET, &body)?;
    Ok(entry)
}

/// CertificateRequest (RFC 8446 §4.3.2; `certificate_request_body`). As in TLS 1.2, a server
/// with no trusted CA cannot authenticate anyone and refuses (unless built to send an
/// empty request).
fn send_certificate_request(core: &mut Core) -> Result<(), Fatal> {
    if core.keys.ca_certs.is_empty() && !cfg!(feature = "server-empty-cert-request") {
        return Err(Fatal::handshake(
            "client authentication required but no trusted CA loaded",
        ));
    }
    let request = certificate_request_body(core, &[])?;
    core.send_handshake(HandshakeType::CERTIFICATE_REQUEST, &request)
}

fn send_certificate(core: &mut Core, identity: &Identity) -> Result<(), Fatal> {
    let body = certificate_body(&[], Some(identity))?;
    core.send_handshake(HandshakeType::CERTIFICATE, &body)
}

/// What the server keeps while the client's last flight is due.
struct ClientFlight {
    suite: &'static Tls13Suite,
    /// The client's handshake traffic secret: its flight and Finished come under it.
    client_handshake: TrafficSecret,
    client_traffic: TrafficSecret,
    server_traffic: TrafficSecret,
    /// For the resumption master secret, once the client's Finished is in the transcript.
    master: MasterSecret,
    auth: AuthContext,
    resumed: bool,
    /// The client can resume with a ticket (it offered psk_dhe_ke).
    issue_ticket: bool,
    /// The ticket already sent with our Finished (no client authentication): its cache
    /// entry, made once the client's Finished verifies.
    pending_ticket: Option<Box<CachedSession>>,
    post_handshake_auth: bool,
}

struct ExpectClientCertificate {
    flight: ClientFlight,
}

impl State for ExpectClientCertificate {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE)?;
        let msg = Certificate13::parse(m.body, ())?;
        if !msg.context.is_empty() {
            return Err(Fatal::illegal(
                "client Certificate with a context our request did not have",
            ));
        }
        core.transcript.add(m.raw);
        let mut flight = self.flight;
        if msg.entries.is_empty() {
            // RFC 8446 §4.4.2.4: certificate_required where 1.2 said handshake_failure.
            flight.auth.anonymous = accept_missing_client_certificate(cb)?;
            return Ok(Box::new(ExpectClientFinished { flight }));
        }
        let chain = parse_chain(&msg, false)?;
        flight.auth.peer = PeerIdentity::of_chain(msg.certs());
        Ok(Box::new(ExpectClientCertificateVerify { flight, chain }))
    }
}

struct ExpectClientCertificateVerify {
    flight: ClientFlight,
    chain: Vec<Arc<Certificate>>,
}

impl State for ExpectClientCertificateVerify {
    fn handle(self: Box<Self>, core: &mut Core, cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::CERTIFICATE_VERIFY)?;
        let mut flight = self.flight;
        let hash = core.transcript.digest(transcript_hash(flight.suite.hash))?;
        let offered: Vec<u16> = VERIFY_SCHEMES.iter().map(|s| s.0).collect();
        check_certificate_verify(m.body, &self.chain[0].public_key, &offered, false, &hash)?;
        flight.auth.anonymous =
            authenticate_peer_chain(core, cb, &self.chain, Usage::Client, KeyUse::Signature)?;
        core.transcript.add(m.raw);
        Ok(Box::new(ExpectClientFinished { flight }))
    }
}

struct ExpectClientFinished {
    flight: ClientFlight,
}

impl State for ExpectClientFinished {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::FINISHED)?;
        let f = self.flight;
        let hash = core.transcript.digest(transcript_hash(f.suite.hash))?;
        check_finished(&f.client_handshake, &hash, m.body)?;
        core.transcript.add(m.raw);
        let resumption = f
            .master
            .resumption_master_secret(&core.transcript.digest(transcript_hash(f.suite.hash))?);
        core.record
            .set_read_tls13(f.client_traffic.record_protection(f.suite.aead));
        let ticket = match f.pending_ticket {
            Some(entry) => Some(*entry),
            None if f.issue_ticket => Some(send_ticket(core, f.suite, &resumption, &f.auth)?),
            None => None,
        };
        if let Some(entry) = ticket {
            core.config.server_cache.insert(entry, core.config.now());
        }
        establish::<false>(
            core,
            Established {
                suite: f.suite,
                client_traffic: f.client_traffic,
                server_traffic: f.server_traffic,
                resumption,
                auth: f.auth,
                resumed: f.resumed,
                post_handshake_auth: f.post_handshake_auth,
            },
        )
    }
}
