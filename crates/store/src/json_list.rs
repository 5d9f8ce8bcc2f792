//! `column IN (SELECT value FROM json_each(?))` on SQLite: a list of values
//! bound as one JSON array parameter, so the statement's text is the same
//! whatever the list's length and diesel keeps it prepared. Diesel's own
//! `eq_any` writes `IN (?, ?, …)` on SQLite, one placeholder per value,
//! which it must parse and plan anew on every call (on PostgreSQL it binds
//! one array, `= ANY($1)`, and is kept).

use diesel::expression::{AppearsOnTable, Expression, ValidGrouping, is_aggregate};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::Sqlite;

/// `column IN (the values)`, for text values.
#[derive(Debug, Clone)]
pub struct InJsonList<C> {
    column: C,
    json: String,
}

impl<C> InJsonList<C> {
    pub fn new(column: C, values: &[&str]) -> Self {
        // A list of strings always serialises; an empty array matches none.
        let json = serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned());
        Self { column, json }
    }
}

impl<C> Expression for InJsonList<C> {
    type SqlType = Bool;
}

impl<C, QS> AppearsOnTable<QS> for InJsonList<C> where C: AppearsOnTable<QS> {}

impl<C, GB> ValidGrouping<GB> for InJsonList<C> {
    type IsAggregate = is_aggregate::Never;
}

impl<C: QueryId + 'static> QueryId for InJsonList<C> {
    type QueryId = InJsonList<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for InJsonList<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::query_builder::QueryFragment;
    use diesel::sqlite::{Sqlite, SqliteConnection};

    use super::InJsonList;

    diesel::table! {
        names (name) {
            name -> Text,
        }
    }

    fn names_in(conn: &mut SqliteConnection, values: &[&str]) -> Vec<String> {
        names::table
            .filter(InJsonList::new(names::name, values))
            .order(names::name)
            .select(names::name)
            .load(conn)
            .unwrap()
    }

    #[test]
    fn selects_the_rows_whose_value_is_listed_whatever_the_list() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE names (name TEXT PRIMARY KEY)")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("INSERT INTO names VALUES ('a'), ('b'), ('c\"q'), ('d''s')")
            .execute(&mut conn)
            .unwrap();
        let cases: &[(&[&str], &[&str])] = &[
            (&[], &[]),
            (&["a"], &["a"]),
            (&["b", "a", "zz"], &["a", "b"]),
            (&["c\"q", "d's", "a", "a"], &["a", "c\"q", "d's"]),
        ];
        for (asked, found) in cases {
            assert_eq!(names_in(&mut conn, asked), *found, "{asked:?}");
        }
    }

    #[test]
    fn its_statement_can_be_kept_prepared_unlike_a_list_of_placeholders() {
        let json_list = names::table.filter(InJsonList::new(names::name, &["a", "b"]));
        assert!(QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&json_list, &Sqlite).unwrap());
        let placeholders = names::table.filter(names::name.eq_any(["a", "b"]));
        assert!(!QueryFragment::<Sqlite>::is_safe_to_cache_prepared(&placeholders, &Sqlite).unwrap());
    }
}
