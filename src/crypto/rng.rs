//! Cryptographically secure random bytes from the operating system (ring's `SystemRandom`).
//!
//! One process-wide generator: `SystemRandom` keeps no state of its own, so sharing it is
//! free, and every caller goes through the same well-tested path.
//!
//! Under the `fuzzing-deterministic` feature (fuzz harnesses only, never production) every
//! draw comes from [`deterministic`] instead, so a recorded handshake replays byte for byte.

// The only failure is the OS generator's; there is no detail worth a type.
#![allow(clippy::result_unit_err)]

use ring::rand::SecureRandom;
#[cfg(not(feature = "fuzzing-deterministic"))]
use ring::rand::SystemRandom;
#[cfg(not(feature = "fuzzing-deterministic"))]
use std::sync::LazyLock;

#[cfg(not(feature = "fuzzing-deterministic"))]
static SYSTEM_RANDOM: LazyLock<SystemRandom> = LazyLock::new(SystemRandom::new);

/// Fills `buf` with random bytes. Fails only if the operating system's generator does.
#[cfg(not(feature = "fuzzing-deterministic"))]
pub fn fill(buf: &mut [u8]) -> Result<(), ()> {
    SYSTEM_RANDOM.fill(buf).map_err(|_| ())
}

/// Fills `buf` from the calling thread's deterministic stream (fuzzing build).
#[cfg(feature = "fuzzing-deterministic")]
pub fn fill(buf: &mut [u8]) -> Result<(), ()> {
    deterministic::fill(buf);
    Ok(())
}

/// The gmt_unix_time field at the start of a hello random (RFC 5246 §7.4.1.2): the clock.
#[cfg(not(feature = "fuzzing-deterministic"))]
pub fn gmt_unix_time() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

/// Fuzzing build: a fixed time, the rest of the hello random being replayable too.
#[cfg(feature = "fuzzing-deterministic")]
pub fn gmt_unix_time() -> u32 {
    0x6000_0000
}

/// Runs `f` with the generator ring should draw a `len`-byte private key from (ECDHE key
/// shares: ring generates those itself and takes the generator as an argument).
#[cfg(not(feature = "fuzzing-deterministic"))]
pub fn with_key_source<R>(_len: usize, f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    f(&*SYSTEM_RANDOM)
}

/// Fuzzing build: ring gets `len` bytes of the deterministic stream. ring's generator trait
/// is sealed, so this goes through ring's own fixed-output generators, which exist for
/// exactly this (known-answer tests and fuzzing).
#[cfg(feature = "fuzzing-deterministic")]
#[allow(deprecated)]
pub fn with_key_source<R>(len: usize, f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    let mut bytes = vec![0u8; len];
    deterministic::fill(&mut bytes);
    f(&ring::test::rand::FixedSliceRandom { bytes: &bytes })
}

/// Runs `f` with the generator ring's signing draws from: the ECDSA nonce input (ring mixes
/// it with the key and the message digest) and the RSA-PSS salt.
#[cfg(not(feature = "fuzzing-deterministic"))]
pub fn with_signing_source<R>(f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    f(&*SYSTEM_RANDOM)
}

/// Fuzzing build: one byte of the stream repeated (ring asks for a length that depends on
/// the curve or hash, which a fixed slice could not follow); ring's mixing with the key and
/// digest keeps ECDSA nonces distinct per message.
#[cfg(feature = "fuzzing-deterministic")]
#[allow(deprecated)]
pub fn with_signing_source<R>(f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    let mut byte = [0u8; 1];
    deterministic::fill(&mut byte);
    f(&ring::test::rand::FixedByteRandom { byte: byte[0] })
}

/// Runs `f` with the generator ring draws an ECDSA key's nonce-hardening secret from when the
/// key is loaded (mixed into every nonce the key makes afterwards).
#[cfg(not(feature = "fuzzing-deterministic"))]
pub fn with_key_load_source<R>(f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    f(&*SYSTEM_RANDOM)
}

/// Fuzzing build: a constant, not the stream: keys are loaded once per process, at a point
/// of its history that differs between recording and replay, and the signatures they make
/// must be the same in both.
#[cfg(feature = "fuzzing-deterministic")]
#[allow(deprecated)]
pub fn with_key_load_source<R>(f: impl FnOnce(&dyn SecureRandom) -> R) -> R {
    f(&ring::test::rand::FixedByteRandom { byte: 0x4b })
}

