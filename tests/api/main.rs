//! Integration tests. Every test runs against a fresh database of the
//! backend named by RIGHTSDESK_TEST_BACKEND (sqlite, the default, or
//! postgres with RIGHTSDESK_TEST_PG), and email goes over real SMTP to a
//! server on loopback. `./scripts/test` runs this suite on both backends.

mod api_gate;
mod audit;
mod binary;
mod cli;
mod files;
mod hardening;
mod lifecycle;
mod machine;
mod openapi;
mod outbox;
mod plans;
mod receipt_time;
mod references;
mod refusals;
mod requester;
mod schema;
mod staff;
mod state;
mod util;
mod web;
mod webhook_guard;
mod webhooks;
mod workflow;
mod workspace;
