//! Outgoing email: the transports (SMTP, or `.eml` files by default) and
//! the delivery of the outbox. Emails are queued by the store in the same
//! transaction as the change that causes them; see [`delivery`].

pub mod delivery;
pub mod notices;

use lettre::message::{Mailbox, MultiPart, header};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::MailTransportConfig;
use crate::store::outbox::ClaimedEmail;

/// How email leaves the desk.
#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpTransport),
    Files(FileTransport),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("file transport: {0}")]
    File(#[from] lettre::transport::file::Error),
    #[error("transport setup: {0}")]
    Setup(String),
}

impl Mailer {
    pub fn from_config(config: &MailTransportConfig) -> Result<Self, MailError> {
        match config {
            MailTransportConfig::Smtp(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| MailError::Setup(e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            MailTransportConfig::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| MailError::Setup(format!("cannot create {}: {e}", dir.display())))?;
                Ok(Mailer::Files(FileTransport::new(dir)))
            }
        }
    }

    /// Sends one claimed outbox email, blocking.
    pub fn send(&self, from: &Mailbox, email: &ClaimedEmail) -> Result<(), MailError> {
        let message = build_message(from, email)?;
        match self {
            Mailer::Smtp(t) => {
                t.send(&message)?;
            }
            Mailer::Files(t) => {
                t.send(&message)?;
            }
        }
        Ok(())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): the desk's notices are
/// sent by a program, so mail systems send no out-of-office answers to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoSubmitted;

impl header::Header for AutoSubmitted {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        if s.trim().eq_ignore_ascii_case("auto-generated") {
            Ok(AutoSubmitted)
        } else {
            Err(format!("Auto-Submitted: {s:?} is not auto-generated").into())
        }
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// Builds the MIME message: plain text, plus HTML when there is one; a
/// Date, `Auto-Submitted: auto-generated`, and the outbox row's Message-ID,
/// so a receiver can drop a duplicate.
pub fn build_message(from: &Mailbox, email: &ClaimedEmail) -> Result<Message, MailError> {
    let to: Mailbox = email
        .recipient
        .parse()
        .map_err(|e| MailError::Build(format!("recipient {:?}: {e}", email.recipient)))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&email.subject)
        .date_now()
        .header(AutoSubmitted)
        .message_id(Some(email.message_id.clone()));
    let message = match &email.body_html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            html.clone(),
        )),
        None => builder
            .header(header::ContentType::TEXT_PLAIN)
            .body(email.body_text.clone()),
    };
    message.map_err(|e| MailError::Build(e.to_string()))
}
