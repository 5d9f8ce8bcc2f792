//! What the integration tests share, one file per concern. Everything is
//! re-exported here, so a test imports from `crate::util`.
//!
//! | file | holds |
//! | --- | --- |
//! | `app.rs` | [`spawn_app`]: a desk serving on a free port with its jobs, on a fresh database, as [`TestApp`] (one method per kind of call, and waits on the delivery job's passes; a test ends with `app.stop().await`, or the `TestApp` says so when dropped); [`desk_on`]: the desk alone, to call workflows directly |
//! | `db.rs` | [`TestDb`]: a fresh database of the backend under test (`RIGHTSDESK_TEST_BACKEND`), dropped at the end; [`footprint`] and [`audit_payloads`] for reading what a change wrote; [`cli_env`] for running the binary against it |
//! | `smtp.rs` | [`TestSmtp`]: a real SMTP server on loopback that records every message, read as [`ReceivedEmail`] |
//! | `wait.rs` | [`eventually`]: waiting, with a bound, for something done in the background |
//! | `http.rs` | [`Browser`]: a client with cookies of its own; CSRF tokens and redirects |
//! | `staff.rs` | the test company: [`seed_company`] (departments, systems, categories, one account per [`Who`]) and the smaller [`seed_catalog`]; [`signed`] for calling staff workflows |
//! | `requests.rs` | requests made ready without the forms ([`create_request`], [`logged`], [`under_review`]), worked and decided ([`finish_tasks`], [`decide_as_officer`]), and where they stand ([`id_of`], [`status_of`]) |
//! | `requester.rs` | the public form's side: [`spawn_app_with_catalog`], [`self_request`], [`verified_request`] |

mod app;
mod db;
mod http;
mod requester;
mod requests;
mod smtp;
mod staff;
mod wait;

pub use self::app::*;
pub use self::db::*;
pub use self::http::*;
pub use self::requester::*;
pub use self::requests::*;
pub use self::smtp::*;
pub use self::staff::*;
pub use self::wait::*;
