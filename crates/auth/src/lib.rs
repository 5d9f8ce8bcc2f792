//! Secrets and credentials: the deployment's secret key and the keys derived
//! from it, and staff passwords.

pub mod codes;
pub mod csrf;
pub mod keys;
pub mod password;
pub mod tokens;
pub mod totp;
pub mod webhooks;
