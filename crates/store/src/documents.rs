//! Documents: encrypted at rest with AES-256-GCM under the documents key;
//! the document's id is the associated data, so ciphertext moved to another
//! row does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::{DocumentId, RequestId};
use rand::RngCore;

use super::schema::documents;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::document::{AcceptedDocumentRef, DocumentPurpose};

fn cipher(key: &[u8; 32]) -> Aes256Gcm {
    Aes256Gcm::new(key.into())
}

/// Encrypts `bytes` bound to `id` (the associated data): the nonce and the
/// ciphertext, for any content kept encrypted at rest.
pub fn seal(key: &[u8; 32], id: &str, bytes: &[u8]) -> Result<([u8; 12], Vec<u8>), StoreError> {
    let mut nonce = [0_u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let ciphertext = cipher(key)
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: bytes,
                aad: id.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Crypto(format!("content {id}")))?;
    Ok((nonce, ciphertext))
}

/// Decrypts what [`seal`] made for `id`.
pub fn open(key: &[u8; 32], id: &str, nonce: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, StoreError> {
    let nonce: [u8; 12] = nonce
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("content {id}: bad nonce")))?;
    cipher(key)
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: id.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Corrupt(format!("content {id} does not decrypt")))
}

/// Encrypts and stores a document; returns its id.
pub fn save(
    conn: &mut DbConnection,
    key: &[u8; 32],
    request_id: &RequestId,
    purpose: DocumentPurpose,
    document: AcceptedDocumentRef<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    save_for_task(conn, key, request_id, None, purpose, document, now)
}

/// Encrypts and stores a document, returned by a task when `task_id` is set.
pub fn save_for_task(
    conn: &mut DbConnection,
    key: &[u8; 32],
    request_id: &RequestId,
    task_id: Option<&str>,
    purpose: DocumentPurpose,
    document: AcceptedDocumentRef<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    let (nonce, ciphertext) = seal(key, &id, document.bytes)?;
    diesel::insert_into(documents::table)
        .values((
            documents::id.eq(&id),
            documents::request_id.eq(request_id.as_str()),
            documents::purpose.eq(Wire(purpose)),
            documents::filename.eq(document.filename),
            documents::content_type.eq(document.kind.content_type()),
            documents::size_bytes.eq(document.bytes.len() as i64),
            documents::nonce.eq(&nonce[..]),
            documents::ciphertext.eq(&ciphertext),
            documents::uploaded_at.eq(now),
            documents::task_id.eq(task_id),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A document's description (without its content).
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = documents)]
pub struct DocumentInfo {
    #[diesel(deserialize_as = String)]
    pub id: DocumentId,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub purpose: DocumentPurpose,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: NaiveDateTime,
    pub task_id: Option<String>,
}

/// The documents of a request that have not been deleted, oldest first.
pub fn list_for_request(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Vec<DocumentInfo>, StoreError> {
    Ok(documents::table
        .filter(documents::request_id.eq(request_id.as_str()))
        .filter(documents::deleted_at.is_null())
        .order(documents::uploaded_at.asc())
        .select(DocumentInfo::as_select())
        .load(conn)?)
}

/// A document's content as stored, still encrypted: [`Sealed::open`]
/// decrypts it once the caller has decided the reader may have it.
pub struct Sealed {
    id: DocumentId,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
}

impl Sealed {
    /// Decrypts the content.
    pub fn open(&self, key: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
        open(key, self.id.as_str(), &self.nonce, &self.ciphertext)
    }
}

/// Reads and decrypts a document of `request_id`. A document of another
/// request is not found.
pub fn read(
    conn: &mut DbConnection,
    key: &[u8; 32],
    request_id: &RequestId,
    document_id: &DocumentId,
) -> Result<(DocumentInfo, Vec<u8>), StoreError> {
    let (info, sealed) = sealed(conn, request_id, document_id)?;
    let plain = sealed.open(key)?;
    Ok((info, plain))
}

/// A document of `request_id` with its content still encrypted. A
/// document of another request is not found.
pub fn sealed(
    conn: &mut DbConnection,
    request_id: &RequestId,
    document_id: &DocumentId,
) -> Result<(DocumentInfo, Sealed), StoreError> {
    let (info, nonce, ciphertext): (DocumentInfo, Vec<u8>, Vec<u8>) = documents::table
        .filter(documents::id.eq(document_id.as_str()))
        .filter(documents::request_id.eq(request_id.as_str()))
        .filter(documents::deleted_at.is_null())
        .select((DocumentInfo::as_select(), documents::nonce, documents::ciphertext))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let sealed = Sealed {
        id: info.id.clone(),
        nonce,
        ciphertext,
    };
    Ok((info, sealed))
}

/// The stored (encrypted) bytes, for operators and tests.
pub fn stored_bytes(conn: &mut DbConnection, document_id: &DocumentId) -> Result<Vec<u8>, StoreError> {
    documents::table
        .find(document_id.as_str())
        .select(documents::ciphertext)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}
