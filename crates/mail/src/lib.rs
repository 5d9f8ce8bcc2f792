//! Outgoing email: the notices the desk sends (rendered in the requester's
//! or staff member's language) and the transports that carry them (SMTP,
//! or `.eml` files by default). Emails are queued in the same transaction
//! as the change that causes them and delivered by the application's job.

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod notices;

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::message::{Mailbox, MultiPart, header};
use lettre::{Message, SmtpTransport, Transport};

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransportConfig {
    Smtp(String),
    /// `.eml` files in this folder.
    Files(PathBuf),
}

/// One email as it leaves: the queued message with the Message-ID it keeps
/// on every attempt (so a receiver can drop a duplicate).
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    pub message_id: &'a str,
}

/// How email leaves the desk.
#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpTransport),
    /// `.eml` files in this folder. They hold codes, status links and
    /// set-password links: the folder is 0700 and each file 0600.
    Files(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("file transport: {0}")]
    File(#[from] std::io::Error),
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
                private_dir(dir)
                    .map_err(|e| MailError::Setup(format!("cannot create {}: {e}", dir.display())))?;
                Ok(Mailer::Files(dir.clone()))
            }
        }
    }

    /// Sends one email, blocking.
    pub fn send(&self, from: &Mailbox, email: &Outgoing<'_>) -> Result<(), MailError> {
        let message = build_message(from, email)?;
        match self {
            Mailer::Smtp(t) => {
                t.send(&message)?;
            }
            Mailer::Files(dir) => write_private(dir, &message.formatted())?,
        }
        Ok(())
    }
}

/// Makes `dir` (and any folder above it that is missing) and narrows it to
/// its owner (0700).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Writes one email as `{uuid}.eml` in `dir`, readable by its owner only
/// from the moment it exists.
fn write_private(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(format!("{}.eml", uuid::Uuid::now_v7()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)
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
/// Date, `Auto-Submitted: auto-generated`, and the email's Message-ID, so a
/// receiver can drop a duplicate.
pub fn build_message(from: &Mailbox, email: &Outgoing<'_>) -> Result<Message, MailError> {
    let to: Mailbox = email
        .recipient
        .parse()
        .map_err(|e| MailError::Build(format!("recipient {:?}: {e}", email.recipient)))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject)
        .date_now()
        .header(AutoSubmitted)
        .message_id(Some(email.message_id.to_owned()));
    let message = match email.body_html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.body_text.to_owned(),
            html.to_owned(),
        )),
        None => builder
            .header(header::ContentType::TEXT_PLAIN)
            .body(email.body_text.to_owned()),
    };
    message.map_err(|e| MailError::Build(e.to_string()))
}
