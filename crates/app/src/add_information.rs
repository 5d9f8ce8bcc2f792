//! The requester sends more information (a message and, optionally, a
//! document). A request that was waiting for it goes back to work, or to
//! staff review if identity is not yet established.

use super::{Desk, Refusal, WorkflowError};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::document::DocumentPurpose;
use domain::ids::RequestId;
use domain::lifecycle::{RequestStatus, RequesterOptions};
use domain::submission::{AcceptedDocument, RequesterText};
use store::lifecycle::Transition;
use store::{documents, messages, requests};

#[derive(Debug, Clone)]
pub struct AddInformation {
    pub request_id: RequestId,
    pub message: RequesterText,
    pub document: Option<AcceptedDocument>,
}

pub fn add_information(desk: &Desk, input: AddInformation) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let row = requests::get(tx.conn, &input.request_id)?;
        if !RequesterOptions::of(row.kind, row.status).add_information {
            return Err(Refusal::ClosedForChanges.into());
        }
        let document_id = match &input.document {
            Some(document) => Some(documents::save(
                tx.conn,
                &desk.keys.documents,
                &row.id,
                DocumentPurpose::RequesterInformation,
                document.as_ref(),
                tx.now,
            )?),
            None => None,
        };
        let message_id = messages::add(
            tx.conn,
            &row.id,
            messages::Author::Requester,
            input.message.as_str(),
            document_id.as_deref(),
            tx.now,
        )?;
        tx.record(
            &row.id,
            &Actor::Requester,
            AuditAction::InformationAdded,
            serde_json::json!({"message": message_id, "document": document_id}),
        )?;
        if row.status == RequestStatus::AwaitingRequester {
            let to = desk
                .identity_policy()
                .status_after_requester(row.on_behalf, row.verification_state);
            let transition = Transition {
                payload: serde_json::json!({"after": AuditAction::InformationAdded}),
                ..Transition::new(&row.id, to, &Actor::Requester)
            };
            tx.transition(transition, &[])?;
        }
        Ok(())
    })
}
