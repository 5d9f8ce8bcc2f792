//! How the domain's closed sets are stored: as their wire names in text
//! columns, on both backends. Reading a name outside the set is an error
//! (and the database's CHECK constraints refuse writing one), so no code
//! above the store ever compares a state as a string.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{HasSqlType, Nullable, Text};
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;

/// The SQL type of a column that holds a member of one of the domain's
/// closed sets: text on both backends, read as the domain's type and
/// written as [`Wire`] of it (a bare string does not compare with it).
#[derive(Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 25, array_oid = 1009))]
#[diesel(sqlite_type(name = "Text"))]
pub struct WireText;

impl HasSqlType<WireText> for MultiBackend {
    fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
        MultiBackend::lookup_sql_type::<WireText>(lookup)
    }
}

/// A member of a closed set as a value to write or compare with a
/// [`WireText`] column: `requests::status.eq(Wire(RequestStatus::InProgress))`.
/// (The domain's types cannot be SQL expressions themselves: the domain
/// crate knows nothing of diesel, and the orphan rule keeps this crate
/// from making them expressions.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire<T>(pub T);

impl<T: WireName> AsExpression<WireText> for Wire<T> {
    type Expression = Bound<WireText, Self>;
    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<T: WireName> AsExpression<WireText> for &Wire<T> {
    type Expression = Bound<WireText, Self>;
    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<T: WireName> AsExpression<Nullable<WireText>> for Wire<T> {
    type Expression = Bound<Nullable<WireText>, Self>;
    fn as_expression(self) -> Self::Expression {
        Bound::new(self)
    }
}

impl<T: WireName> ToSql<WireText, Sqlite> for Wire<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        <str as ToSql<Text, Sqlite>>::to_sql(self.0.wire_name(), out)
    }
}

impl<T: WireName> ToSql<WireText, Pg> for Wire<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(self.0.wire_name(), out)
    }
}

impl<T: WireName + std::fmt::Debug> ToSql<WireText, MultiBackend> for Wire<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((WireText, self));
        Ok(IsNull::No)
    }
}

impl<T, DB> ToSql<Nullable<WireText>, DB> for Wire<T>
where
    DB: Backend,
    Wire<T>: ToSql<WireText, DB>,
    T: std::fmt::Debug,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <Self as ToSql<WireText, DB>>::to_sql(self, out)
    }
}

impl<T> From<T> for Wire<T> {
    fn from(value: T) -> Self {
        Wire(value)
    }
}

/// A [`WireText`] column's text exactly as stored, whatever it says: what
/// the audit chain's hash covers, so that verification reports even a
/// value outside every known set as an alteration.
#[derive(Debug, Clone, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow, serde::Serialize)]
#[diesel(sql_type = WireText)]
#[serde(transparent)]
pub struct StoredText(pub String);

impl FromSql<WireText, Sqlite> for StoredText {
    fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(StoredText(<String as FromSql<Text, Sqlite>>::from_sql(bytes)?))
    }
}

impl FromSql<WireText, Pg> for StoredText {
    fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(StoredText(<String as FromSql<Text, Pg>>::from_sql(bytes)?))
    }
}

impl FromSql<WireText, MultiBackend> for StoredText {
    fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        bytes.from_sql::<Self, WireText>()
    }
}

impl ToSql<WireText, Sqlite> for StoredText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        <str as ToSql<Text, Sqlite>>::to_sql(&self.0, out)
    }
}

impl ToSql<WireText, Pg> for StoredText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<Text, Pg>>::to_sql(&self.0, out)
    }
}

impl ToSql<WireText, MultiBackend> for StoredText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((WireText, self));
        Ok(IsNull::No)
    }
}

/// Implements reading [`WireText`] columns as the domain's closed sets
/// (and writing them, for `Option`s of them, which diesel binds itself).
macro_rules! wire_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl FromSql<WireText, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
                Ok(<$ty as WireName>::from_wire_name(&text)?)
            }
        }

        impl FromSql<WireText, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(<$ty as WireName>::from_wire_name(&text)?)
            }
        }

        impl FromSql<WireText, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, WireText>()
            }
        }

        impl ToSql<WireText, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(WireName::wire_name(*self), out)
            }
        }

        impl ToSql<WireText, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(WireName::wire_name(*self), out)
            }
        }

        impl ToSql<WireText, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((WireText, self));
                Ok(IsNull::No)
            }
        }

        impl<DB> Queryable<WireText, DB> for $ty
        where
            DB: Backend,
            $ty: FromSql<WireText, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

use domain::actor::ActorKind;
use domain::audit::AuditAction;
use domain::calendar::DayChange;
use domain::catalog::DepartmentFunction;
use domain::decision::{DecisionOutcome, DecisionState, RefusalGround};
use domain::document::DocumentPurpose;
use domain::email::EmailStatus;
use domain::hold::HoldReason;
use domain::identifier::IdentifierScheme;
use domain::jurisdiction::Jurisdiction;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::profile::Prolongation;
use domain::request::{Channel, MessageAuthor, OnBehalf, RequestKind, VerificationState};
use domain::retention::RetentionBasis;
use domain::staff::StaffRole;
use domain::task::{RoutingMode, TaskOutcome, TaskStatus};
use domain::webhook::{DeliveryStatus, WebhookEvent};
use domain::wire::WireName;

wire_column!(
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
