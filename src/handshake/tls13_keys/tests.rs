//! The schedule against RFC 8448 ("Example Handshake Traces for TLS 1.3"): §3 simple 1-RTT
//! handshake, §4 resumption PSK and binder, §5 HelloRetryRequest transcript. Every hex value
//! below is printed in that RFC. SHA-384 and the other AEADs, which RFC 8448 does not use,
//! are checked against values computed independently with Python's `hmac` and
//! `cryptography` (OpenSSL).

use super::*;
use crate::crypto::tls13::traffic_key_iv;
use crate::crypto::tls13_record::{HEADER_LEN, sealed_len};
use crate::test_fixtures::hex;
use crate::test_fixtures::rfc8448::*;

const SHA256: Tls13Hash = Tls13Hash::Sha256;

/// The X25519 shared secret ("{server} extract secret "handshake"", IKM). ring cannot run
/// X25519 from a fixed private key (its keys come only from its sealed RNG), so the
/// schedule starts from the value the RFC prints.
const SHARED_SECRET: &str = "
    8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89
    49 2d";

// ---- RFC 8448 §3: the protected records ---------------------------------------------------

/// "{server} send handshake record": EncryptedExtensions..Finished under the server
/// handshake traffic key, sequence number 0.
const SERVER_FLIGHT_RECORD: &str = "
    17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a
    f3 5e df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90
    51 23 ea 78 b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8
    28 b5 ec f7 b1 3b d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e
    f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44
    4c 9b 3a 64 8f 1d 71 03 5d 2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55
    cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79
    7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8
    94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50
    f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f 44 15 cf 95 38 d5 1a 20 0c 27 03 42
    72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb 31 7b 66
    d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c 62 58 f1
    00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af
    36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da 8c 87 c8 43
    f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6
    6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be
    5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13
    af bb 99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e
    2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c
    0b 3b 66 76 30 38 eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f
    60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e
    f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17
    19 bf da bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b";

/// "{client} send handshake record": the client Finished under the client handshake key.
const CLIENT_FINISHED_RECORD: &str = "
    17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a
    4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46";

/// "{client} send application_data record": 00 01 .. 31 at sequence number 0.
const CLIENT_APP_RECORD: &str = "
    17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc
    ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd
    1e 3d ea e6 3a ee bb 21 69 49 15 e4";

/// "{server} send application_data record": the same payload at sequence number 1 (the
/// server's NewSessionTicket took 0).
const SERVER_APP_RECORD: &str = "
    17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa
    1b 36 e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2
    ab f3 32 54 0d d0 32 e1 67 c2 95 5d";

/// The §3 handshake messages in transcript order.
const HANDSHAKE: [&str; 7] = [
    CLIENT_HELLO,
    SERVER_HELLO,
    ENCRYPTED_EXTENSIONS,
    CERTIFICATE,
    CERTIFICATE_VERIFY,
    SERVER_FINISHED,
    CLIENT_FINISHED,
];

fn transcript(messages: &[&str]) -> Vec<u8> {
    messages.iter().flat_map(|m| hex(m)).collect()
}

/// Transcript-Hash of the first `n` §3 handshake messages.
fn hash_of_first(n: usize) -> Vec<u8> {
    SHA256.digest(&transcript(&HANDSHAKE[..n]))
}

fn traffic_bytes(t: &TrafficSecret) -> Vec<u8> {
    t.0.as_bytes().to_vec()
}

/// Opens `record` at `seq`, checks type and content, then seals the content back and checks
/// the result is the RFC's record byte for byte.
fn open_and_reseal(p: &RecordProtection, seq: u64, record: &str, typ: u8, content: &[u8]) {
    let wire = hex(record);
    let mut rec = wire.clone();
    let opened = p.open(seq, &mut rec).expect("RFC 8448 record opens");
    assert_eq!(opened.content_type, typ);
    assert_eq!(rec[opened.content], content[..]);

    let mut out = vec![0u8; sealed_len(content.len(), 0)];
    out[HEADER_LEN..HEADER_LEN + content.len()].copy_from_slice(content);
    let n = p.seal(seq, typ, &mut out, content.len(), 0).unwrap();
    assert_eq!(out[..n], wire[..]);
}

