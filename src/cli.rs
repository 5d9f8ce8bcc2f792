//! The command line: `serve` (default), `migrate`, `demo`, `staff add|grant`,
//! `token issue|list|revoke`, `audit verify`, `outbox failed`. Every
//! command reads the same validated configuration.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use app::clock::SystemClock;
use app::config::{Config, ConfigArgs, LogFormat};
use app::{Desk, WorkflowError, staff};
use auth::keys::Keys;
use auth::password;
use domain::identifier::Email;
use domain::lang::Lang;
use domain::staff::{StaffRole, department_code};
use store::{self, Store, audit};
use web::Application;

#[derive(Debug, Parser)]
#[command(
    name = "rightsdesk",
    version,
    about = "A data subject rights desk: requests, verification, routing, holds, deadlines and a tamper-evident audit trail."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, then serve HTTP and run the background jobs (the default)
    Serve,
    /// Apply pending migrations and exit
    Migrate,
    /// Load the reference deployment: departments, systems, categories, demo staff and sample requests (idempotent)
    Demo,
    /// Manage staff accounts
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Inspect the audit trail
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Inspect outgoing email
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Manage service tokens for other systems (the JSON API)
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it once: a line `id: ID`, then a line `token: TOKEN`
    Issue {
        /// The system the token is for (shown in the audit trail and the list)
        #[arg(long)]
        system: String,
        /// Comma-separated scopes: holds:read, requests:read, requests:write
        #[arg(long)]
        scope: String,
        /// Days until the token expires (1 to 3650); without it, it never does
        #[arg(long)]
        expires: Option<i64>,
    },
    /// One line per token: id, system, scopes, issued, expires, revoked
    List,
    /// Revoke a token; calls with it are refused within one job interval
    Revoke {
        /// The token's id (from `token list`)
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List the emails given up (refused for good, or failing after the last attempt), newest first
    Failed,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff account
    Add {
        /// Login email address
        #[arg(long)]
        email: String,
        /// Display name
        #[arg(long)]
        name: String,
        /// handler, department_lead, privacy_officer or admin
        #[arg(long)]
        role: String,
        /// Department code (required for handler and department_lead)
        #[arg(long)]
        department: Option<String>,
        /// Read the password from the first line of standard input; otherwise a one-time set-password link (valid 72 hours) is emailed to the account and printed
        #[arg(long)]
        password_stdin: bool,
        /// Language of the account's emails: ko or en (it follows the language the member signs in with afterwards)
        #[arg(long, default_value = "ko")]
        lang: String,
    },
    /// Give an existing account a role and switch it on, without a second admin (the admin pages need one for privacy_officer and admin); the last active admin cannot lose the role
    Grant {
        /// The account's login email address
        #[arg(long)]
        email: String,
        /// handler, department_lead, privacy_officer or admin
        #[arg(long)]
        role: String,
        /// Department code (required for handler and department_lead)
        #[arg(long)]
        department: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit hash chain; exit 1 naming the first bad event if it is broken
    Verify,
}

/// A failure that ends a command: printed as one line, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    fn new(message: impl Into<String>, code: u8) -> Self {
        Self {
            message: message.into(),
            code,
        }
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Self {
        Failure::new(e.to_string(), 1)
    }
}

impl From<WorkflowError> for Failure {
    fn from(e: WorkflowError) -> Self {
        match e {
            // The operator's input was refused: say what to fix.
            WorkflowError::Refused(refusal) => Failure::new(refusal.to_string(), 2),
            other => Failure::new(other.to_string(), 1),
        }
    }
}

