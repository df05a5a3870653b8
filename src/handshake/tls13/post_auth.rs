//! Post-handshake client authentication (RFC 8446 §4.6.2; ABI.md D29): on a TLS 1.3
//! session, a server's `matrixSslEncodeRehandshake` that asks for client authentication
//! sends a CertificateRequest with a fresh context, and the client answers with
//! Certificate, CertificateVerify and Finished, all under the application traffic keys.
//!
//! Each exchange is authenticated over the handshake's transcript (through the client's
//! Finished) followed by its own messages, so a session whose client offered
//! post_handshake_auth keeps that transcript's running hash ([`Session13::pha_transcript`]).
//! The server's exchange is a state of its own that is not "established", as a TLS 1.2
//! renegotiation is not: application data keeps flowing, and completion is reported again
//! (HANDSHAKE_COMPLETE) once the client's Finished verified.

use std::sync::Arc;

use super::{
    CertificateWishes, Established13, VERIFY_SCHEMES, accept_missing_client_certificate,
    certificate_body, certificate_request_body, certificate_verify, check_certificate_verify,
    check_finished, choose_identity, parse_chain, receive_key_update, transcript_hash,
};
use crate::codec::Codec;
use crate::crypto::rng;
use crate::error::Fatal;
use crate::handshake::{
    Callbacks, Core, Input, Next, PeerIdentity, State, Transcript, authenticate_peer_chain,
};
use crate::msgs::HandshakeType;
use crate::msgs::tls13::{Certificate13, CertificateRequest13};
use crate::pki::Certificate;
use crate::pki::verify::{KeyUse, Usage};

/// Queues a post-handshake message (not part of the connection's transcript: the exchange
/// keeps its own).
fn send(
    core: &mut Core,
    transcript: &mut Transcript,
    typ: HandshakeType,
    body: &[u8],
) -> Result<(), Fatal> {
    let msg = core.send_post_handshake(typ, body)?;
    transcript.add(&msg);
    Ok(())
}

fn session_transcript(core: &Core) -> Result<Transcript, Fatal> {
    core.tls13
        .as_ref()
        .and_then(|s| s.pha_transcript.clone())
        .ok_or(Fatal::unexpected(
            "post-handshake authentication the client did not offer",
        ))
}

/// Server: whether the client offered post_handshake_auth, so a request can be sent.
pub fn offered(core: &Core) -> bool {
    core.tls13
        .as_ref()
        .is_some_and(|s| s.pha_transcript.is_some())
}

/// Server: sends a CertificateRequest and returns the state waiting for the client's
/// answer.
pub fn request(core: &mut Core) -> Result<Box<dyn State>, Fatal> {
    let mut transcript = session_transcript(core)?;
    let context: [u8; 8] =
        rng::random_array().map_err(|_| Fatal::internal("random generator failed"))?;
    let request = certificate_request_body(core, &context)?;
    send(
        core,
        &mut transcript,
        HandshakeType::CERTIFICATE_REQUEST,
        &request,
    )?;
    Ok(Box::new(ExpectCertificate {
        context,
        transcript,
    }))
}

/// Client: answers a post-handshake CertificateRequest with the chain of an identity that
/// signs with one of the server's schemes, chosen as in the handshake (`choose_identity`),
/// or an empty Certificate, its CertificateVerify,
/// and Finished under our application traffic secret (RFC 8446 §4.4).
pub fn answer(core: &mut Core, raw: &[u8], body: &[u8]) -> Result<(), Fatal> {
    let mut transcript = session_transcript(core)?;
    let request = CertificateRequest13::parse(body, ())?;
    let wishes =
        CertificateWishes::from_extensions(request.signature_schemes()?, &request.extensions)?;
    transcript.add(raw);
    let session = core
        .tls13
        .as_ref()
        .ok_or(Fatal::internal("no TLS 1.3 session"))?;
    let hash = transcript_hash(session.suite.hash);
    let chosen = choose_identity(core, &wishes);
    let certificate = certificate_body(request.context, chosen.as_ref().map(|(id, _)| id))?;
    send(
        core,
        &mut transcript,
        HandshakeType::CERTIFICATE,
        &certificate,
    )?;
    if let Some((identity, scheme)) = &chosen {
        let verify = certificate_verify(&identity.key, *scheme, false, &transcript.digest(hash)?)?;
        send(
            core,
            &mut transcript,
            HandshakeType::CERTIFICATE_VERIFY,
            &verify,
        )?;
    }
    let session = core
        .tls13
        .as_ref()
        .ok_or(Fatal::internal("no TLS 1.3 session"))?;
    let verify_data = session
        .client_traffic
        .finished_verify_data(&transcript.digest(hash)?);
    send(core, &mut transcript, HandshakeType::FINISHED, &verify_data)
}