#[test]
fn rfc8448_simple_1rtt_secrets_keys_and_finished() {
    let early = EarlySecret::without_psk(SHA256);
    assert_eq!(
        early.0.as_bytes(),
        hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
    );

    let hs = early.into_handshake_secret(&hex(SHARED_SECRET));
    assert_eq!(
        hs.0.as_bytes(),
        hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
    );

    let hello_hash = hash_of_first(2);
    assert_eq!(
        hello_hash,
        hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")
    );
    let c_hs = hs.client_traffic_secret(&hello_hash);
    let s_hs = hs.server_traffic_secret(&hello_hash);
    assert_eq!(
        traffic_bytes(&c_hs),
        hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
    );
    assert_eq!(
        traffic_bytes(&s_hs),
        hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
    );

    // Handshake traffic keys and IVs of both directions.
    let s_keys = traffic_key_iv(&s_hs.0, 16);
    assert_eq!(s_keys.key[..], hex("3fce516009c21727d0f2e4e86ee403bc")[..]);
    assert_eq!(s_keys.iv[..], hex("5d313eb2671276ee13000b30")[..]);
    let c_keys = traffic_key_iv(&c_hs.0, 16);
    assert_eq!(c_keys.key[..], hex("dbfaa693d1762c5b666af5d950258d01")[..]);
    assert_eq!(c_keys.iv[..], hex("5bd3c71b836e0b76bb73265f")[..]);

    // Finished keys ("{server} calculate finished", "expanded") and verify_data.
    let mut finished_key = [0u8; 32];
    crate::crypto::tls13::hkdf_expand_label(&s_hs.0, b"finished", &[], &mut finished_key);
    assert_eq!(
        finished_key[..],
        hex("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8")[..]
    );
    crate::crypto::tls13::hkdf_expand_label(&c_hs.0, b"finished", &[], &mut finished_key);
    assert_eq!(
        finished_key[..],
        hex("b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4")[..]
    );
    let through_cv = hash_of_first(5);
    let server_verify = s_hs.finished_verify_data(&through_cv);
    assert_eq!(server_verify, hex(SERVER_FINISHED)[4..]);
    assert!(s_hs.verify_finished(&through_cv, &server_verify));
    assert!(!c_hs.verify_finished(&through_cv, &server_verify));

    let through_sf = hash_of_first(6);
    assert_eq!(
        through_sf,
        hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13")
    );
    assert_eq!(
        c_hs.finished_verify_data(&through_sf),
        hex(CLIENT_FINISHED)[4..]
    );

    let master = hs.into_master_secret();
    assert_eq!(
        master.0.as_bytes(),
        hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")
    );
    let c_ap = master.client_application_traffic_secret(&through_sf);
    let s_ap = master.server_application_traffic_secret(&through_sf);
    assert_eq!(
        traffic_bytes(&c_ap),
        hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
    );
    assert_eq!(
        traffic_bytes(&s_ap),
        hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")
    );
    let s_ap_keys = traffic_key_iv(&s_ap.0, 16);
    assert_eq!(
        s_ap_keys.key[..],
        hex("9f02283b6c9c07efc26bb9f2ac92e356")[..]
    );
    assert_eq!(s_ap_keys.iv[..], hex("cf782b88dd83549aadf1e984")[..]);
    let c_ap_keys = traffic_key_iv(&c_ap.0, 16);
    assert_eq!(
        c_ap_keys.key[..],
        hex("17422dda596ed5d9acd890e3c63f5051")[..]
    );
    assert_eq!(c_ap_keys.iv[..], hex("5b78923dee08579033e523d9")[..]);

    assert_eq!(
        master
            .exporter_master_secret(&through_sf)
            .as_secret()
            .as_bytes(),
        hex("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")
    );

    let through_cf = hash_of_first(7);
    assert_eq!(
        through_cf,
        hex("209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d")
    );
    let rms = master.resumption_master_secret(&through_cf);
    assert_eq!(
        rms.0.as_bytes(),
        hex("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c")
    );
}

