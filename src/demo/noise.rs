//! Seeded, stateless noise: every value is a hash of (seed, coordinates), so the synthetic world
//! is a pure function of time and nothing depends on call order or a global RNG.

/// SplitMix64's finaliser: a cheap, well-mixed 64-bit permutation.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of several coordinates (order matters).
pub fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x51_7CC1_B727_220A, |acc, &p| mix(acc ^ p))
}

/// Uniform in [0, 1).
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Uniform in [-1, 1).
pub fn signed(h: u64) -> f64 {
    unit(h) * 2.0 - 1.0
}

/// Smooth noise in [-1, 1]: random values every `period` seconds, eased in between, so curves
/// wander instead of jittering.
pub fn smooth(seed: u64, channel: u64, t: f64, period: f64) -> f64 {
    let x = t / period;
    let cell = x.floor();
    let frac = x - cell;
    let cell = cell as i64 as u64;
    let a = signed(hash(&[seed, channel, cell]));
    let b = signed(hash(&[seed, channel, cell.wrapping_add(1)]));
    let ease = frac * frac * (3.0 - 2.0 * frac);
    a + (b - a) * ease
}

/// Rounds `x` down or up with probability given by its fraction, using `h` as the coin, so sums of
/// many rounded values keep the expected total while staying whole numbers.
pub fn stochastic_round(x: f64, h: u64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    (x + unit(h)).floor()
}

/// Lower-case hex of 128 bits derived from `h` (a trace id).
pub fn trace_id(h: u64) -> String {
    format!("{:016x}{:016x}", mix(h), mix(h ^ 0xA5A5_A5A5_A5A5_A5A5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_deterministic_and_order_sensitive() {
        assert_eq!(hash(&[1, 2, 3]), hash(&[1, 2, 3]));
        assert_ne!(hash(&[1, 2, 3]), hash(&[3, 2, 1]));
    }

    #[test]
    fn unit_and_signed_stay_in_range() {
        for i in 0..10_000u64 {
            let u = unit(mix(i));
            assert!((0.0..1.0).contains(&u));
            let s = signed(mix(i));
            assert!((-1.0..1.0).contains(&s));
        }
    }

    #[test]
    fn smooth_noise_is_continuous() {
        let step = 0.5;
        let mut prev = smooth(7, 1, 0.0, 60.0);
        for i in 1..2000 {
            let v = smooth(7, 1, i as f64 * step, 60.0);
            assert!((v - prev).abs() < 0.1, "jump at {i}: {prev} -> {v}");
            assert!((-1.0..=1.0).contains(&v));
            prev = v;
        }
    }

    #[test]
    fn stochastic_rounding_keeps_the_expected_total() {
        let total: f64 = (0..100_000u64).map(|i| stochastic_round(0.3, mix(i))).sum();
        assert!((total - 30_000.0).abs() < 600.0, "total {total}");
    }

    #[test]
    fn trace_ids_are_32_hex_digits() {
        let id = trace_id(42);
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
