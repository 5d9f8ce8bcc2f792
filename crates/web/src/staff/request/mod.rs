//! `/staff/requests/{reference}`: every detail of a request, and exactly the
//! actions the member's role and the request's state allow (the same rules
//! the workflows enforce). Each action posts to its own path and comes back
//! to the page; a refusal the member can fix shows the page again with the
//! message and what they typed.

//!
//! [`view`] builds the page (and the reads that show it: revealed
//! identifiers, a document's download); [`actions`] holds the forms and
//! the handlers that change the request.

mod actions;
mod view;

pub use actions::{
    approve, ask, assign, complete, decide, lift_hold, message, note, place_hold, prolong, reopen, review,
};
pub use view::{document, reveal, view};