#[test]
fn rfc8448_simple_1rtt_records_open_and_seal_byte_identical() {
    let early = EarlySecret::without_psk(SHA256);
    let hs = early.into_handshake_secret(&hex(SHARED_SECRET));
    let hello_hash = hash_of_first(2);
    let s_hs = hs.server_traffic_secret(&hello_hash);
    let c_hs = hs.client_traffic_secret(&hello_hash);

    let flight = transcript(&HANDSHAKE[2..6]);
    let s_hs_prot = s_hs.record_protection(Tls13Aead::Aes128Gcm);
    open_and_reseal(&s_hs_prot, 0, SERVER_FLIGHT_RECORD, 22, &flight);
    // The same record one sequence number later does not authenticate.
    let mut rec = hex(SERVER_FLIGHT_RECORD);
    assert!(s_hs_prot.open(1, &mut rec).is_err());

    let c_hs_prot = c_hs.record_protection(Tls13Aead::Aes128Gcm);
    open_and_reseal(
        &c_hs_prot,
        0,
        CLIENT_FINISHED_RECORD,
        22,
        &hex(CLIENT_FINISHED),
    );

    let through_sf = hash_of_first(6);
    let master = hs.into_master_secret();
    let payload: Vec<u8> = (0u8..=0x31).collect();
    let c_ap = master.client_application_traffic_secret(&through_sf);
    open_and_reseal(
        &c_ap.record_protection(Tls13Aead::Aes128Gcm),
        0,
        CLIENT_APP_RECORD,
        23,
        &payload,
    );
    let s_ap = master.server_application_traffic_secret(&through_sf);
    open_and_reseal(
        &s_ap.record_protection(Tls13Aead::Aes128Gcm),
        1,
        SERVER_APP_RECORD,
        23,
        &payload,
    );
}

// RFC 8448 §4: the PSK of the §3 ticket (nonce 00 00), the early secret from it, the
// resumption binder key and the binder over the truncated ClientHello.
#[test]
fn rfc8448_resumption_psk_early_secret_and_binder() {
    let rms = ResumptionMasterSecret(
        Secret::from_bytes(
            SHA256,
            &hex("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c"),
        )
        .unwrap(),
    );
    let psk = rms.ticket_psk(&[0, 0]);
    assert_eq!(
        psk.as_secret().as_bytes(),
        hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")
    );
    let early = EarlySecret::with_resumption_psk(&psk);
    assert_eq!(
        early.0.as_bytes(),
        hex("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c")
    );
    let binder_key = early.binder_key(PskKind::Resumption);
    assert_eq!(
        binder_key.0.as_bytes(),
        hex("69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256")
    );
    let truncated_hello_hash =
        hex("63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14");
    let binder = binder_key.binder(&truncated_hello_hash);
    assert_eq!(
        binder,
        hex("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d")
    );
    assert!(binder_key.verify(&truncated_hello_hash, &binder));
    // The same PSK used as an external one gives another binder key.
    let external = early.binder_key(PskKind::External);
    assert!(!external.verify(&truncated_hello_hash, &binder));
}

