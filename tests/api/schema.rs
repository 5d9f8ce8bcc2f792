//! The hand-kept `crates/store/src/schema.rs` against the database the
//! migrations make: every table and column it declares exists with the
//! same base type and nullability, and nothing the migrations add is
//! missing from it. Run on the backend of this run of the suite, so
//! `./scripts/test` checks both folders of migrations.

use std::collections::{BTreeMap, BTreeSet};

use diesel::RunQueryDsl;
use diesel::sql_types::{Integer, Text};
use store::DbConnection;

use crate::util::TestDb;

const SCHEMA_RS: &str = include_str!("../../crates/store/src/schema.rs");

/// Tables the code reaches only through SQL of its own, so schema.rs
/// rightly leaves them out.
const NOT_IN_SCHEMA_RS: [&str; 2] = [
    // diesel_migrations' record of the migrations applied.
    "__diesel_schema_migrations",
    // SQLite only: filled by a trigger on every lift, read by the held
    // keys' follower.
    "hold_lifts",
];

/// A column as both sides can say it: its name, its diesel type without
/// `Nullable<>` (`WireText` is `Text`: the domain's closed sets are TEXT
/// in the database), and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    name: String,
    base: String,
    nullable: bool,
}

type Tables = BTreeMap<String, BTreeSet<Column>>;

/// The tables of schema.rs's `diesel::table!` blocks. Any line it does not
/// understand fails the test, so that a new form in schema.rs (an
/// attribute, a renamed column) is taught here rather than skipped.
fn declared() -> Tables {
    let mut tables = Tables::new();
    let mut table: Option<String> = None;
    let mut in_block = false;
    for (n, raw) in SCHEMA_RS.lines().enumerate() {
        let line = raw.trim();
        let at = || format!("schema.rs line {}: {raw:?}", n + 1);
        if !in_block {
            if line.starts_with("diesel::table! {") {
                in_block = true;
            }
            continue;
        }
        match &table {
            None => {
                if line.is_empty() || line.starts_with("use ") || line.starts_with("///") {
                    continue;
                }
                if line == "}" {
                    in_block = false;
                    continue;
                }
                let (name, _keys) = line
                    .strip_suffix('{')
                    .and_then(|l| l.trim().split_once(" ("))
                    .unwrap_or_else(|| panic!("not a table's head: {}", at()));
                assert!(
                    tables.insert(name.to_owned(), BTreeSet::new()).is_none(),
                    "declared twice: {}",
                    at()
                );
                table = Some(name.to_owned());
            }
            Some(name) => {
                if line.is_empty() || line.starts_with("///") {
                    continue;
                }
                if line == "}" {
                    table = None;
                    continue;
                }
                let (column, sql_type) = line
                    .strip_suffix(',')
                    .and_then(|l| l.split_once(" -> "))
                    .unwrap_or_else(|| panic!("not a column: {}", at()));
                assert!(
                    column
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "a column name this test does not read: {}",
                    at()
                );
                let (base, nullable) = match sql_type
                    .strip_prefix("Nullable<")
                    .and_then(|t| t.strip_suffix('>'))
                {
                    Some(inner) => (inner, true),
                    None => (sql_type, false),
                };
                let base = if base == "WireText" { "Text" } else { base };
                tables.get_mut(name).expect("the table").insert(Column {
                    name: column.to_owned(),
                    base: base.to_owned(),
                    nullable,
                });
            }
        }
    }
    assert!(
        !in_block && table.is_none(),
        "schema.rs ends inside a table! block"
    );
    tables
}

