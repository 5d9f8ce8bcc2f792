//! Statements written out in SQL that diesel keeps prepared.
//!
//! Diesel prepares every UPDATE, upsert and raw SQL statement anew on each
//! call (a changeset may skip its `None` fields, so a statement's type does
//! not fix its text), and on SQLite preparing — parsing and planning — is
//! much of a small write's cost: a tenth of the server's time under intake,
//! in a profile. A [`Prepared`] statement is its text, with `?` where each bind
//! goes, and its binds; diesel keys its cache by that text, so it is
//! prepared once per connection. For statements the hot paths run on every
//! write; the rest keep diesel's query builder.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::result::{Error, QueryResult};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// A statement's text and binds; `ST` is what a statement with RETURNING
/// returns (`Untyped` for one that returns nothing or is read by name).
#[derive(Debug, Clone)]
pub struct Prepared<B, ST = Untyped> {
    sql: &'static str,
    binds: B,
    returns: PhantomData<ST>,
}

/// A statement that returns no rows, or rows read by name.
pub fn prepared<B>(sql: &'static str, binds: B) -> Prepared<B> {
    Prepared {
        sql,
        binds,
        returns: PhantomData,
    }
}

/// A statement whose RETURNING clause gives values of `ST`.
pub fn prepared_returning<ST, B>(sql: &'static str, binds: B) -> Prepared<B, ST> {
    Prepared {
        sql,
        binds,
        returns: PhantomData,
    }
}

/// A statement's binds: a tuple of `(SqlType, value)` pairs, in the order
/// of the `?`s.
pub trait Binds<DB: Backend> {
    const COUNT: usize;
    fn push<'b>(&'b self, index: usize, pass: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

impl<DB: Backend> Binds<DB> for () {
    const COUNT: usize = 0;
    fn push<'b>(&'b self, _index: usize, _pass: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Err(Error::QueryBuilderError(
            "a prepared statement has more ? than binds".into(),
        ))
    }
}

macro_rules! binds {
    ($count:expr; $($index:tt: $sql:ident $value:ident),+) => {
        impl<DB, $($sql, $value),+> Binds<DB> for ($(($sql, $value),)+)
        where
            DB: Backend $(+ HasSqlType<$sql>)+,
            $($value: ToSql<$sql, DB>,)+
        {
            const COUNT: usize = $count;
            fn push<'b>(&'b self, index: usize, pass: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
                match index {
                    $($index => pass.push_bind_param::<$sql, $value>(&(self.$index).1),)+
                    _ => Err(Error::QueryBuilderError("a prepared statement has more ? than binds".into())),
                }
            }
        }
    };
}

binds!(1; 0: S0 V0);
binds!(2; 0: S0 V0, 1: S1 V1);
binds!(3; 0: S0 V0, 1: S1 V1, 2: S2 V2);
binds!(4; 0: S0 V0, 1: S1 V1, 2: S2 V2, 3: S3 V3);
binds!(5; 0: S0 V0, 1: S1 V1, 2: S2 V2, 3: S3 V3, 4: S4 V4);
binds!(6; 0: S0 V0, 1: S1 V1, 2: S2 V2, 3: S3 V3, 4: S4 V4, 5: S5 V5);

impl<B, ST> QueryId for Prepared<B, ST> {
    // No static id: the statement cache keys it by its text.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend, B: Binds<DB>, ST> QueryFragment<DB> for Prepared<B, ST> {
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut parts = self.sql.split('?');
        if let Some(first) = parts.next() {
            pass.push_sql(first);
        }
        let mut count = 0;
        for part in parts {
            self.binds.push(count, &mut pass)?;
            pass.push_sql(part);
            count += 1;
        }
        if count != B::COUNT {
            return Err(Error::QueryBuilderError(
                format!("a prepared statement has {count} ? for {} binds", B::COUNT).into(),
            ));
        }
        Ok(())
    }
}

impl<B, ST: 'static> Query for Prepared<B, ST> {
    type SqlType = ST;
}