// RFC 8448 §5: after a HelloRetryRequest, ClientHello1 enters the transcript as a
// message_hash message; the hash through ServerHello is the one the trace prints as the
// context of "tls13 c hs traffic".
#[test]
fn rfc8448_hello_retry_request_transcript() {
    const CLIENT_HELLO_1: &str = "
        01 00 00 b0 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a
        2b 8c ee 92 58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 00 81 00 00 00 0b 00
        09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00
        33 00 26 00 24 00 1d 00 20 e8 e8 e3 f3 b9 3a 25 ed 97 a1 4a 7d ca cb 8a 27 2c 62 88
        e5 85 c6 48 4d 05 26 2f ca d0 62 ad 1f 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03
        05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02
        00 2d 00 02 01 01 00 1c 00 02 40 01";
    const HELLO_RETRY_REQUEST: &str = "
        02 00 00 ac 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 7a bb
        8c 5e 07 9e 09 e2 c8 a8 33 9c 00 13 01 00 00 84 00 33 00 02 00 17 00 2c 00 74 00 72
        71 dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee fa fc 76 c1 46 b8 23 b0 96 f8 aa
        ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2 e2 3f cc 65 4b 1b 5b 40 31 8d 10
        d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e 50 78 1b 5e da 4a a1 5b 0c 8b e7
        78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67 e8 ca 0c af 57 1f b2 b7 cf f0 f9
        34 b0 00 2b 00 02 03 04";
    // ClientHello2 ends in a padding extension of 175 zero bytes.
    const CLIENT_HELLO_2_HEAD: &str = "
        01 00 01 fc 03 03 b0 b1 c5 a5 aa 37 c5 91 9f 2e d1 d5 c6 ff f7 fc b7 84 97 16 94 5a
        2b 8c ee 92 58 a3 46 67 7b 6f 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00
        09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 08 00 06 00 1d 00 17 00 18 00
        33 00 47 00 45 00 17 00 41 04 a6 da 73 92 ec 59 1e 17 ab fd 53 59 64 b9 98 94 d1 3b
        ef b2 21 b3 de f2 eb e3 83 0e ac 8f 01 51 81 26 77 c4 d6 d2 23 7e 85 cf 01 d6 91 0c
        fb 83 95 4e 76 ba 73 52 83 05 34 15 98 97 e8 06 57 80 00 2b 00 03 02 03 04 00 0d 00
        20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05
        02 06 02 02 02 00 2c 00 74 00 72 71 dc d0 4b b8 8b c3 18 91 19 39 8a 00 00 00 00 ee
        fa fc 76 c1 46 b8 23 b0 96 f8 aa ca d3 65 dd 00 30 95 3f 4e df 62 56 36 e5 f2 1b b2
        e2 3f cc 65 4b 1b 5b 40 31 8d 10 d1 37 ab cb b8 75 74 e3 6e 8a 1f 02 5f 7d fa 5d 6e
        50 78 1b 5e da 4a a1 5b 0c 8b e7 78 25 7d 16 aa 30 30 e9 e7 84 1d d9 e4 c0 34 22 67
        e8 ca 0c af 57 1f b2 b7 cf f0 f9 34 b0 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00
        af";
    const SERVER_HELLO_AFTER_RETRY: &str = "
        02 00 00 77 03 03 bb 34 1d 84 7f d7 89 c4 7c 38 71 72 dc 0c 9b f1 47 fc ca cb 50 43
        d8 6c a4 c5 98 d3 ff 57 1b 98 00 13 01 00 00 4f 00 33 00 45 00 17 00 41 04 58 3e 05
        4b 7a 66 67 2a e0 20 ad 9d 26 86 fc c8 5b 5a d4 1a 13 4a 0f 03 ee 72 b8 93 05 2b d8
        5b 4c 8d e6 77 6f 5b 04 ac 07 d8 35 40 ea b3 e3 d9 c5 47 bc 65 28 c4 31 7d 29 46 86
        09 3a 6c ad 7d 00 2b 00 02 03 04";

    let ch1 = hex(CLIENT_HELLO_1);
    let mut ch2 = hex(CLIENT_HELLO_2_HEAD);
    ch2.resize(ch2.len() + 0xaf, 0);
    assert_eq!(ch2.len(), 4 + 0x1fc);

    let message_hash = retry_transcript_start(SHA256, &ch1);
    assert_eq!(message_hash[..4], [254, 0, 0, 32]);
    assert_eq!(message_hash[4..], SHA256.digest(&ch1)[..]);

    let mut transcript = message_hash;
    transcript.extend(hex(HELLO_RETRY_REQUEST));
    transcript.extend(&ch2);
    transcript.extend(hex(SERVER_HELLO_AFTER_RETRY));
    assert_eq!(
        SHA256.digest(&transcript),
        hex("8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8")
    );
    assert_eq!(
        retry_transcript_start(Tls13Hash::Sha384, &ch1)[..4],
        [254, 0, 0, 48]
    );
}

