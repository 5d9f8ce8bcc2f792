//! Reading `multipart/form-data` posts: text fields up to a limit, and one
//! file field read into memory up to the document limit. A file past the
//! limit is reported (so the form can say so) rather than failing the post,
//! unless the body is far beyond any honest upload.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::error::AppError;
use crate::domain::document::MAX_DOCUMENT_BYTES;
use crate::domain::submission::Upload;

const MAX_FIELD_BYTES: usize = 64 * 1024;
const MAX_FIELDS: usize = 200;
/// Past this many bytes of file the post is refused outright (413).
const MAX_DRAIN_BYTES: usize = MAX_DOCUMENT_BYTES + 16 * 1024 * 1024;

/// A multipart form, read.
#[derive(Debug)]
pub struct FormData {
    fields: Vec<(String, String)>,
    pub file: Upload,
}

impl FormData {
    /// The first value of a field, if sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a field, or empty.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// Every value of a repeatable field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn malformed(e: impl std::fmt::Display) -> AppError {
    tracing::debug!(error = %e, "malformed multipart body");
    AppError::bad_request("error.form.malformed")
}

/// Reads the whole form. `file_field` names the one field read as a file.
pub async fn read(mut payload: Multipart, file_field: &str) -> Result<FormData, AppError> {
    let mut fields = Vec::new();
    let mut file = Upload::None;
    let mut count = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(malformed)?;
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
            let mut bytes = Vec::new();
            let mut total = 0_usize;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(malformed)?;
                total += chunk.len();
                if total > MAX_DRAIN_BYTES {
                    return Err(AppError::PayloadTooLarge);
                }
                if total <= MAX_DOCUMENT_BYTES {
                    bytes.extend_from_slice(&chunk);
                }
            }
            file = if total > MAX_DOCUMENT_BYTES {
                Upload::TooLarge
            } else if total == 0 && filename.is_empty() {
                // The browser sends an empty part when no file was chosen.
                Upload::None
            } else {
                Upload::File { filename, bytes }
            };
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(malformed)?;
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(AppError::bad_request("error.form.field_too_long"));
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value).map_err(|_| AppError::bad_request("error.form.not_utf8"))?;
            fields.push((name, value));
        }
    }
    Ok(FormData { fields, file })
}
