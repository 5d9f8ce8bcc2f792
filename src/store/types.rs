//! How the domain's closed sets are stored: as their wire names in text
//! columns, on both backends. Reading a name outside the set is an error
//! (and the database's CHECK constraints refuse writing one), so no code
//! above the store ever compares a state as a string.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;

/// Implements text-column reading and writing for types with
/// `as_str(self) -> &'static str` and `FromStr`.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                Ok(text.parse::<$ty>()?)
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(text.parse::<$ty>()?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )+};
}

use crate::domain::actor::ActorKind;
use crate::domain::audit::AuditAction;
use crate::domain::calendar::DayChange;
use crate::domain::catalog::DepartmentFunction;
use crate::domain::decision::{DecisionOutcome, DecisionState, RefusalGround};
use crate::domain::document::DocumentPurpose;
use crate::domain::email::EmailStatus;
use crate::domain::hold::HoldReason;
use crate::domain::identifier::IdentifierScheme;
use crate::domain::jurisdiction::Jurisdiction;
use crate::domain::lifecycle::RequestStatus;
use crate::domain::profile::Prolongation;
use crate::domain::request::{Channel, MessageAuthor, OnBehalf, RequestKind, VerificationState};
use crate::domain::retention::RetentionBasis;
use crate::domain::staff::StaffRole;
use crate::domain::task::{RoutingMode, TaskOutcome, TaskStatus};
use crate::domain::webhook::{DeliveryStatus, WebhookEvent};
use crate::i18n::Lang;

text_column!(
    ActorKind,
    AuditAction,
    Channel,
    DayChange,
    DecisionOutcome,
    DecisionState,
    DeliveryStatus,
    DepartmentFunction,
    DocumentPurpose,
    EmailStatus,
    HoldReason,
    IdentifierScheme,
    Jurisdiction,
    Lang,
    MessageAuthor,
    OnBehalf,
    Prolongation,
    RefusalGround,
    RequestKind,
    RequestStatus,
    RetentionBasis,
    RoutingMode,
    StaffRole,
    TaskOutcome,
    TaskStatus,
    VerificationState,
    WebhookEvent,
);