/// The deterministic generator of the fuzzing build: SHA-256 in counter mode over a
/// per-thread (label, position) state, so every run of the same calls draws the same bytes.
/// A harness that records both ends of a connection in one thread gives each end its own
/// [`Stream`] ([`install`] around each end's calls), so that replaying one end alone draws
/// exactly what it drew while recording.
#[cfg(feature = "fuzzing-deterministic")]
pub mod deterministic {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A position in one labelled stream of bytes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Stream {
        label: u64,
        /// Blocks drawn so far.
        position: u64,
    }

    impl Stream {
        /// The start of stream `label`.
        pub const fn new(label: u64) -> Stream {
            Stream { label, position: 0 }
        }
    }

    /// Labels of the streams threads start on: distinct per thread (tests built with
    /// `--all-features` run sessions on many threads against shared caches, where equal
    /// session ids would collide), and apart from the small labels harnesses choose.
    static NEXT_THREAD_LABEL: AtomicU64 = AtomicU64::new(1 << 63);

    thread_local! {
        static CURRENT: Cell<Stream> =
            Cell::new(Stream::new(NEXT_THREAD_LABEL.fetch_add(1, Ordering::Relaxed)));
    }

    /// Makes `stream` the calling thread's generator; returns the one it replaces (with
    /// whatever was drawn from it), so a caller can switch back and forth between streams.
    pub fn install(stream: Stream) -> Stream {
        CURRENT.with(|c| c.replace(stream))
    }

    /// Whole 32-byte blocks per call: a draw never shares a block with the next one, so
    /// each draw depends only on how many blocks came before it.
    pub(super) fn fill(buf: &mut [u8]) {
        CURRENT.with(|c| {
            let mut s = c.get();
            for chunk in buf.chunks_mut(32) {
                let mut input = [0u8; 16];
                input[..8].copy_from_slice(&s.label.to_le_bytes());
                input[8..].copy_from_slice(&s.position.to_le_bytes());
                let block = ring::digest::digest(&ring::digest::SHA256, &input);
                chunk.copy_from_slice(&block.as_ref()[..chunk.len()]);
                s.position += 1;
            }
            c.set(s);
        })
    }
}

/// Returns `N` random bytes.
pub fn random_array<const N: usize>() -> Result<[u8; N], ()> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_with_distinct_values() {
        let a: [u8; 32] = random_array().unwrap();
        let b: [u8; 32] = random_array().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
        let mut big = vec![0u8; 4096];
        fill(&mut big).unwrap();
        // Every byte value should show up at least once in 4 KiB of random data
        // (probability of a miss is about 256 * e^-16).
        let mut seen = [false; 256];
        for &b in &big {
            seen[usize::from(b)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    /// The default build must draw from the operating system: nothing a caller can do
    /// repeats its output.
    #[cfg(not(feature = "fuzzing-deterministic"))]
    #[test]
    fn default_build_is_not_deterministic() {
        let a = with_key_source(32, |r| {
            let mut k = [0u8; 32];
            r.fill(&mut k).unwrap();
            k
        });
        let b = with_key_source(32, |r| {
            let mut k = [0u8; 32];
            r.fill(&mut k).unwrap();
            k
        });
        assert_ne!(a, b);
    }

    /// The fuzzing build replays a stream exactly, and streams with different labels differ.
    #[cfg(feature = "fuzzing-deterministic")]
    #[test]
    fn fuzzing_build_replays_a_stream() {
        use deterministic::{Stream, install};
        let draw = || {
            let mut v = [0u8; 40];
            fill(&mut v).unwrap();
            let k = with_key_source(48, |r| {
                let mut k = [0u8; 48];
                r.fill(&mut k).unwrap();
                k
            });
            (v, k)
        };
        let saved = install(Stream::new(7));
        let first = draw();
        let after_first = install(Stream::new(7));
        assert_eq!(draw(), first);
        install(Stream::new(8));
        assert_ne!(draw(), first);
        // Switching back resumes where the stream was.
        install(after_first);
        assert_ne!(draw(), first);
        install(saved);
    }

    #[test]
    fn empty_fill_is_ok() {
        fill(&mut []).unwrap();
        let z: [u8; 0] = random_array().unwrap();
        assert!(z.is_empty());
    }
}