/// Parses the environment and arguments, runs the command, and reports.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("rightsdesk: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let config =
        Config::from_args(&cli.config).map_err(|e| Failure::new(format!("configuration error: {e}"), 2))?;
    init_tracing(&config);
    let command = cli.command.unwrap_or(Command::Serve);
    config
        .prepare_data_dir()
        .map_err(|e| Failure::new(format!("configuration error: {e}"), 2))?;
    let (secret, created) = config
        .load_secret()
        .map_err(|e| Failure::new(format!("configuration error: {e}"), 2))?;
    if created {
        tracing::warn!(
            path = %config.data_dir.join("secret.key").display(),
            "RIGHTSDESK_SECRET_KEY is not set: generated a secret key and saved it; back it up, documents cannot be read without it"
        );
    }
    let keys = Arc::new(Keys::new(secret));
    let store = Store::open(config.database_url(), config.db_pool_size)
        .map_err(|e| Failure::new(format!("cannot open the database: {e}"), 1))?;
    let desk = Desk::new(store.clone(), Arc::new(config), keys, Arc::new(SystemClock));

    match command {
        Command::Serve => serve(desk),
        Command::Migrate => {
            let applied = store.migrate()?;
            if applied.is_empty() {
                println!("The database is up to date.");
            } else {
                for name in applied {
                    println!("applied {name}");
                }
            }
            Ok(())
        }
        Command::Demo => {
            store.migrate()?;
            let report = app::demo::load(&desk)?;
            print!("{report}");
            Ok(())
        }
        Command::Staff(StaffCommand::Add {
            email,
            name,
            role,
            department,
            password_stdin,
            lang,
        }) => {
            store.migrate()?;
            let new = StaffAdd {
                email: &email,
                name: &name,
                role: &role,
                department: department.as_deref(),
                password_stdin,
                lang: &lang,
            };
            staff_add(&desk, &new)
        }
        Command::Staff(StaffCommand::Grant {
            email,
            role,
            department,
        }) => {
            store.migrate()?;
            staff_grant(&desk, &email, &role, department.as_deref())
        }
        Command::Audit(AuditCommand::Verify) => {
            store.migrate()?;
            match audit::verify(&mut *store.conn()?)? {
                audit::Verification::Intact { events } => {
                    println!("The audit trail is intact: {events} events verified.");
                    Ok(())
                }
                audit::Verification::Broken(broken) => {
                    Err(Failure::new(format!("the audit trail is broken: {broken}"), 1))
                }
            }
        }
        Command::Token(command) => {
            store.migrate()?;
            token(&desk, command)
        }
        Command::Outbox(OutboxCommand::Failed) => {
            store.migrate()?;
            let failed = store.read(store::outbox::failed)?;
            if failed.is_empty() {
                println!("No email has been given up.");
            }
            for email in failed {
                println!(
                    "{}  {}  request {}  {} attempts  {}",
                    email.created_at.format("%Y-%m-%d %H:%M"),
                    email.id,
                    email.reference.as_deref().unwrap_or("-"),
                    email.attempts,
                    email.last_error.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
    // A subscriber may already be installed (tests); that one is kept.
    drop(result);
}

fn serve(desk: Desk) -> Result<(), Failure> {
    let applied = desk.store.migrate()?;
    for name in &applied {
        tracing::info!(migration = %name, "migration applied");
    }
    actix_web::rt::System::new().block_on(async move {
        let base_url = desk.config.base_url.clone();
        let app = Application::build(desk).map_err(|e| Failure::new(format!("cannot start: {e:#}"), 1))?;
        println!(
            "Rightsdesk is running at {base_url} ({} database)",
            app.backend().name()
        );
        println!("Load the demo data with: cargo run --release -- demo   (stop with Ctrl-C)");
        app.run_until_stopped()
            .await
            .map_err(|e| Failure::new(format!("server error: {e}"), 1))
    })
}

fn token(desk: &Desk, command: TokenCommand) -> Result<(), Failure> {
    use app::service_tokens::{self, Issuer, NewToken};
    let stamp = |at: chrono::NaiveDateTime| at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    match command {
        TokenCommand::Issue {
            system,
            scope,
            expires,
        } => {
            let new = NewToken {
                system,
                scopes: scope,
                expires_days: expires,
            };
            let issued = service_tokens::issue(desk, Issuer::Operator, &new)?;
            println!("id: {}", issued.id);
            println!("token: {}", issued.token);
        }
        TokenCommand::List => {
            let rows = service_tokens::list(desk, Issuer::Operator)?;
            if rows.is_empty() {
                println!("No service token has been issued.");
            }
            for row in rows {
                println!(
                    "{}  {}  {}  issued {}  expires {}  revoked {}",
                    row.id,
                    row.system_name,
                    row.scopes,
                    stamp(row.created_at),
                    row.expires_at.map_or_else(|| "never".to_owned(), stamp),
                    row.revoked_at.map_or_else(|| "no".to_owned(), stamp),
                );
            }
        }
        TokenCommand::Revoke { id } => match service_tokens::revoke(desk, Issuer::Operator, &id) {
            Ok(()) => println!("Revoked {id}; calls with it are refused within one job interval."),
            Err(WorkflowError::NotFound) => {
                return Err(Failure::new(format!("no service token has the id {id}"), 2));
            }
            Err(e) => return Err(e.into()),
        },
    }
    Ok(())
}

/// The role named on the command line.
fn role_arg(raw: &str) -> Result<StaffRole, Failure> {
    raw.parse().map_err(|_| {
        Failure::new(
            format!("--role: {raw:?} is not a role (handler, department_lead, privacy_officer, admin)"),
            2,
        )
    })
}

/// The department named on the command line, required for the roles that
/// belong to one.
fn department_arg(role: StaffRole, raw: Option<&str>) -> Result<Option<String>, Failure> {
    match raw {
        Some(raw) => Ok(Some(department_code(raw).ok_or_else(|| {
            Failure::new(format!("--department: {raw:?} is not a department code"), 2)
        })?)),
        None if role.needs_department() => Err(Failure::new(
            format!("--department: a {role} belongs to a department"),
            2,
        )),
        None => Ok(None),
    }
}

fn staff_grant(desk: &Desk, email: &str, role: &str, department: Option<&str>) -> Result<(), Failure> {
    let email = Email::parse(email).map_err(|e| Failure::new(format!("--email: {e}"), 2))?;
    let role = role_arg(role)?;
    let department = department_arg(role, department)?;
    match app::admin::grant_from_server(desk, &email, role, department.as_deref()) {
        Ok(()) => {
            println!("{email} is now {role}; their sessions were ended if the role changed.");
            Ok(())
        }
        Err(WorkflowError::NotFound) => Err(Failure::new(
            format!("no staff account has the address {email}"),
            2,
        )),
        Err(e) => Err(e.into()),
    }
}

/// The arguments of `staff add`.
struct StaffAdd<'a> {
    email: &'a str,
    name: &'a str,
    role: &'a str,
    department: Option<&'a str>,
    password_stdin: bool,
    lang: &'a str,
}

fn staff_add(desk: &Desk, new: &StaffAdd<'_>) -> Result<(), Failure> {
    let email = Email::parse(new.email).map_err(|e| Failure::new(format!("--email: {e}"), 2))?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Failure::new("--name: give a name of 1 to 200 characters", 2));
    }
    let role = role_arg(new.role)?;
    let lang = Lang::from_code(new.lang)
        .filter(|l| l.code() == new.lang)
        .ok_or_else(|| Failure::new(format!("--lang: {:?} is not a language (ko, en)", new.lang), 2))?;
    let department_code = department_arg(role, new.department)?;
    let hash = if new.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::new(format!("cannot read the password from stdin: {e}"), 2))?;
        let password = line.trim_end_matches(['\r', '\n']);
        Some(password::hash(password).map_err(|e| Failure::new(format!("password: {e}"), 2))?)
    } else {
        None
    };

    let added = staff::add_account(
        desk,
        &domain::actor::Actor::System,
        staff::NewAccount {
            email: email.clone(),
            name: name.to_owned(),
            role,
            department: department_code,
            password_hash: hash,
            lang,
        },
    )?;
    let link = added.set_password_link;
    println!("Created {role} account for {email}.");
    if let Some(link) = link {
        println!(
            "A link to set a password (valid 72 hours, works once) was emailed to {email}; here it is too:"
        );
        println!("{link}");
    }
    Ok(())
}
