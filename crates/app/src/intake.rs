//! A request logged by staff (or, later, another system) for a requester
//! who asked by phone, email, fax or letter: the same fields and checks as
//! the public form, a receipt time that may lie in the past (the deadline
//! counts from it), and either identity checked by staff — the request
//! goes straight to work — or a code emailed like any web request.

use chrono::NaiveDateTime;

use super::identity::FirstCode;
use super::submit::{Arriving, store};
use super::{Desk, Refusal, Submitted, WorkflowError};
use auth::tokens::Purpose;
use domain::actor::Actor;
use domain::intake::check_received_at;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, VerificationState};
use domain::submission::Submission;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::{catalog, verification};

#[derive(Debug, Clone)]
pub struct Intake {
    pub submission: Submission,
    pub channel: Channel,
    /// When the company received it (UTC); within the last year, not in the future.
    pub received_at: NaiveDateTime,
    /// Staff confirmed identity (and any authority) on the channel.
    pub identity_checked: bool,
    /// The subject's id in the company's systems, when the channel knows it.
    pub subject_id: Option<String>,
    pub lang: Lang,
}

pub fn log_request(desk: &Desk, actor: &Actor, input: Intake) -> Result<Submitted, WorkflowError> {
    let Intake {
        submission,
        channel,
        received_at,
        identity_checked,
        subject_id,
        lang,
    } = input;
    desk.write(|tx| {
        let received_at = check_received_at(received_at, tx.now).map_err(Refusal::from)?;
        let category_ids = catalog::category_ids_by_code(tx.conn, &submission.categories)?
            .ok_or(Refusal::UnknownCategory)?;
        // A request the channel has not verified is sent a code.
        let code = (!identity_checked).then(FirstCode::new);
        let (created, row) = store(
            tx,
            Arriving {
                submission,
                channel,
                received_at,
                category_ids,
                subject_id,
                lang,
                first_code: code.as_ref(),
            },
            actor,
        )?;
        if let Some(code) = code {
            code.send(tx, &row)?;
        } else {
            verification::mark_verified(tx.conn, &row.id, VerificationState::StaffConfirmed, tx.now)?;
            let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
            let notice = notices::verified(
                crate::recipients::requester(&row),
                &link,
                false,
                crate::recipients::answer_by(&row),
            );
            let transition = Transition {
                payload: serde_json::json!({"verified_by": "staff", "channel": channel}),
                ..Transition::new(&row.id, RequestStatus::InProgress, actor)
            };
            tx.transition(transition, &[notice])?;
        }
        Ok(Submitted {
            id: created.id.into(),
            reference: created.reference,
        })
    })
}