/// Server: the client's Certificate answering our request.
struct ExpectCertificate {
    context: [u8; 8],
    transcript: Transcript,
}

/// A KeyUpdate may come between the messages of the exchange: it is handled as in the
/// established state.
fn key_update_or(
    core: &mut Core,
    m: &crate::handshake::Message<'_>,
    expected: HandshakeType,
) -> Result<bool, Fatal> {
    if m.typ == HandshakeType::KEY_UPDATE {
        receive_key_update(core, m.body, false)?;
        return Ok(true);
    }
    if m.typ != expected {
        return Err(Fatal::unexpected(expected.expected_cause()).arrived(m.typ.name()));
    }
    Ok(false)
}

impl State for ExpectCertificate {
    fn handle(
        mut self: Box<Self>,
        core: &mut Core,
        cb: &mut dyn Callbacks,
        input: Input<'_>,
    ) -> Next {
        let m = input.handshake(HandshakeType::CERTIFICATE)?;
        if key_update_or(core, &m, HandshakeType::CERTIFICATE)? {
            return Ok(self);
        }
        let msg = Certificate13::parse(m.body, ())?;
        if msg.context != self.context {
            return Err(Fatal::illegal(
                "client Certificate with a context our request did not have",
            ));
        }
        self.transcript.add(m.raw);
        if msg.entries.is_empty() {
            let anonymous = accept_missing_client_certificate(cb)?;
            return Ok(Box::new(ExpectFinished {
                transcript: self.transcript,
                peer: PeerIdentity::None,
                anonymous,
            }));
        }
        let chain = parse_chain(&msg, false)?;
        Ok(Box::new(ExpectCertificateVerify {
            transcript: self.transcript,
            peer: PeerIdentity::of_chain(msg.certs()),
            chain,
        }))
    }
}

struct ExpectCertificateVerify {
    transcript: Transcript,
    peer: PeerIdentity,
    chain: Vec<Arc<Certificate>>,
}

impl State for ExpectCertificateVerify {
    fn handle(
        mut self: Box<Self>,
        core: &mut Core,
        cb: &mut dyn Callbacks,
        input: Input<'_>,
    ) -> Next {
        let m = input.handshake(HandshakeType::CERTIFICATE_VERIFY)?;
        if key_update_or(core, &m, HandshakeType::CERTIFICATE_VERIFY)? {
            return Ok(self);
        }
        let suite = core
            .tls13
            .as_ref()
            .ok_or(Fatal::internal("no TLS 1.3 session"))?
            .suite;
        let hash = self.transcript.digest(transcript_hash(suite.hash))?;
        let offered: Vec<u16> = VERIFY_SCHEMES.iter().map(|s| s.0).collect();
        check_certificate_verify(m.body, &self.chain[0].public_key, &offered, false, &hash)?;
        let anonymous =
            authenticate_peer_chain(core, cb, &self.chain, Usage::Client, KeyUse::Signature)?;
        self.transcript.add(m.raw);
        Ok(Box::new(ExpectFinished {
            transcript: self.transcript,
            peer: self.peer,
            anonymous,
        }))
    }
}

struct ExpectFinished {
    transcript: Transcript,
    peer: PeerIdentity,
    anonymous: bool,
}

impl State for ExpectFinished {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.handshake(HandshakeType::FINISHED)?;
        if key_update_or(core, &m, HandshakeType::FINISHED)? {
            return Ok(self);
        }
        let session = core
            .tls13
            .as_ref()
            .ok_or(Fatal::internal("no TLS 1.3 session"))?;
        let hash = self
            .transcript
            .digest(transcript_hash(session.suite.hash))?;
        check_finished(&session.client_traffic, &hash, m.body)?;
        let auth = &mut core.negotiated.auth;
        auth.peer = self.peer;
        auth.anonymous = self.anonymous;
        auth.client_auth_required = true;
        Ok(Box::new(Established13::<false>))
    }
}
