//! Secrets and credentials: the deployment's secret key and the keys derived
//! from it, and staff passwords.

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod codes;
pub mod csrf;
pub mod keys;
pub mod password;
pub mod tokens;
pub mod totp;
pub mod webhooks;
