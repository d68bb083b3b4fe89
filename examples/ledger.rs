//! The operators' tool for the proof-of-consent ledger: answer a data-subject request
//! without writing code.
//!
//! ```text
//! cargo run --example ledger -- [--store PATH|URL] COMMAND
//!
//! COMMAND:
//!   export  --consent ID | --subject S     the records and wordings as JSON (Art. 15, 20)
//!   erase   --consent ID | --subject S     delete the records (Art. 17)
//!   link    ID SUBJECT                     link a consent id to a subject (an account)
//!   purge   [--retention-days N]           delete records older than the retention
//!                                          period (default: the ledger's, three years)
//!   stats                                  count records, consent ids, wordings, links
//! ```
//!
//! The store is a SQLite file (default `consent-ledger.db`, as the demo writes it) or a
//! PostgreSQL URL (`postgres://…`, tables in the `tower_consent` schema, or
//! `LEDGER_SCHEMA`); without
//! `--store`, `DATABASE_URL` is used when set. For example, after clicking "Accept all"
//! in the demo:
//!
//! ```text
//! cargo run --example ledger -- stats
//! cargo run --example ledger -- export --consent ylzvSWJgQLGiyGfn
//! cargo run --example ledger -- --store postgres://postgres@127.0.0.1/test erase --subject account-7
//! ```

use std::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tower_consent::ledger::{Ledger, LedgerStore, PgStore, SqliteStore, Who};
use tower_consent::ConsentId;

/// Prints a line to stdout; a closed pipe (`… | head`) ends the tool quietly.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(error.into());
        }
    }};
}

const USAGE: &str = "usage: ledger [--store PATH|URL] \
    (export|erase) (--consent ID|--subject S) | link ID SUBJECT | purge [--retention-days N] | stats";

#[tokio::main]
async fn main() {
    if let Err(error) = run(std::env::args().skip(1).collect()).await {
        eprintln!("error: {error}");
        eprintln!("{USAGE}");
        std::process::exit(2);
    }
}

async fn run(mut args: Vec<String>) -> Result<(), Box<dyn Error>> {
    let store = match args.iter().position(|a| a == "--store") {
        Some(at) => {
            let value = args
                .get(at + 1)
                .ok_or("--store needs a path or URL")?
                .clone();
            args.drain(at..=at + 1);
            value
        }
        None => std::env::var("DATABASE_URL").unwrap_or_else(|_| "consent-ledger.db".into()),
    };
    let (command, rest) = args.split_first().ok_or("no command")?;
    let ledger = Ledger::from_arc(open(&store).await?);
    match command.as_str() {
        "export" => {
            let export = ledger.export(&who(rest)?).await?;
            say!("{}", serde_json::to_string_pretty(&export)?);
        }
        "erase" => {
            let erased = ledger.erase(&who(rest)?).await?;
            say!("erased {erased} records");
        }
        "link" => {
            let [id, subject] = rest else {
                return Err("link takes a consent id and a subject".into());
            };
            ledger.link(id.parse::<ConsentId>()?, subject).await?;
            say!("linked {id} to {subject}");
        }
        "purge" => {
            let ledger = match rest {
                [] => ledger,
                [flag, days] if flag == "--retention-days" => {
                    let days: u64 = days.parse()?;
                    if days == 0 {
                        return Err("--retention-days must be at least 1".into());
                    }
                    ledger.retention(Duration::from_secs(days * 24 * 3600))
                }
                _ => return Err("purge takes only --retention-days N".into()),
            };
            let deleted = ledger.delete_expired().await?;
            say!("deleted {deleted} expired records");
        }
        "stats" => {
            say!("{}", serde_json::to_string_pretty(&ledger.stats().await?)?);
        }
        other => return Err(format!("unknown command {other:?}").into()),
    }
    Ok(())
}

/// A PostgreSQL URL, a `sqlite:` URL, or the path of an existing SQLite file.
async fn open(store: &str) -> Result<Arc<dyn LedgerStore>, Box<dyn Error>> {
    if store.starts_with("postgres://") || store.starts_with("postgresql://") {
        let schema = std::env::var("LEDGER_SCHEMA").unwrap_or_else(|_| "tower_consent".into());
        return Ok(Arc::new(PgStore::connect_in(store, &schema).await?));
    }
    if store.starts_with("sqlite:") {
        return Ok(Arc::new(SqliteStore::connect(store).await?));
    }
    if !Path::new(store).exists() {
        return Err(
            format!("no ledger file at {store} (give --store PATH or a postgres:// URL)").into(),
        );
    }
    Ok(Arc::new(SqliteStore::open(store).await?))
}

fn who(args: &[String]) -> Result<Who, Box<dyn Error>> {
    match args {
        [flag, id] if flag == "--consent" => Ok(Who::Consent(id.parse()?)),
        [flag, subject] if flag == "--subject" => Ok(Who::Subject(subject.clone())),
        _ => Err("name whose records: --consent ID or --subject S".into()),
    }
}
