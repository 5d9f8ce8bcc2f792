//! How long to wait before trying again something that failed (an email,
//! a webhook delivery): doubling from a base, capped.

use std::time::Duration;

/// Longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// The wait before attempt `attempts + 1`: `base × 2^attempts`, at most
/// [`MAX_BACKOFF`].
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 2_u32.saturating_pow(attempts.clamp(0, 31) as u32);
    base.checked_mul(factor)
        .map_or(MAX_BACKOFF, |d| d.min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let base = Duration::from_secs(30);
        let table = [
            (0, 30),
            (1, 60),
            (2, 120),
            (5, 960),
            (10, 21_600),
            (40, 21_600),
            (-1, 30),
        ];
        for (attempts, secs) in table {
            assert_eq!(backoff(base, attempts), Duration::from_secs(secs), "{attempts}");
        }
    }
}
