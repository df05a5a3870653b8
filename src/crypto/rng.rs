//! Cryptographically secure random bytes from the operating system (ring's `SystemRandom`).
//!
//! One process-wide generator: `SystemRandom` keeps no state of its own, so sharing it is
//! free, and every caller goes through the same well-tested path.

// The only failure is the OS generator's; there is no detail worth a type.
#![allow(clippy::result_unit_err)]

use ring::rand::{SecureRandom, SystemRandom};
use std::sync::LazyLock;

static SYSTEM_RANDOM: LazyLock<SystemRandom> = LazyLock::new(SystemRandom::new);

/// Fills `buf` with random bytes. Fails only if the operating system's generator does.
pub fn fill(buf: &mut [u8]) -> Result<(), ()> {
    SYSTEM_RANDOM.fill(buf).map_err(|_| ())
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

    #[test]
    fn empty_fill_is_ok() {
        fill(&mut []).unwrap();
        let z: [u8; 0] = random_array().unwrap();
        assert!(z.is_empty());
    }
}
