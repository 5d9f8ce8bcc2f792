//! Seeds a database with many requests for the benchmarks (`scripts/bench`):
//! `cargo run --release --example bench_seed -- --requests 100000
//! [--subjects 1000000 --holds 100000]`, with `RIGHTSDESK_DATABASE_URL` and
//! `RIGHTSDESK_SECRET_KEY` set like the server's. Run `rightsdesk demo`
//! first (departments and systems).
//!
//! With `--unconfirmed N` (alone, on an empty desk: no `demo` needed),
//! N requests from N strangers wait for confirmation instead, received
//! over the last 20 hours (before their reminder is due and long before
//! they expire): what a stranger flooding the form leaves behind.
//!
//! With `--subjects`, each of that many subjects (`subject{i}@example.com`)
//! gets a hold on their email's keyed hash, bound to one of the seeded
//! requests: `--holds` of them active (every n-th subject, so a random
//! subject is frozen with that probability), the rest lifted, as years of
//! finished requests leave them. Inserted in bulk, with progress.
//!
//! Requests are created through the store (reference, keyed identifiers,
//! holds and audit event each), in batches of one transaction; then their
//! statuses, due dates and department tasks are spread as a busy desk's
//! would be: a quarter open, the rest closed, due dates over four months,
//! and today's reminder of each open request's deadline already sent.

use std::time::Instant;
use store::types::Wire;

use auth::keys::{Keys, SecretKey};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use domain::actor::Actor;
use domain::calendar::CalendarCode;
use domain::deadline;
use domain::hold::HoldReason;
use domain::identifier::{Email, Identifier, IdentifierScheme};
use domain::jurisdiction::Jurisdiction;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::reminder::Step;
use domain::request::{Channel, OnBehalf, RequestKind};
use store::reminders;
use store::requests::{self, NewRequest};
use store::schema::{holds, requests as req};
use store::{DatabaseUrl, DbConnection};
use store::{Store, StoreError, catalog, new_id, tasks};

const FAMILY: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
];
const GIVEN: &[&str] = &[
    "Minji", "Seojun", "Haeun", "Jiho", "Yuna", "Doyun", "Seoyeon", "Hajun",
];
const BATCH: usize = 1000;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut total = 100_000_usize;
    let (mut subjects, mut active) = (0_usize, 0_usize);
    let mut unconfirmed = 0_usize;
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--requests" => total = value.parse()?,
            "--subjects" => subjects = value.parse()?,
            "--holds" => active = value.parse()?,
            "--unconfirmed" => unconfirmed = value.parse()?,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let url = DatabaseUrl::parse(&std::env::var("RIGHTSDESK_DATABASE_URL")?)?;
    let keys = Keys::new(SecretKey::from_base64(&std::env::var("RIGHTSDESK_SECRET_KEY")?)?);
    let store = Store::open(&url, Some(4))?;
    if unconfirmed > 0 {
        return seed_unconfirmed(&store, &keys, unconfirmed);
    }
    let systems = store.read(catalog::list_systems)?;
    anyhow::ensure!(!systems.is_empty(), "run `rightsdesk demo` first");
    let started = Instant::now();
    let today = Utc::now().naive_utc();
    let mut made = 0;
    while made < total {
        let n = BATCH.min(total - made);
        store.write(|conn| {
            for i in made..made + n {
                let kind = RequestKind::ALL[i % 4];
                let name = format!("{} {}", FAMILY[i % FAMILY.len()], GIVEN[(i / 10) % GIVEN.len()]);
                let email = Email::parse(&format!("person{i}@example.com"))
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                // Received over the last 120 days, oldest first.
                let received_at = today - Duration::minutes(((total - i) * 172_800 / total) as i64);
                let new = NewRequest {
                    kind,
                    channel: if i % 7 == 0 { Channel::Phone } else { Channel::Web },
                    jurisdiction: Jurisdiction::KrPipa,
                    on_behalf: OnBehalf::SelfRequest,
                    received_at,
                    reference_year: 2026,
                    due_date: (received_at + Duration::days(10)).date(),
                    calendar: CalendarCode::KOREA.label(),
                    requester_name: name.clone(),
                    requester_email: email.clone(),
                    requester_phone: None,
                    subject_name: name,
                    subject_email: email,
                    subject_phone: None,
                    details: "Benchmark request.".into(),
                    correction: (kind == RequestKind::Correction).then(|| "name".into()),
                    category_ids: Vec::new(),
                    subject_id: None,
                    lang: Lang::Ko,
                };
                let created =
                    requests::create(conn, &new, &keys.identifier_index, &Actor::Requester, received_at)?;
                // A quarter stay open (in progress, awaiting approval or
                // objection); the rest are closed.
                let status = match i % 8 {
                    0 => RequestStatus::InProgress,
                    1 => RequestStatus::AwaitingApproval,
                    2 => RequestStatus::Completed,
                    3 => RequestStatus::Refused,
                    4 => RequestStatus::PartiallyCompleted,
                    5 => RequestStatus::Withdrawn,
                    6 => RequestStatus::Expired,
                    _ => RequestStatus::Completed,
                };
                let closed = status.is_closed().then_some(received_at + Duration::days(5));
                diesel::update(req::table.find(created.id.as_str()))
                    .set((req::status.eq(Wire(status)), req::closed_at.eq(closed)))
                    .execute(conn.connection())?;
                if !status.is_closed() {
                    // The reminder its deadline calls for today was sent
                    // earlier today, as a running desk would have: the
                    // server does not start by escalating the whole seed.
                    // Sent today, not when the request arrived: the desk
                    // forgets steps sent more than a month ago (its prune
                    // at start), and would then send them all again while
                    // the benchmark measures.
                    let due = (received_at + Duration::days(10)).date();
                    let local_today = deadline::local(today, chrono_tz::Asia::Seoul).date();
                    if let Some(step) = Step::at((due - local_today).num_days(), local_today) {
                        reminders::claim(conn, &created.id, &step.key(), 1, today)?;
                    }
                    let system = &systems[i % systems.len()];
                    tasks::create(
                        conn,
                        &created.id,
                        &tasks::NewTask {
                            system_id: Some(system.id.clone().into()),
                            department_id: system.department_id.clone().into(),
                            routing_rule_id: None,
                        },
                        received_at,
                    )?;
                }
            }
            Ok(())
        })?;
        made += n;
        if made % 10_000 == 0 || made == total {
            let rate = made as f64 / started.elapsed().as_secs_f64();
            eprintln!("seeded {made}/{total} requests ({rate:.0}/s)");
        }
    }
    if subjects > 0 {
        seed_holds(&store, &keys, subjects, active)?;
    }
    Ok(())
}

