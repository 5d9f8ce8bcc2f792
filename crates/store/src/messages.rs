//! Messages between the requester and staff about a request.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::RequestId;

use super::schema::request_messages;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::request::MessageAuthor;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = request_messages)]
pub struct Message {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub author: MessageAuthor,
    pub body: String,
    pub document_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author<'a> {
    Requester,
    Staff { id: &'a str },
}

pub fn add(
    conn: &mut DbConnection,
    request_id: &RequestId,
    author: Author<'_>,
    body: &str,
    document_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    let (author, staff_id) = match author {
        Author::Requester => (MessageAuthor::Requester, None),
        Author::Staff { id } => (MessageAuthor::Staff, Some(id)),
    };
    diesel::insert_into(request_messages::table)
        .values((
            request_messages::id.eq(&id),
            request_messages::request_id.eq(request_id.as_str()),
            request_messages::author.eq(Wire(author)),
            request_messages::staff_id.eq(staff_id),
            request_messages::body.eq(body),
            request_messages::document_id.eq(document_id),
            request_messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn list_for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Message>, StoreError> {
    Ok(request_messages::table
        .filter(request_messages::request_id.eq(request_id.as_str()))
        .order(request_messages::created_at.asc())
        .select(Message::as_select())
        .load(conn)?)
}
