//! Secrets and credentials: the deployment's secret key and the keys derived
//! from it, and staff passwords.

pub mod keys;
pub mod password;