/// `total` requests waiting for confirmation, each from its own address.
fn seed_unconfirmed(store: &Store, keys: &Keys, total: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = Utc::now().naive_utc();
    let mut made = 0;
    while made < total {
        let n = BATCH.min(total - made);
        store.write(|conn| {
            for i in made..made + n {
                let email = Email::parse(&format!("waiting{i}@example.com"))
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let received_at = now - Duration::seconds(((total - i) * 72_000 / total) as i64);
                let new = NewRequest {
                    kind: RequestKind::Access,
                    channel: Channel::Web,
                    jurisdiction: Jurisdiction::KrPipa,
                    on_behalf: OnBehalf::SelfRequest,
                    received_at,
                    reference_year: 2026,
                    due_date: (received_at + Duration::days(10)).date(),
                    calendar: CalendarCode::KOREA.label(),
                    requester_name: "Waiting Stranger".into(),
                    requester_email: email.clone(),
                    requester_phone: None,
                    subject_name: "Waiting Stranger".into(),
                    subject_email: email,
                    subject_phone: None,
                    details: "Benchmark request.".into(),
                    correction: None,
                    category_ids: Vec::new(),
                    subject_id: None,
                    lang: Lang::Ko,
                };
                requests::create(conn, &new, &keys.identifier_index, &Actor::Requester, received_at)?;
            }
            Ok(())
        })?;
        made += n;
        if made % 10_000 == 0 || made == total {
            let rate = made as f64 / started.elapsed().as_secs_f64();
            eprintln!("seeded {made}/{total} unconfirmed requests ({rate:.0}/s)");
        }
    }
    Ok(())
}

/// One hold per subject, `active` of them active.
fn seed_holds(store: &Store, keys: &Keys, subjects: usize, active: usize) -> anyhow::Result<()> {
    const ROWS: usize = 5000;
    let request_ids: Vec<String> = store.read(|conn| Ok(req::table.select(req::id).load(conn)?))?;
    anyhow::ensure!(!request_ids.is_empty(), "seed requests first");
    let every = subjects.checked_div(active).unwrap_or(usize::MAX).max(1);
    let started = Instant::now();
    let placed_at = Utc::now().naive_utc() - Duration::days(30);
    let mut made = 0;
    while made < subjects {
        let n = ROWS.min(subjects - made);
        let rows: Vec<_> = (made..made + n)
            .map(|i| -> anyhow::Result<_> {
                let email =
                    Email::parse(&format!("subject{i}@example.com")).map_err(|e| anyhow::anyhow!("{e}"))?;
                let key = Identifier::Email(email).key(&keys.identifier_index);
                let lifted = (i % every != 0 || i / every >= active).then_some(placed_at + Duration::days(3));
                Ok((
                    holds::id.eq(new_id()),
                    holds::request_id.eq(request_ids[i % request_ids.len()].clone()),
                    holds::identifier_key.eq(key.into_string()),
                    holds::identifier_scheme.eq(Wire(IdentifierScheme::Email)),
                    holds::scope_all.eq(true),
                    holds::reason.eq(Wire(HoldReason::CorrectionPending)),
                    holds::placed_at.eq(placed_at),
                    holds::lifted_at.eq(lifted),
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        store.write(|conn| {
            match conn.connection() {
                // One statement per batch over the network; SQLite is in
                // process, where a row at a time costs nothing more.
                DbConnection::Pg(c) => {
                    diesel::insert_into(holds::table).values(&rows).execute(c)?;
                }
                DbConnection::Sqlite(c) => {
                    for row in &rows {
                        diesel::insert_into(holds::table).values(row.clone()).execute(c)?;
                    }
                }
            }
            Ok(())
        })?;
        made += n;
        if made % 100_000 == 0 || made == subjects {
            let rate = made as f64 / started.elapsed().as_secs_f64();
            eprintln!("seeded {made}/{subjects} subjects' holds ({rate:.0}/s)");
        }
    }
    Ok(())
}
