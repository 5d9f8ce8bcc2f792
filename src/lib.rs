//! Rightsdesk: a data subject rights desk. See README.md for the map.

rust_i18n::i18n!("locales", fallback = "ko");

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod store;
pub mod web;
pub mod workflow;