impl<B, ST, Conn> RunQueryDsl<Conn> for Prepared<B, ST> {}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::query_builder::QueryFragment;
    use diesel::sql_types::{BigInt, Integer, Nullable, Text};
    use diesel::sqlite::{Sqlite, SqliteConnection};

    use super::{prepared, prepared_returning};

    fn database() -> SqliteConnection {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, n BIGINT NOT NULL DEFAULT 0)")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b')")
            .execute(&mut conn)
            .unwrap();
        conn
    }

    #[test]
    fn a_prepared_statement_may_be_cached_where_diesel_would_not() {
        let statement = prepared(
            "UPDATE items SET name = ? WHERE id = ?",
            ((Text, "x"), (Integer, 1)),
        );
        assert!(QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&statement, &Sqlite).unwrap());
        assert!(QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&&statement, &Sqlite).unwrap());
        diesel::table! {
            items (id) {
                id -> Integer,
                name -> Text,
            }
        }
        let update = diesel::update(items::table.find(1)).set(items::name.eq("x"));
        assert!(!QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&update, &Sqlite).unwrap());
    }

    /// Prepared once per connection, whatever the binds: the cache takes
    /// it the first time and hands it back after.
    #[test]
    fn a_prepared_statement_is_prepared_once_and_reused() {
        use diesel::connection::{Instrumentation, InstrumentationEvent};
        use std::sync::{Arc, Mutex};

        let cached = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = cached.clone();
        let mut conn = database();
        let count = move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().unwrap().push(sql.to_owned());
            }
        };
        conn.set_instrumentation(Box::new(count) as Box<dyn Instrumentation>);
        for (id, name) in [(1, "x"), (2, "y"), (1, "z")] {
            prepared(
                "UPDATE items SET name = ? WHERE id = ?",
                ((Text, name), (Integer, id)),
            )
            .execute(&mut conn)
            .unwrap();
        }
        diesel::table! {
            items (id) {
                id -> Integer,
                name -> Text,
            }
        }
        for name in ["p", "q"] {
            diesel::update(items::table.find(1))
                .set(items::name.eq(name))
                .execute(&mut conn)
                .unwrap();
        }
        let cached = cached.lock().unwrap().clone();
        assert_eq!(cached, vec!["UPDATE items SET name = ? WHERE id = ?".to_owned()]);
    }

    #[test]
    fn binds_go_where_the_marks_are_and_returning_comes_back() {
        let mut conn = database();
        let sql = "UPDATE items SET name = ?, note = ?, n = n + ? WHERE id = ? RETURNING n";
        let cases: [(i32, &str, Option<&str>, i64, i64); 4] = [
            (1, "first", Some("note"), 5, 5),
            (2, "second", None, 1, 1),
            (1, "third", None, 2, 7),
            (2, "fourth", Some("other"), 3, 4),
        ];
        for (id, name, note, add, total) in cases {
            let n: i64 = prepared_returning::<BigInt, _>(
                sql,
                (
                    (Text, name),
                    (Nullable::<Text>::default(), note),
                    (BigInt, add),
                    (Integer, id),
                ),
            )
            .get_result(&mut conn)
            .unwrap();
            assert_eq!(n, total, "{name}");
        }
        let rows: Vec<(i32, String, Option<String>)> =
            diesel::sql_query("SELECT id, name, note FROM items ORDER BY id")
                .load::<Row>(&mut conn)
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.name, r.note))
                .collect();
        assert_eq!(
            rows,
            vec![
                (1, "third".to_owned(), None),
                (2, "fourth".to_owned(), Some("other".to_owned())),
            ]
        );
    }

    #[test]
    fn a_statement_whose_marks_and_binds_differ_is_refused() {
        let mut conn = database();
        let too_few = prepared("UPDATE items SET name = ? WHERE id = ?", ((Text, "x"),));
        assert!(too_few.execute(&mut conn).is_err());
        let too_many = prepared(
            "UPDATE items SET name = 'x' WHERE id = ?",
            ((Integer, 1), (Integer, 2)),
        );
        assert!(too_many.execute(&mut conn).is_err());
        let none = prepared("UPDATE items SET name = name WHERE id = 1", ());
        assert_eq!(none.execute(&mut conn).unwrap(), 1);
    }

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Nullable<Text>)]
        note: Option<String>,
    }
}
