//! A new request, from the public form (and, later, other channels): stored
//! with its holds, its document and its audit event, and the requester
//! emailed a code and a link to confirm their address — one transaction.

use chrono::NaiveDateTime;
use domain::ids::RequestId;

use super::identity::FirstCode;
use super::{Desk, Refusal, Tx, WorkflowError};
use domain::actor::Actor;
use domain::deadline;
use domain::document::DocumentPurpose;
use domain::identifier::Identifier;
use domain::lang::Lang;
use domain::limits;
use domain::reference::Reference;
use domain::request::{Channel, OnBehalf};
use domain::submission::Submission;
use store::requests::{self, NewRequest, RequestRow};
use store::{catalog, documents};

/// A validated submission and how it arrived.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub submission: Submission,
    pub channel: Channel,
    /// The language the requester's notices are written in.
    pub lang: Lang,
}

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub id: String,
    pub reference: Reference,
}

/// A checked submission as it arrives on any channel.
pub(super) struct Arriving<'a> {
    pub submission: Submission,
    pub channel: Channel,
    pub received_at: NaiveDateTime,
    /// The ids of the categories the submission names.
    pub category_ids: Vec<String>,
    /// The subject's id in the company's systems, from a channel that knows it.
    pub subject_id: Option<String>,
    pub lang: Lang,
    /// The verification code to store with the request, when the requester
    /// is to be sent one (the caller sends it once the request is stored).
    pub first_code: Option<&'a FirstCode>,
}

/// Stores a request (with its holds, audit event and authority document)
/// received at `received_at`: its reference is numbered and its deadline
/// counted from then, in the profile's zone.
pub(super) fn store(
    tx: &mut Tx<'_, '_>,
    arriving: Arriving<'_>,
    actor: &Actor,
) -> Result<(requests::Created, RequestRow), WorkflowError> {
    let Arriving {
        submission,
        channel,
        received_at,
        category_ids,
        subject_id,
        lang,
        first_code,
    } = arriving;
    // Who asks for themselves gave their own number: the subject's.
    let subject_phone = match submission.on_behalf {
        OnBehalf::SelfRequest => submission.requester_phone.clone(),
        OnBehalf::LegalRepresentative | OnBehalf::Delegate => None,
    };
    let calendar = tx.calendar()?;
    let config = &tx.desk.config;
    let new = NewRequest {
        kind: submission.kind,
        channel,
        jurisdiction: config.jurisdiction,
        on_behalf: submission.on_behalf,
        received_at,
        reference_year: deadline::local_year(received_at, config.timezone),
        due_date: config.due_date(submission.kind, false, received_at, &calendar),
        calendar: config.calendar.label(),
        requester_name: submission.requester_name,
        requester_email: submission.requester_email,
        requester_phone: submission.requester_phone,
        subject_name: submission.subject_name,
        subject_email: submission.subject_email,
        subject_phone,
        details: submission.details,
        correction: submission.correction,
        category_ids,
        subject_id,
        lang,
    };
    let keys = &tx.desk.keys;
    let hash_for = first_code.map(|c| move |id: &RequestId| c.hash_for(&keys.codes, id));
    let code = hash_for.as_ref().map(|f| requests::FirstCode { hash_for: f });
    let created = requests::create_with_code(tx.conn, &new, &keys.identifier_index, actor, tx.now, code)?;
    if let Some(document) = &submission.authority_document {
        documents::save(
            tx.conn,
            &keys.documents,
            &created.id,
            DocumentPurpose::Authority,
            document.as_ref(),
            tx.now,
        )?;
    }
    let row = created.row.clone();
    Ok((created, row))
}

pub fn submit(desk: &Desk, input: NewSubmission) -> Result<Submitted, WorkflowError> {
    let NewSubmission {
        submission,
        channel,
        lang,
    } = input;
    desk.write(|tx| {
        let category_ids = catalog::category_ids_by_code(tx.conn, &submission.categories)?
            .ok_or(Refusal::UnknownCategory)?;
        // Anyone can name any address here: what it is sent, and how many
        // requests it has waiting, are capped (counted in the address's turn).
        tx.serialise_address(submission.requester_email.as_str())?;
        let requester_key =
            Identifier::Email(submission.requester_email.clone()).key(&desk.keys.identifier_index);
        if !limits::may_open_another(requests::unconfirmed_for_requester(tx.conn, &requester_key)?) {
            return Err(Refusal::TooManyUnconfirmed.into());
        }
        if !tx
            .recent_emails(submission.requester_email.as_str())?
            .may_send_another()
        {
            return Err(Refusal::TooManyEmails.into());
        }
        let code = FirstCode::new();
        let (created, row) = store(
            tx,
            Arriving {
                submission,
                channel,
                received_at: tx.now,
                category_ids,
                subject_id: None,
                lang,
                first_code: Some(&code),
            },
            &Actor::Requester,
        )?;
        code.send(tx, &row)?;
        Ok(Submitted {
            id: created.id.into(),
            reference: created.reference,
        })
    })
}