#[derive(diesel::QueryableByName)]
struct SqliteTable {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(diesel::QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(diesel::QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

/// The diesel type a database type is read as; anything else is named as
/// it is, so the comparison shows it.
fn base_of(database_type: &str) -> String {
    match database_type.to_ascii_lowercase().as_str() {
        "text" | "character varying" => "Text",
        "integer" => "Integer",
        "bigint" => "BigInt",
        "boolean" => "Bool",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "blob" | "bytea" => "Binary",
        other => return format!("unmapped database type {other:?}"),
    }
    .to_owned()
}

/// The tables and columns the database has, read from its catalogue.
fn in_database(conn: &mut DbConnection) -> Tables {
    let mut tables = Tables::new();
    match conn {
        DbConnection::Sqlite(conn) => {
            let names: Vec<SqliteTable> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .load(conn)
            .expect("the tables");
            for table in names {
                let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
                    "SELECT name, type AS declared, \"notnull\", pk FROM pragma_table_info('{}')",
                    table.name.replace('\'', "''")
                ))
                .load(conn)
                .expect("the columns");
                let columns = columns
                    .into_iter()
                    .map(|c| Column {
                        name: c.name,
                        base: base_of(&c.declared),
                        // SQLite lets a primary key that is not an INTEGER
                        // one hold NULL unless it says NOT NULL (a legacy
                        // quirk); the desk always writes its keys, and
                        // schema.rs declares them NOT NULL.
                        nullable: c.notnull == 0 && c.pk == 0,
                    })
                    .collect();
                tables.insert(table.name, columns);
            }
        }
        DbConnection::Pg(conn) => {
            let columns: Vec<PgColumn> = diesel::sql_query(
                "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                        c.is_nullable::text AS is_nullable, c.data_type::text AS data_type \
                 FROM information_schema.columns c \
                 JOIN information_schema.tables t \
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
            )
            .load(conn)
            .expect("the columns");
            for c in columns {
                tables.entry(c.table_name).or_default().insert(Column {
                    name: c.column_name,
                    base: base_of(&c.data_type),
                    nullable: c.is_nullable == "YES",
                });
            }
        }
    }
    tables
}

/// Each way the two disagree, in words.
fn differences(declared: &Tables, database: &Tables) -> Vec<String> {
    let mut found = Vec::new();
    for (table, columns) in database {
        if NOT_IN_SCHEMA_RS.contains(&table.as_str()) {
            continue;
        }
        let Some(declared_columns) = declared.get(table) else {
            found.push(format!("table {table} is in the database but not in schema.rs"));
            continue;
        };
        for column in columns.difference(declared_columns) {
            let said = declared_columns.iter().find(|c| c.name == column.name);
            found.push(match said {
                Some(said) => format!(
                    "{table}.{}: the database has {column:?}, schema.rs {said:?}",
                    column.name
                ),
                None => format!(
                    "{table}.{} ({column:?}) is in the database but not in schema.rs",
                    column.name
                ),
            });
        }
        for column in declared_columns.difference(columns) {
            if !columns.iter().any(|c| c.name == column.name) {
                found.push(format!(
                    "{table}.{} is in schema.rs but not in the database",
                    column.name
                ));
            }
        }
    }
    for table in declared.keys() {
        if !database.contains_key(table) {
            found.push(format!("table {table} is in schema.rs but not in the database"));
        }
    }
    found
}

#[test]
fn schema_rs_declares_exactly_the_columns_the_migrations_make() {
    let db = TestDb::empty();
    let mut conn = db.url.connect().expect("connect");
    store::migrations::run(&mut conn).expect("migrate");
    let declared = declared();
    assert!(declared.len() > 20, "schema.rs read: {:?}", declared.keys());
    let database = in_database(&mut conn);
    let differences = differences(&declared, &database);
    assert!(
        differences.is_empty(),
        "crates/store/src/schema.rs and the {} migrations differ:\n{}",
        crate::util::backend_name(),
        differences.join("\n")
    );
}

#[test]
fn a_column_missing_from_schema_rs_or_of_another_type_is_reported() {
    let column = |name: &str, base: &str, nullable: bool| Column {
        name: name.to_owned(),
        base: base.to_owned(),
        nullable,
    };
    let declared = Tables::from([(
        "settings".to_owned(),
        BTreeSet::from([column("key", "Text", false), column("value", "Text", false)]),
    )]);
    let database = Tables::from([(
        "settings".to_owned(),
        BTreeSet::from([
            column("key", "Text", false),
            column("value", "Text", true),
            column("added", "Integer", false),
        ]),
    )]);
    let found = differences(&declared, &database);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found.iter().any(|d| d.starts_with("settings.added")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|d| d.starts_with("settings.value: the database")),
        "{found:#?}"
    );
}
