//! The end of every handshake, the same for both roles (RFC 5246 §7.1, §7.4.9): sending
//! ChangeCipherSpec and Finished, and expecting the peer's. Whoever sends first (the
//! client in a full handshake, the server in a resumed one) sends its pair, then expects
//! the peer's; the other side answers the peer's Finished with its own.
//!
//! The connection becomes established (and a session is recorded) only through
//! [`establish`], which takes a [`VerifiedFinished`]: a value only a Finished that
//! verified can produce.

use zeroize::Zeroizing;

use super::transcript::Transcript;
use super::{
    AuthContext, Callbacks, Core, Established, Input, KeySchedule, Next, SessionId, State,
    VerifyData,
};
use crate::error::Fatal;
use crate::msgs::HandshakeType;
use crate::session_cache::CachedSession;

/// What a handshake has settled by the time the keys are installed: everything the
/// connection commits to when it is established.
pub(crate) struct PendingSession {
    pub ks: KeySchedule,
    pub master: Zeroizing<[u8; 48]>,
    pub session_id: Vec<u8>,
    pub extended_master_secret: bool,
    pub resumed: bool,
    /// What this handshake authenticates.
    pub auth: AuthContext,
}

/// Proof that the peer's Finished verified. Its field is private: only
/// [`check_peer_finished`] makes one.
pub(crate) struct VerifiedFinished(());

/// Sends ChangeCipherSpec (switching our writes to the pending keys) and our Finished over
/// the transcript so far, and keeps its verify_data for renegotiation (RFC 5746).
pub(crate) fn send_change_cipher_spec_and_finished(
    core: &mut Core,
    session: &PendingSession,
    is_client: bool,
) -> Result<(), Fatal> {
    core.send_change_cipher_spec()?;
    let verify = session
        .ks
        .finished(&session.master, is_client, &core.transcript)?;
    core.send_handshake(HandshakeType::FINISHED, &verify)?;
    let verify = VerifyData::copy_from(&verify)?;
    if is_client {
        core.negotiated.client_verify_data = verify;
    } else {
        core.negotiated.server_verify_data = verify;
    }
    Ok(())
}

/// Waits for the peer's ChangeCipherSpec; `IS_CLIENT` is our role.
pub(crate) struct ExpectChangeCipherSpec<const IS_CLIENT: bool> {
    pub session: PendingSession,
}

impl<const IS_CLIENT: bool> State for ExpectChangeCipherSpec<IS_CLIENT> {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let Input::ChangeCipherSpec = input else {
            return Err(Fatal::unexpected("expected ChangeCipherSpec"));
        };
        core.record.activate_read()?;
        Ok(Box::new(ExpectFinished::<IS_CLIENT> {
            session: self.session,
        }))
    }
}

struct ExpectFinished<const IS_CLIENT: bool> {
    session: PendingSession,
}

impl<const IS_CLIENT: bool> State for ExpectFinished<IS_CLIENT> {
    fn handle(self: Box<Self>, core: &mut Core, _cb: &mut dyn Callbacks, input: Input<'_>) -> Next {
        let m = input.expect(HandshakeType::FINISHED)?;
        let session = self.session;
        let verified = check_peer_finished(core, &session, IS_CLIENT, m.body)?;
        core.transcript.add(m.raw);
        // The side that spoke first in this handshake has already sent its Finished.
        let we_sent_first = IS_CLIENT != session.resumed;
        if !we_sent_first {
            send_change_cipher_spec_and_finished(core, &session, IS_CLIENT)?;
        }
        establish::<IS_CLIENT>(core, session, verified)
    }
}

/// Checks the peer's Finished body against the verify_data expected over the transcript
/// before it (in constant time), and keeps it for renegotiation (RFC 5746).
fn check_peer_finished(
    core: &mut Core,
    session: &PendingSession,
    is_client: bool,
    body: &[u8],
) -> Result<VerifiedFinished, Fatal> {
    let expected = session
        .ks
        .finished(&session.master, !is_client, &core.transcript)?;
    super::check_finished(&expected, body)?;
    let expected = VerifyData::copy_from(&expected)?;
    if is_client {
        core.negotiated.server_verify_data = expected;
    } else {
        core.negotiated.client_verify_data = expected;
    }
    Ok(VerifiedFinished(()))
}

/// Commits the handshake to the connection: the negotiated parameters, the session
/// remembered for resumption (a server's cache for a new session, the client's records),
/// a fresh transcript for a later renegotiation, and the established state.
fn establish<const IS_CLIENT: bool>(
    core: &mut Core,
    session: PendingSession,
    _proof: VerifiedFinished,
) -> Next {
    let PendingSession {
        ks,
        master,
        session_id,
        extended_master_secret,
        resumed,
        auth,
    } = session;
    let session_id = SessionId::copy_from(&session_id)?;
    if !IS_CLIENT
        && !resumed
        && let Ok(id) = <[u8; 32]>::try_from(&session_id[..])
    {
        let cached = CachedSession {
            id,
            master_secret: master.clone(),
            suite: ks.suite.id,
            version: ks.version,
            extended_master_secret,
            auth: auth.clone(),
        };
        core.config.server_cache.insert(cached, core.config.now());
    }
    let n = &mut core.negotiated;
    n.version = ks.version;
    n.suite = Some(ks.suite);
    n.session_id = session_id;
    n.master_secret = master;
    n.resumed = resumed;
    n.extended_master_secret = extended_master_secret;
    n.auth = auth;
    if IS_CLIENT && core.client_options.remember_sessions {
        // Remembered for a later resumption from the application's session record.
        core.config.client_sessions.remember(n);
    }
    core.transcript = Transcript::new();
    Ok(Box::new(Established::<IS_CLIENT>))
}
