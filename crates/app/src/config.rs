//! Configuration: every setting from the environment or a flag, validated at
//! start. A missing or malformed setting is one clear line naming it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono_tz::Tz;

use domain::address::AllowList;
use domain::calendar::{CalendarCode, HolidayCalendar};
use domain::deadline;
use domain::four_eyes::FourEyes;
use domain::jurisdiction::Jurisdiction;
use domain::profile::Profile;
use domain::request::RequestKind;
use mail::MailTransportConfig;
use secrecy::zeroize::Zeroize;
use secrecy::{CloneableSecret, SecretBox};
use store::DatabaseUrl;

pub use secrecy::{ExposeSecret, SecretString};

/// The settings as given (strings), shared by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// Database: sqlite://PATH or postgres://USER@HOST/DB
    #[arg(
        long,
        env = "RIGHTSDESK_DATABASE_URL",
        default_value = "sqlite://data/rightsdesk.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
    /// Listen address
    #[arg(
        long,
        env = "RIGHTSDESK_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// Public URL used in links inside emails [default: http://<bind>]
    #[arg(long, env = "RIGHTSDESK_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// 32+ bytes, base64; signs tokens and encrypts documents [default: generated into <data-dir>/secret.key]
    #[arg(long, env = "RIGHTSDESK_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// smtp://host:port, smtps://user:pass@host or smtp://...?tls=starttls [default: .eml files in <data-dir>/mail]
    #[arg(long, env = "RIGHTSDESK_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of every email
    #[arg(
        long,
        env = "RIGHTSDESK_MAIL_FROM",
        default_value = "Rightsdesk <privacy@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// Legal profile: kr-pipa, gdpr or ccpa
    #[arg(
        long,
        env = "RIGHTSDESK_JURISDICTION",
        default_value = "kr-pipa",
        global = true
    )]
    pub jurisdiction: String,
    /// Time zone deadline days are counted in [default: by profile]
    #[arg(long, env = "RIGHTSDESK_TIMEZONE", global = true)]
    pub timezone: Option<String>,
    /// EU member state whose public holidays the gdpr profile counts with
    #[arg(long, env = "RIGHTSDESK_GDPR_COUNTRY", default_value = "BE", global = true)]
    pub gdpr_country: String,
    /// Tracing filter, e.g. info or rightsdesk=debug
    #[arg(long, env = "RIGHTSDESK_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format: text or json
    #[arg(long, env = "RIGHTSDESK_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
    /// Folder for the generated secret key and file-transport mail
    #[arg(long, env = "RIGHTSDESK_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// How often background jobs run, e.g. 5s or 500ms
    #[arg(long, env = "RIGHTSDESK_JOB_INTERVAL", default_value = "5s", global = true)]
    pub job_interval: String,
    /// First retry delay of a failed email; doubles each attempt up to 6h
    #[arg(
        long,
        env = "RIGHTSDESK_MAIL_RETRY_BASE",
        default_value = "30s",
        global = true
    )]
    pub mail_retry_base: String,
    /// First retry delay of a failed webhook delivery; doubles each attempt up to 6h
    #[arg(
        long,
        env = "RIGHTSDESK_WEBHOOK_RETRY_BASE",
        default_value = "30s",
        global = true
    )]
    pub webhook_retry_base: String,
    /// Posts per minute one IP address may make to the public form, tracking and code entry
    #[arg(long, env = "RIGHTSDESK_RATE_LIMIT", default_value = "20", global = true)]
    pub rate_limit: String,
    /// Behind how many reverse proxies the desk runs: false (none), true (one) or a number; the client address is then the one the outermost trusted proxy added to X-Forwarded-For
    #[arg(
        long,
        env = "RIGHTSDESK_TRUST_FORWARDED",
        default_value = "false",
        global = true
    )]
    pub trust_forwarded: String,
    /// How long a request may stay unverified before it expires, e.g. 7d
    #[arg(
        long,
        env = "RIGHTSDESK_UNVERIFIED_EXPIRY",
        default_value = "7days",
        global = true
    )]
    pub unverified_expiry: String,
    /// Whether self-requests also need staff review of a document after email verification (true/false)
    #[arg(
        long,
        env = "RIGHTSDESK_SELF_REQUESTS_NEED_REVIEW",
        default_value = "false",
        global = true
    )]
    pub self_requests_need_review: String,
    /// Longest wait for the next bytes of a request body before it is cut off, e.g. 15s
    #[arg(long, env = "RIGHTSDESK_BODY_TIMEOUT", default_value = "15s", global = true)]
    pub body_timeout: String,
    /// Database connections per instance [default: 2 per core, 4 to 32]
    #[arg(long, env = "RIGHTSDESK_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<String>,
    /// Whether a privacy officer may approve a refusal or a deletion they decided themselves: required (never), when_possible (only while no other privacy officer is active) or off
    #[arg(
        long,
        env = "RIGHTSDESK_FOUR_EYES",
        default_value = "when_possible",
        global = true
    )]
    pub four_eyes: String,
    /// Inside addresses and networks webhooks may be posted to, comma-separated (e.g. 127.0.0.1,10.0.0.0/8); loopback, private, link-local, metadata, multicast and unique-local addresses are refused otherwise
    #[arg(long, env = "RIGHTSDESK_WEBHOOK_ALLOW", default_value = "", global = true)]
    pub webhook_allow: String,
    /// API calls a second one service token may make on this instance (a burst of as many is allowed)
    #[arg(
        long,
        env = "RIGHTSDESK_API_RATE_LIMIT",
        default_value = "1000",
        global = true
    )]
    pub api_rate_limit: String,
}