// SHA-384 (TLS_AES_256_GCM_SHA384) is not in RFC 8448: the whole schedule, a KeyUpdate and
// records under AES-256-GCM and ChaCha20-Poly1305 against an independent computation
// (Python `hmac` for HKDF, `cryptography` for the AEADs). Shared secret 00 01 .. 2f; the
// transcript hashes are SHA-384 of "hello", "server finished" and "client finished".
#[test]
fn sha384_schedule_key_update_and_other_aeads_match_reference() {
    let sha384 = Tls13Hash::Sha384;
    let early = EarlySecret::without_psk(sha384);
    assert_eq!(
        early.0.as_bytes(),
        hex(
            "7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e7169\
             71f9362f2c2fe2a76bfd78dfec4ea9b5"
        )
    );
    let shared: Vec<u8> = (0u8..48).collect();
    let hs = early.into_handshake_secret(&shared);
    let hello = sha384.digest(b"hello");
    let sfin = sha384.digest(b"server finished");
    let cfin = sha384.digest(b"client finished");
    let c_hs = hs.client_traffic_secret(&hello);
    let s_hs = hs.server_traffic_secret(&hello);
    assert_eq!(
        traffic_bytes(&c_hs),
        hex(
            "6061899cbbe87f63bee17cc8fa0d695d473613ce70e35bcb24ac0fb3349ae9df\
             71337078d0125cb36922ec0e525f797d"
        )
    );
    assert_eq!(
        traffic_bytes(&s_hs),
        hex(
            "621178e731d99ee3b9ef5614033270398a971215acd581418bc30717b7d4cfa9\
             298b3da15a1460e0411392aac554f812"
        )
    );
    assert_eq!(
        s_hs.finished_verify_data(&hello),
        hex(
            "4d1433f0fc9d04bf1e3d0d55b11ac831c0b4d239701623ededc6e32c273f18b6\
             b4cab720e59d8f6a9ae6adec0b616b43"
        )
    );
    let master = hs.into_master_secret();
    let c_ap = master.client_application_traffic_secret(&sfin);
    assert_eq!(
        traffic_bytes(&c_ap),
        hex(
            "ac6f203006541f3896ffaa146c83204a6ab50d2dd11a6cf9f34c2a41ed07ed28\
             139c86cd5894c75244afb1ad68083982"
        )
    );
    assert_eq!(
        traffic_bytes(&master.server_application_traffic_secret(&sfin)),
        hex(
            "1f84ed03fea7aee7356c2a25d34cb101e09726f71f8541aed28ad20a01c5829e\
             0ffd264dd20874aac0f3a7d528840d54"
        )
    );
    assert_eq!(
        master.exporter_master_secret(&sfin).as_secret().as_bytes(),
        hex(
            "ca7cfcd969ba55c7af8d7cce0fe6f23a9ee19b398dcf77f4da34ba786a8267c1\
             abb568c1947ec771d25f0ea683be9c69"
        )
    );
    let rms = master.resumption_master_secret(&cfin);
    assert_eq!(
        rms.0.as_bytes(),
        hex(
            "57d5a59af3055ac2cbc3a68c9bfd7f62ad713ccc50974b3aee87a7f16047e850\
             5cbdc9fea2d23fa0f120824b809cb277"
        )
    );
    let psk = rms.ticket_psk(&[0, 1]);
    assert_eq!(
        psk.as_secret().as_bytes(),
        hex(
            "9b52cd3a752974b33676168fda9f0b55840836d48e83079d946421824aa2bd49\
             662f3126c9b95337c03430982b4a55e8"
        )
    );
    let binder_key = EarlySecret::with_resumption_psk(&psk).binder_key(PskKind::Resumption);
    assert_eq!(
        binder_key.binder(&sha384.digest(b"truncated hello")),
        hex(
            "bfc550eff6a149bfdb4e59a83cc1a6554ed1ebf6db6268f261bb6d02ce6d4466\
             bc887090525cc8814c71159e5dc0a7bc"
        )
    );

    let updated = c_ap.next_generation();
    assert_eq!(
        traffic_bytes(&updated),
        hex(
            "e52e482900eabdaaa35c1fefa7c7a9d89dc3cf7c4fbc1b71e828fafa8f2715a3\
             33af8dc345d0e942168b5ddc35f1c749"
        )
    );

    // AES-256-GCM under the server handshake secret: "ping", type 23, 3 bytes of padding,
    // sequence number 2.
    let aes = s_hs.record_protection(Tls13Aead::Aes256Gcm);
    let mut rec = vec![0u8; sealed_len(4, 3)];
    rec[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(b"ping");
    let n = aes.seal(2, 23, &mut rec, 4, 3).unwrap();
    let expected = hex("1703030018ed2fb34036f06c2a57ec3f7b7b431db4c598349e27cd7b40");
    assert_eq!(rec[..n], expected[..]);
    let opened = aes.open(2, &mut rec).unwrap();
    assert_eq!(
        (opened.content_type, &rec[opened.content]),
        (23, &b"ping"[..])
    );

    // ChaCha20-Poly1305 under the updated secret at a sequence number that exercises all
    // eight bytes of the nonce XOR.
    let chacha = updated.record_protection(Tls13Aead::ChaCha20Poly1305);
    let content = b"key update test";
    let mut rec = vec![0u8; sealed_len(content.len(), 0)];
    rec[HEADER_LEN..HEADER_LEN + content.len()].copy_from_slice(content);
    let n = chacha
        .seal(0x0102_0304_0506_0708, 22, &mut rec, content.len(), 0)
        .unwrap();
    let expected =
        hex("170303002052e1ad505ce25c3227448159c46d8f52529f3c04d955e954e23da117347dee7e");
    assert_eq!(rec[..n], expected[..]);
}
