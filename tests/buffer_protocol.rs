//! Regression tests for the output buffer while a `GetWritebuf` reservation is open: the
//! reserved (not yet encoded) room must never be handed out as data to send, and output
//! the library produces meanwhile (an alert, a handshake reply) must not land behind it.
//! A reservation is abandoned by any other call (ABI.md §3.0 R5, §3.5.3).

use std::sync::Arc;

use matrixssl::conn::Connection;
use matrixssl::error::*;
use matrixssl::handshake::client::ClientOptions;
use matrixssl::keys::Keys;

mod common;
use common::{NoCallbacks, path};

fn pair() -> (Connection, Connection) {
    pair_with(ClientOptions::default())
}

fn pair_with(options: ClientOptions) -> (Connection, Connection) {
    let mut sk = Keys::default();
    sk.load_rsa_files(
        Some(&path("server-chain.pem")),
        Some(&path("server.key")),
        None,
        None,
    )
    .unwrap();
    let mut ck = Keys::default();
    ck.load_rsa_files(None, None, None, Some(&path("ca.pem")))
        .unwrap();
    let mut client = Connection::new_client(Arc::new(ck), options).unwrap();
    let mut server = Connection::new_server(Arc::new(sk));
    for _ in 0..6 {
        pump(&mut client, &mut server);
        pump(&mut server, &mut client);
    }
    assert!(client.handshake_complete() && server.handshake_complete());
    (client, server)
}

/// Sends everything `from` has to `to`; returns (application data, alerts, last code).
fn pump(from: &mut Connection, to: &mut Connection) -> (Vec<u8>, Vec<[u8; 2]>, i32) {
    let data = from.outdata().to_vec();
    let (mut app, mut alerts, mut last) = (Vec::new(), Vec::new(), 0);
    if data.is_empty() {
        return (app, alerts, last);
    }
    from.sent(data.len());
    let mut off = 0;
    while off < data.len() {
        let (at, room) = to.read_buf();
        let n = room.min(data.len() - off);
        to.inbuf_mut()[at..at + n].copy_from_slice(&data[off..off + n]);
        off += n;
        let mut r = to.received(n, &mut NoCallbacks);
        loop {
            match r.rc {
                MATRIXSSL_APP_DATA => app.extend_from_slice(&to.inbuf_mut()[r.plaintext.unwrap()]),
                MATRIXSSL_RECEIVED_ALERT => {
                    let p = &to.inbuf_mut()[r.plaintext.unwrap()];
                    alerts.push([p[0], p[1]]);
                }
                rc => {
                    last = rc;
                    break;
                }
            }
            r = to.processed(&mut NoCallbacks);
        }
        if last < 0 {
            break;
        }
    }
    (app, alerts, last)
}

#[test]
fn reservation_is_not_pending_output() {
    let (mut client, mut server) = pair();
    assert_eq!(
        client.encode_to_outdata(b"queued"),
        client.outdata().len() as i32
    );
    let pending = client.outdata().len();
    let (_, room) = client.write_buf(100);
    assert!(room >= 100);
    // GetOutdata reports what is encoded, not the room reserved behind it.
    assert_eq!(client.outdata().len(), pending);
    // The application flushes instead of encoding (the reservation is abandoned): the peer
    // gets exactly the queued record.
    let (app, alerts, _) = pump(&mut client, &mut server);
    assert_eq!(
        (app.as_slice(), alerts.as_slice()),
        (&b"queued"[..], &[][..])
    );
    assert!(client.outdata().is_empty());
    // And the session goes on normally.
    assert!(client.encode_to_outdata(b"next") > 0);
    let (app, _, _) = pump(&mut client, &mut server);
    assert_eq!(app, b"next");
}

#[test]
fn output_produced_while_reserved_goes_out_intact() {
    // The server reserves room, then receives a renegotiating ClientHello: its ServerHello
    // flight must reach the client intact.
    let (mut client, mut server) = pair();
    server.add_rehandshake_credits(1);
    let _ = server.write_buf(200);
    assert_eq!(client.encode_rehandshake(None, true, 0), MATRIXSSL_SUCCESS);
    pump(&mut client, &mut server);
    let (_, alerts, last) = pump(&mut server, &mut client);
    assert!(alerts.is_empty() && last >= 0, "{alerts:?} {last}");
    for _ in 0..4 {
        pump(&mut client, &mut server);
        pump(&mut server, &mut client);
    }
    assert!(client.handshake_complete() && server.handshake_complete());
    assert!(!client.errored() && !server.errored());

    // A reservation, then a record that fails: the fatal alert must reach the peer.
    let (mut client, mut server) = pair();
    let _ = server.write_buf(50);
    client.encode_to_outdata(b"x");
    let last = client.core.out.len() - 1;
    client.core.out[last] ^= 1;
    pump(&mut client, &mut server);
    let (_, alerts, _) = pump(&mut server, &mut client);
    assert_eq!(alerts, vec![[2, alert::BAD_RECORD_MAC]]);
}

