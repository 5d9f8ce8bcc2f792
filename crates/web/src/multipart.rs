//! Reading `multipart/form-data` posts (the forms that carry a file) so
//! that what a stranger sends costs little: the CSRF token must be the
//! first field and is checked before anything else is read; the whole body
//! is capped (and refused at once when its declared length is over the
//! cap); only a few bodies are read at a time per instance; and a file
//! past the document limit (but within the cap) is reported, so the form
//! can say so.

use domain::submission::RawSubmission;
use std::sync::Arc;
use std::time::Duration;

use actix_multipart::{Multipart, MultipartError};
use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_LENGTH;
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::csrf::Csrf;
use super::error::{AppError, UserMessage};
use auth::csrf::FIELD as CSRF_FIELD;
use domain::document::MAX_DOCUMENT_BYTES;
use domain::submission::Upload;

const MAX_FIELD_BYTES: usize = 64 * 1024;
const MAX_FIELDS: usize = 200;
/// The most a whole multipart body may hold: one document at its limit and
/// room for the form's text.
pub const MAX_BODY_BYTES: usize = MAX_DOCUMENT_BYTES + 1024 * 1024;
/// Bodies read at once per instance; with [`MAX_BODY_BYTES`] this bounds
/// the memory uploads can take, whatever clients send.
pub const UPLOAD_SLOTS: usize = 4;
/// How long a post waits for a free slot before it is told to come back.
const SLOT_WAIT: Duration = Duration::from_secs(10);

/// The slots uploads are read in (one per instance, shared by its workers).
#[derive(Clone)]
pub struct UploadSlots(Arc<Semaphore>);

impl Default for UploadSlots {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(UPLOAD_SLOTS)))
    }
}

impl UploadSlots {
    async fn acquire(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(SLOT_WAIT, self.0.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: UserMessage::new("error.form.busy"),
            }),
        }
    }
}

/// A multipart form, read. It holds its upload slot until it is dropped
/// (when the handler that read it has finished with its bytes).
#[derive(Debug)]
pub struct FormData {
    fields: Vec<(String, String)>,
    pub file: Upload,
    _slot: OwnedSemaphorePermit,
}

impl FormData {
    /// The value of a field, or empty.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of a repeatable field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The request form's fields as typed (the public form and staff
    /// intake post the same ones).
    pub fn submission(&self) -> RawSubmission {
        RawSubmission {
            kind: self.text("kind"),
            requester_name: self.text("requester_name"),
            requester_email: self.text("requester_email"),
            requester_phone: self.text("requester_phone"),
            on_behalf: self.text("on_behalf"),
            subject_name: self.text("subject_name"),
            subject_email: self.text("subject_email"),
            details: self.text("details"),
            correction: self.text("correction"),
            categories: self.all("categories"),
            website: self.text("website"),
        }
    }
}

/// Why a body could not be read, as the person is told.
fn refused(e: MultipartError) -> AppError {
    if let MultipartError::Payload(payload) = &e
        && super::body::is_timeout(payload)
    {
        return AppError::Refused {
            status: StatusCode::REQUEST_TIMEOUT,
            message: UserMessage::new("error.form.too_slow"),
        };
    }
    tracing::debug!(error = %e, "malformed multipart body");
    AppError::bad_request("error.form.malformed")
}

/// Reads one part's bytes, counting them against the body's cap; returns
/// the bytes kept (none if the part holds more than `keep`) and how many
/// the part held. Chunks are kept as they arrive and joined once at the
/// end, so a part costs its size, not a growing buffer's.
async fn read_part(
    field: &mut actix_multipart::Field,
    keep: usize,
    body_bytes: &mut usize,
) -> Result<(Vec<u8>, usize), AppError> {
    let mut chunks = Vec::new();
    let mut total = 0_usize;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(refused)?;
        total += chunk.len();
        *body_bytes += chunk.len();
        if *body_bytes > MAX_BODY_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        if total <= keep {
            chunks.push(chunk);
        } else {
            chunks.clear();
        }
    }
    Ok((chunks.concat(), total))
}

/// Reads the form: first its CSRF token (a post without a good one is
/// refused, 403, having read only that), then the rest. `file_field` names
/// the one field read as a file.
pub async fn read(
    req: &HttpRequest,
    mut payload: Multipart,
    file_field: &str,
    csrf: &Csrf,
    slots: &UploadSlots,
) -> Result<FormData, AppError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(AppError::PayloadTooLarge);
    }
    let slot = slots.acquire().await?;
    let mut body_bytes = 0_usize;

    let token = {
        // A field must be dropped before the next one can be read.
        let mut first = payload
            .next()
            .await
            .ok_or(AppError::Forbidden)?
            .map_err(refused)?;
        if first.name() != Some(CSRF_FIELD) {
            return Err(AppError::Forbidden);
        }
        read_part(&mut first, 1024, &mut body_bytes).await?.0
    };
    csrf.check(std::str::from_utf8(&token).ok())?;

    let mut fields = Vec::new();
    let mut file = Upload::None;
    let mut count = 1;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(refused)?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(AppError::bad_request("error.form.too_many_fields"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let filename = field
                .content_disposition()
                .and_then(|cd| cd.get_filename().map(str::to_owned))
                .unwrap_or_default();
            let (bytes, total) = read_part(&mut field, MAX_DOCUMENT_BYTES, &mut body_bytes).await?;
            file = if total > MAX_DOCUMENT_BYTES {
                Upload::TooLarge
            } else if total == 0 && filename.is_empty() {
                // The browser sends an empty part when no file was chosen.
                Upload::None
            } else {
                Upload::File { filename, bytes }
            };
        } else {
            let (value, total) = read_part(&mut field, MAX_FIELD_BYTES, &mut body_bytes).await?;
            if total > MAX_FIELD_BYTES {
                return Err(AppError::bad_request("error.form.field_too_long"));
            }
            let value = String::from_utf8(value).map_err(|_| AppError::bad_request("error.form.not_utf8"))?;
            fields.push((name, value));
        }
    }
    Ok(FormData {
        fields,
        file,
        _slot: slot,
    })
}
