//! The staff workspace: sign-in, the authorization matrix, the queue, and
//! requests worked from verification to their final notice.

mod authz;
mod calendar;
mod catalogue;
mod flows;
mod four_eyes;
mod grants;
mod legal_hold;
mod letterhead;
mod prolong;
mod queue;
mod reminders;
mod results;
mod second_factor;
mod signin;
