//! Who a request's notices go to, and the date they promise, from the
//! stored request.

use domain::lang::Lang;
use domain::profile::Profile;
use mail::notices::{AnswerBy, Recipient};
use store::requests::RequestRow;

/// The requester of a stored request, in the language they asked in.
pub fn requester(row: &RequestRow) -> Recipient {
    Recipient {
        request_id: Some(row.id.clone().into()),
        reference: Some(row.reference.clone()),
        name: row.requester_name.clone(),
        email: row.requester_email.clone(),
        lang: row.lang,
    }
}

/// A staff member (or a department's mailbox) told about a request.
pub fn staff_about(row: &RequestRow, name: &str, email: &str, lang: Lang) -> Recipient {
    Recipient {
        request_id: Some(row.id.clone().into()),
        reference: Some(row.reference.clone()),
        name: name.to_owned(),
        email: email.to_owned(),
        lang,
    }
}

/// The due date in force of a stored request, under its profile.
pub fn answer_by(row: &RequestRow) -> Option<AnswerBy> {
    Some(AnswerBy {
        date: row.due_date?,
        law: Profile::of(row.jurisdiction).rule(row.kind).law,
    })
}
