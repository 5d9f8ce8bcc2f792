//! Pure rules of the desk: no I/O, no clock, no database. Everything here is
//! a function of its arguments and is unit-tested beside its definition.
//! The texts of pages and notices (`locales/`) are data here too: [`lang`].

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

rust_i18n::i18n!("../../locales", fallback = "ko");

pub mod actor;
pub mod address;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod citation;
pub mod deadline;
pub mod decision;
pub mod document;
pub mod email;
pub mod four_eyes;
pub mod grant;
pub mod hold;
pub mod identifier;
pub mod ids;
pub mod intake;
pub mod jurisdiction;
pub mod lang;
pub mod letterhead;
pub mod lifecycle;
pub mod limits;
pub mod login;
pub mod permission;
pub mod profile;
pub mod prolongation;
pub mod reference;
pub mod reminder;
pub mod request;
pub mod retention;
pub mod retry;
pub mod service;
pub mod staff;
pub mod submission;
pub mod task;
pub mod text;
pub mod timestamp;
pub mod webhook;
pub mod wire;