/// A setting that stops start-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

/// A whole number from 1 to 1,000,000 (a rate limit), or the setting's
/// one-line error saying what it should be.
fn count_up_to_a_million(name: &'static str, raw: &str, what: &str) -> Result<u32, ConfigError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or_else(|| invalid(name, format!("{raw:?} is not {what} from 1 to 1000000")))
}

fn invalid(name: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A setting that may carry a password (a URL's `user:password@`), held
/// in a [`SecretBox`]: `Debug` shows `[REDACTED]`, and the text is wiped
/// when dropped.
#[derive(Clone)]
pub struct WithPassword<T>(T);

impl Zeroize for WithPassword<DatabaseUrl> {
    fn zeroize(&mut self) {
        // A SQLite path carries no password.
        if let DatabaseUrl::Postgres(url) = &mut self.0 {
            url.zeroize();
        }
    }
}

impl CloneableSecret for WithPassword<DatabaseUrl> {}

impl Zeroize for WithPassword<MailTransportConfig> {
    fn zeroize(&mut self) {
        if let MailTransportConfig::Smtp(url) = &mut self.0 {
            url.zeroize();
        }
    }
}

impl CloneableSecret for WithPassword<MailTransportConfig> {}

/// The validated configuration. Its secrets (the secret key, and the
/// database and SMTP URLs, which may carry passwords) never show in its
/// `Debug` output.
#[derive(Debug, Clone)]
pub struct Config {
    database_url: SecretBox<WithPassword<DatabaseUrl>>,
    pub bind: SocketAddr,
    /// Without a trailing slash.
    pub base_url: String,
    /// The base64 secret, when given; otherwise it lives in `data_dir`.
    pub secret_key: Option<SecretString>,
    mail: SecretBox<WithPassword<MailTransportConfig>>,
    pub mail_from: lettre::message::Mailbox,
    pub jurisdiction: Jurisdiction,
    pub timezone: Tz,
    /// The holiday calendar deadlines are counted with: the profile's
    /// (for `gdpr`, the member state's of `RIGHTSDESK_GDPR_COUNTRY`).
    pub calendar: CalendarCode,
    pub log: String,
    pub log_format: LogFormat,
    pub data_dir: PathBuf,
    pub job_interval: Duration,
    pub mail_retry_base: Duration,
    pub webhook_retry_base: Duration,
    pub db_pool_size: Option<u32>,
    /// Posts per minute per IP address on the public endpoints.
    pub rate_limit: u32,
    pub unverified_expiry: Duration,
    /// Longest wait for the next bytes of a request body.
    pub body_timeout: Duration,
    /// Email control alone does not verify a self-requester: staff review too.
    pub self_requests_need_review: bool,
    /// The client address comes from the reverse proxy's headers.
    /// How many reverse proxies stand in front of the desk (0: none). The
    /// client address is the one the outermost of them reported.
    pub trusted_proxies: u8,
    /// Whether the privacy officer who decided may approve the decision.
    pub four_eyes: FourEyes,
    /// The inside addresses webhooks may be posted to.
    pub webhook_allow: AllowList,
    /// API calls a second per service token, per instance.
    pub api_rate_limit: u32,
}

fn flag(name: &'static str, raw: &str) -> Result<bool, ConfigError> {
    match raw.trim() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(invalid(name, format!("{other:?} is not true or false"))),
    }
}

fn duration(name: &'static str, raw: &str) -> Result<Duration, ConfigError> {
    let d = humantime::parse_duration(raw.trim()).map_err(|_| {
        invalid(
            name,
            format!("{raw:?} is not a duration (use e.g. 5s, 500ms, 2m)"),
        )
    })?;
    if d.is_zero() {
        return Err(invalid(name, "must be longer than zero"));
    }
    Ok(d)
}

impl Config {
    /// The database to use.
    pub fn database_url(&self) -> &DatabaseUrl {
        &self.database_url.expose_secret().0
    }

    /// Where email goes.
    pub fn mail(&self) -> &MailTransportConfig {
        &self.mail.expose_secret().0
    }

    /// The legal profile in force.
    pub fn profile(&self) -> &'static Profile {
        Profile::of(self.jurisdiction)
    }

    /// When the answer to a request of `kind` received at `received_utc`
    /// is due (its period `extended` or not), counted in the profile's zone
    /// with `calendar` (the profile's, with an admin's changes: see
    /// `Tx::calendar`).
    pub fn due_date(
        &self,
        kind: RequestKind,
        extended: bool,
        received_utc: chrono::NaiveDateTime,
        calendar: &HolidayCalendar,
    ) -> chrono::NaiveDate {
        deadline::answer_due(
            self.profile(),
            kind,
            extended,
            received_utc,
            self.timezone,
            calendar,
        )
    }

    pub fn from_args(args: &ConfigArgs) -> Result<Self, ConfigError> {
        let database_url = DatabaseUrl::parse(&args.database_url)
            .map_err(|e| invalid("RIGHTSDESK_DATABASE_URL", e.to_string()))?;
        let bind = SocketAddr::from_str(args.bind.trim()).map_err(|_| {
            invalid(
                "RIGHTSDESK_BIND",
                format!(
                    "{:?} is not a listen address (expected IP:PORT such as 127.0.0.1:8080)",
                    args.bind
                ),
            )
        })?;
        let base_url = match &args.base_url {
            Some(raw) => {
                let parsed = url::Url::parse(raw.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                let Some(parsed) = parsed else {
                    return Err(invalid(
                        "RIGHTSDESK_BASE_URL",
                        format!("{raw:?} is not an http(s) URL such as https://privacy.example.com"),
                    ));
                };
                parsed.as_str().trim_end_matches('/').to_owned()
            }
            None => format!("http://{bind}"),
        };
        if let Some(secret) = &args.secret_key {
            auth::keys::SecretKey::from_base64(secret)
                .map_err(|e| invalid("RIGHTSDESK_SECRET_KEY", e.to_string()))?;
        }
        let mail = match args.smtp_url.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(url) => {
                lettre::SmtpTransport::from_url(url).map_err(|e| {
                    invalid(
                        "RIGHTSDESK_SMTP_URL",
                        format!(
                            "not a usable SMTP URL ({e}); expected smtp://host:port or smtps://user:pass@host"
                        ),
                    )
                })?;
                MailTransportConfig::Smtp(url.to_owned())
            }
            None => MailTransportConfig::Files(args.data_dir.join("mail")),
        };
        let mail_from = args.mail_from.trim().parse().map_err(|_| {
            invalid(
                "RIGHTSDESK_MAIL_FROM",
                format!(
                    "{:?} is not a mailbox such as \"Privacy Desk <privacy@example.com>\"",
                    args.mail_from
                ),
            )
        })?;
        let jurisdiction: Jurisdiction = args.jurisdiction.trim().parse().map_err(|_| {
            invalid(
                "RIGHTSDESK_JURISDICTION",
                format!("{:?} is not a profile (kr-pipa, gdpr or ccpa)", args.jurisdiction),
            )
        })?;
        let timezone = match &args.timezone {
            Some(tz) => tz.trim().parse::<Tz>().map_err(|_| {
                invalid(
                    "RIGHTSDESK_TIMEZONE",
                    format!("{tz:?} is not an IANA time zone such as Asia/Seoul"),
                )
            })?,
            None => jurisdiction.default_timezone(),
        };
        let calendar = match jurisdiction {
            Jurisdiction::KrPipa => CalendarCode::KOREA,
            Jurisdiction::Ccpa => CalendarCode::CALIFORNIA,
            Jurisdiction::Gdpr => CalendarCode::member_state(&args.gdpr_country).ok_or_else(|| {
                invalid(
                    "RIGHTSDESK_GDPR_COUNTRY",
                    format!(
                        "{:?} is not an EU member state's two-letter code such as BE, DE or IE",
                        args.gdpr_country
                    ),
                )
            })?,
        };
        tracing_subscriber::EnvFilter::try_new(&args.log).map_err(|e| {
            invalid(
                "RIGHTSDESK_LOG",
                format!("{:?} is not a tracing filter ({e})", args.log),
            )
        })?;
        let log_format = match args.log_format.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "RIGHTSDESK_LOG_FORMAT",
                    format!("{other:?} is not text or json"),
                ));
            }
        };
        let db_pool_size = match &args.db_pool_size {
            Some(raw) => Some(
                raw.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "RIGHTSDESK_DB_POOL_SIZE",
                            format!("{raw:?} is not a number from 1 to 1000"),
                        )
                    })?,
            ),
            None => None,
        };
        let rate_limit = count_up_to_a_million(
            "RIGHTSDESK_RATE_LIMIT",
            &args.rate_limit,
            "a number of posts per minute",
        )?;
        let self_requests_need_review = flag(
            "RIGHTSDESK_SELF_REQUESTS_NEED_REVIEW",
            &args.self_requests_need_review,
        )?;
        let trusted_proxies = match args.trust_forwarded.trim() {
            "true" | "yes" => 1,
            raw => match raw.parse::<u8>() {
                Ok(n) if n <= 10 => n,
                _ => u8::from(flag("RIGHTSDESK_TRUST_FORWARDED", raw).map_err(|_| {
                    invalid(
                        "RIGHTSDESK_TRUST_FORWARDED",
                        format!("{raw:?} is not true, false or a number of proxies from 0 to 10"),
                    )
                })?),
            },
        };
        let four_eyes = args.four_eyes.trim().parse::<FourEyes>().map_err(|_| {
            invalid(
                "RIGHTSDESK_FOUR_EYES",
                format!("{:?} is not required, when_possible or off", args.four_eyes),
            )
        })?;
        let webhook_allow = AllowList::parse(&args.webhook_allow)
            .map_err(|e| invalid("RIGHTSDESK_WEBHOOK_ALLOW", e.to_string()))?;
        let api_rate_limit = count_up_to_a_million(
            "RIGHTSDESK_API_RATE_LIMIT",
            &args.api_rate_limit,
            "a number of calls a second",
        )?;
        Ok(Self {
            database_url: SecretBox::new(Box::new(WithPassword(database_url))),
            bind,
            base_url,
            secret_key: args.secret_key.clone().map(SecretString::from),
            mail: SecretBox::new(Box::new(WithPassword(mail))),
            mail_from,
            jurisdiction,
            timezone,
            calendar,
            log: args.log.clone(),
            log_format,
            data_dir: args.data_dir.clone(),
            job_interval: duration("RIGHTSDESK_JOB_INTERVAL", &args.job_interval)?,
            mail_retry_base: duration("RIGHTSDESK_MAIL_RETRY_BASE", &args.mail_retry_base)?,
            webhook_retry_base: duration("RIGHTSDESK_WEBHOOK_RETRY_BASE", &args.webhook_retry_base)?,
            db_pool_size,
            rate_limit,
            unverified_expiry: duration("RIGHTSDESK_UNVERIFIED_EXPIRY", &args.unverified_expiry)?,
            body_timeout: duration("RIGHTSDESK_BODY_TIMEOUT", &args.body_timeout)?,
            self_requests_need_review,
            trusted_proxies,
            four_eyes,
            webhook_allow,
            api_rate_limit,
        })
    }

    /// Narrows the data folder (the generated secret key, file-transport
    /// mail), if it exists, to the desk's user (0700); what makes it makes
    /// it so.
    pub fn prepare_data_dir(&self) -> Result<(), ConfigError> {
        if !self.data_dir.is_dir() {
            return Ok(());
        }
        mail::private_dir(&self.data_dir).map_err(|e| {
            invalid(
                "RIGHTSDESK_DATA_DIR",
                format!("{}: cannot make it private: {e}", self.data_dir.display()),
            )
        })
    }

    /// The secret key: the configured one, or the one kept in the data
    /// folder (created on first start). The flag says it was just created.
    pub fn load_secret(&self) -> Result<(auth::keys::SecretKey, bool), ConfigError> {
        use auth::keys::SecretKey;
        match &self.secret_key {
            Some(encoded) => SecretKey::from_base64(encoded.expose_secret())
                .map(|k| (k, false))
                .map_err(|e| invalid("RIGHTSDESK_SECRET_KEY", e.to_string())),
            None => SecretKey::load_or_create(&self.data_dir.join("secret.key")).map_err(|e| {
                invalid(
                    "RIGHTSDESK_SECRET_KEY",
                    format!("not set, and the key file failed: {e}"),
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: ConfigArgs,
    }

    fn parse(flags: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["rightsdesk"];
        argv.extend_from_slice(flags);
        Config::from_args(&Wrapper::parse_from(argv).args)
    }

    #[test]
    fn defaults_are_valid() {
        let config = parse(&[]).unwrap();
        assert_eq!(
            config.database_url(),
            &DatabaseUrl::Sqlite("data/rightsdesk.db".into())
        );
        assert_eq!(config.base_url, "http://127.0.0.1:8080");
        assert_eq!(config.timezone, chrono_tz::Asia::Seoul);
        assert_eq!(config.mail(), &MailTransportConfig::Files("data/mail".into()));
        assert_eq!(config.job_interval, Duration::from_secs(5));
        assert_eq!(config.four_eyes, FourEyes::WhenPossible);
        assert_eq!(config.webhook_allow, AllowList::default());
        assert_eq!(config.api_rate_limit, 1000);
    }

    #[test]
    fn each_bad_setting_is_named() {
        let table = [
            (vec!["--database-url", "mysql://x"], "RIGHTSDESK_DATABASE_URL"),
            (vec!["--bind", "localhost"], "RIGHTSDESK_BIND"),
            (vec!["--base-url", "ftp://x"], "RIGHTSDESK_BASE_URL"),
            (vec!["--secret-key", "c2hvcnQ="], "RIGHTSDESK_SECRET_KEY"),
            (vec!["--smtp-url", "http://mail"], "RIGHTSDESK_SMTP_URL"),
            (vec!["--mail-from", "not an address"], "RIGHTSDESK_MAIL_FROM"),
            (vec!["--jurisdiction", "us"], "RIGHTSDESK_JURISDICTION"),
            (vec!["--timezone", "Mars/Olympus"], "RIGHTSDESK_TIMEZONE"),
            (
                vec!["--jurisdiction", "gdpr", "--gdpr-country", "GB"],
                "RIGHTSDESK_GDPR_COUNTRY",
            ),
            (vec!["--log-format", "xml"], "RIGHTSDESK_LOG_FORMAT"),
            (vec!["--job-interval", "soon"], "RIGHTSDESK_JOB_INTERVAL"),
            (vec!["--mail-retry-base", "0s"], "RIGHTSDESK_MAIL_RETRY_BASE"),
            (
                vec!["--webhook-retry-base", "0s"],
                "RIGHTSDESK_WEBHOOK_RETRY_BASE",
            ),
            (vec!["--db-pool-size", "0"], "RIGHTSDESK_DB_POOL_SIZE"),
            (vec!["--rate-limit", "many"], "RIGHTSDESK_RATE_LIMIT"),
            (
                vec!["--unverified-expiry", "never"],
                "RIGHTSDESK_UNVERIFIED_EXPIRY",
            ),
            (
                vec!["--self-requests-need-review", "maybe"],
                "RIGHTSDESK_SELF_REQUESTS_NEED_REVIEW",
            ),
            (vec!["--four-eyes", "sometimes"], "RIGHTSDESK_FOUR_EYES"),
            (
                vec!["--webhook-allow", "10.0.0.0/8,intranet"],
                "RIGHTSDESK_WEBHOOK_ALLOW",
            ),
            (vec!["--api-rate-limit", "0"], "RIGHTSDESK_API_RATE_LIMIT"),
            (vec!["--rate-limit", "0"], "RIGHTSDESK_RATE_LIMIT"),
            (vec!["--rate-limit", "1000001"], "RIGHTSDESK_RATE_LIMIT"),
        ];
        for (flags, name) in table {
            let err = parse(&flags).unwrap_err();
            assert_eq!(err.name, name, "{flags:?}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }

    #[test]
    fn the_per_address_post_limit_may_be_raised_to_a_million_a_minute() {
        let config = parse(&["--rate-limit", "1000000"]).expect("the highest value");
        assert_eq!(config.rate_limit, 1_000_000);
    }

    #[test]
    fn profile_sets_the_calendar() {
        let table = [
            (vec![], "kr"),
            (vec!["--jurisdiction", "ccpa"], "us-ca"),
            (vec!["--jurisdiction", "gdpr"], "be"),
            (vec!["--jurisdiction", "gdpr", "--gdpr-country", "ie"], "ie"),
            // The member state matters only under the gdpr profile.
            (vec!["--gdpr-country", "GB"], "kr"),
        ];
        for (flags, calendar) in table {
            assert_eq!(parse(&flags).unwrap().calendar.as_str(), calendar, "{flags:?}");
        }
    }

    #[test]
    fn profile_sets_the_time_zone_unless_given() {
        assert_eq!(
            parse(&["--jurisdiction", "gdpr"]).unwrap().timezone,
            chrono_tz::Europe::Brussels
        );
        let c = parse(&["--jurisdiction", "gdpr", "--timezone", "Europe/Dublin"]).unwrap();
        assert_eq!(c.timezone, chrono_tz::Europe::Dublin);
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let key = auth::keys::SecretKey::generate().to_base64();
        let config = parse(&[
            "--secret-key",
            &key,
            "--smtp-url",
            "smtps://desk:smtp-pass-123@mail.example.com",
            "--database-url",
            "postgres://desk:db-pass-456@db.example.com/rightsdesk",
        ])
        .unwrap();
        let printed = format!("{config:?}");
        for secret in [key.as_str(), "smtp-pass-123", "db-pass-456"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(
            printed.contains("Asia/Seoul"),
            "the rest is still shown: {printed}"
        );
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        let c = parse(&["--base-url", "https://privacy.example.com/"]).unwrap();
        assert_eq!(c.base_url, "https://privacy.example.com");
    }
}