#[test]
fn partial_send_with_a_reservation_open() {
    let (mut client, mut server) = pair();
    client.encode_to_outdata(b"first record");
    let total = client.outdata().len();
    let _ = client.write_buf(64);
    // SentData of part of the pending bytes, then of the rest.
    let head = client.outdata()[..10].to_vec();
    assert_eq!(client.sent(10), MATRIXSSL_REQUEST_SEND);
    let rest = client.outdata().to_vec();
    assert_eq!(rest.len(), total - 10);
    assert_eq!(client.sent(rest.len()), MATRIXSSL_SUCCESS);
    let wire = [head, rest].concat();
    let (at, room) = server.read_buf();
    assert!(room >= wire.len());
    server.inbuf_mut()[at..at + wire.len()].copy_from_slice(&wire);
    let r = server.received(wire.len(), &mut NoCallbacks);
    assert_eq!(r.rc, MATRIXSSL_APP_DATA);
    assert_eq!(&server.inbuf_mut()[r.plaintext.unwrap()], b"first record");
    assert_eq!(server.processed(&mut NoCallbacks).rc, MATRIXSSL_SUCCESS);
}

#[test]
fn second_write_buf_reserves_at_the_same_place() {
    let (mut client, mut server) = pair();
    let (at1, _) = client.write_buf(300);
    let (at2, room) = client.write_buf(10);
    assert_eq!(at1, at2, "GetWritebuf again re-reserves at the same place");
    client.core.out[at2..at2 + 5].copy_from_slice(b"hello");
    assert!(room >= 5);
    assert_eq!(client.encode_write_buf(5), client.outdata().len() as i32);
    let (app, alerts, last) = pump(&mut client, &mut server);
    assert_eq!(app, b"hello");
    assert!(alerts.is_empty());
    assert_eq!(last, MATRIXSSL_SUCCESS);
}

/// A TLS 1.0 pair on TLS_RSA_WITH_AES_128_CBC_SHA: its client splits application records.
fn tls10_cbc_pair() -> (Connection, Connection) {
    pair_with(ClientOptions {
        max_version: 0x0301,
        cipher_spec: 0x002f,
        ..ClientOptions::default()
    })
}

/// Plaintext lengths of the records `from` has queued, as the peer decodes them one by one
/// (each MATRIXSSL_APP_DATA result is one record).
fn delivered_record_lengths(from: &mut Connection, to: &mut Connection) -> Vec<usize> {
    let data = from.outdata().to_vec();
    from.sent(data.len());
    let mut lengths = Vec::new();
    let mut off = 0;
    while off < data.len() {
        let (at, room) = to.read_buf();
        let n = room.min(data.len() - off);
        to.inbuf_mut()[at..at + n].copy_from_slice(&data[off..off + n]);
        off += n;
        let mut r = to.received(n, &mut NoCallbacks);
        while r.rc == MATRIXSSL_APP_DATA {
            lengths.push(r.plaintext.unwrap().len());
            r = to.processed(&mut NoCallbacks);
        }
        assert!(
            r.rc == MATRIXSSL_SUCCESS || r.rc == MATRIXSSL_REQUEST_RECV,
            "{}",
            r.rc
        );
    }
    lengths
}

/// Writes `len` bytes into room reserved with GetWritebuf(`requested`) and encodes them.
fn write_after_reserving(conn: &mut Connection, requested: usize, len: usize) {
    let (at, room) = conn.write_buf(requested);
    assert!(room >= len, "room {room} for {len}");
    for (i, b) in conn.core.out[at..at + len].iter_mut().enumerate() {
        *b = i as u8;
    }
    assert_eq!(conn.encode_write_buf(len), conn.outdata().len() as i32);
}

#[test]
fn tls10_cbc_client_splits_whatever_was_reserved() {
    let (mut client, mut server) = tls10_cbc_pair();
    // The 1/n-1 split follows what is encoded, not what GetWritebuf was asked for.
    for requested in [0, 1, 2, 1000] {
        write_after_reserving(&mut client, requested, 1000);
        assert_eq!(
            delivered_record_lengths(&mut client, &mut server),
            [1, 999],
            "GetWritebuf({requested}) then 1000 bytes"
        );
    }
    // Two bytes split as 1 + 1; one byte and nothing at all are a single record.
    for (requested, len, records) in [(1, 2, &[1, 1][..]), (1000, 1, &[1]), (5, 0, &[0])] {
        write_after_reserving(&mut client, requested, len);
        assert_eq!(
            delivered_record_lengths(&mut client, &mut server),
            records,
            "GetWritebuf({requested}) then {len} bytes"
        );
    }
    // EncodeToOutdata splits the same way, and the bytes arrive intact in order.
    let payload: Vec<u8> = (0..300).map(|i| (i * 7) as u8).collect();
    assert!(client.encode_to_outdata(&payload) > 0);
    let (app, alerts, last) = pump(&mut client, &mut server);
    assert_eq!((app, alerts, last), (payload, vec![], MATRIXSSL_SUCCESS));
    // The client's room after the split keeps GetWritebuf's guarantee (at least the request).
    write_after_reserving(&mut client, 16384, 16384);
    assert_eq!(
        delivered_record_lengths(&mut client, &mut server),
        [1, 16383]
    );
}

#[test]
fn servers_and_later_versions_never_split() {
    let (mut client, mut server) = tls10_cbc_pair();
    write_after_reserving(&mut server, 1, 1000);
    assert_eq!(delivered_record_lengths(&mut server, &mut client), [1000]);

    let (mut client, mut server) = pair_with(ClientOptions {
        max_version: 0x0302,
        cipher_spec: 0x002f,
        ..ClientOptions::default()
    });
    write_after_reserving(&mut client, 1000, 1000);
    assert_eq!(delivered_record_lengths(&mut client, &mut server), [1000]);
}
