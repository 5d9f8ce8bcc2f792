//! Integration tests. Every test runs against a fresh database of the
//! backend named by RIGHTSDESK_TEST_BACKEND (sqlite, the default, or
//! postgres with RIGHTSDESK_TEST_PG), and email goes over real SMTP to a
//! server on loopback. `./scripts/test` runs this suite on both backends.

mod audit;
mod binary;
mod cli;
mod hardening;
mod lifecycle;
mod machine;
mod openapi;
mod outbox;
mod plans;
mod references;
mod refusals;
mod requester;
mod schema;
mod staff;
mod state;
mod util;
mod web;
mod webhooks;
mod workflow;
mod workspace;
