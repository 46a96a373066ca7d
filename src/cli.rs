//! The command line: every command, its arguments and its `--help`, and
//! what each does. `milepost` alone serves. Configuration is not here: it
//! comes from `MILEPOST_*` variables, read in `config` only (why there, and
//! not as clap `env` arguments, is said at the top of that file).

use crate::application::{prepare_database, Application};
use crate::auth::api_key::{self, Scope};
use crate::config::Config;
use crate::ingest::webhook_format::WebhookFormat;
use crate::state::AppState;
use crate::{demo, ingest, store};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// Milepost: a real-time order tracking portal.
#[derive(Debug, Parser)]
#[command(name = "milepost", version, after_help = CONFIGURATION)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

const CONFIGURATION: &str = "\
Configuration comes from MILEPOST_* environment variables (MILEPOST_DATABASE_URL,
MILEPOST_ADDR, MILEPOST_DATA_DIR, MILEPOST_PUBLIC_URL, MILEPOST_SMTP_URL...); see README.md.
`milepost COMMAND --help` describes each command.";

impl Cli {
    /// The command given, or `serve`.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(ServeArgs::default()))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default command)
    Serve(ServeArgs),
    /// Apply database migrations and exit
    Migrate,
    /// Load demo data into an empty database and exit
    Demo,
    /// Create or revoke API keys
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Add or revoke the secrets that sign a source's webhooks
    #[command(subcommand)]
    WebhookSecret(WebhookSecretCommand),
    /// Look into the status dictionary
    #[command(subcommand)]
    Dictionary(DictionaryCommand),
    /// Ingest a file as if it had arrived online; prints what each part became as JSON
    Import(ImportArgs),
    /// Load delivery history from outside Milepost
    #[command(subcommand)]
    History(HistoryCommand),
    /// Score the delivery promise on the tenant's own delivered shipments, month by month
    Backtest(BacktestArgs),
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Import a history dataset's files as orders, shipments and events
    Import {
        /// The dataset's format
        #[arg(value_enum)]
        format: HistoryFormat,
        /// The folder holding the dataset's CSV files
        dir: PathBuf,
        #[command(flatten)]
        tenant: TenantArg,
        /// Create the tenant (named after its slug) when there is none with that slug
        #[arg(long)]
        create_tenant: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum HistoryFormat {
    /// The Olist e-commerce dataset: olist_orders, olist_order_items, olist_customers and olist_sellers CSV files
    Olist,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub tenant: TenantArg,
    /// The first test month, YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    pub from: crate::domain::promise::YearMonth,
    /// The last test month, YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    pub to: crate::domain::promise::YearMonth,
    /// Print the figures as one JSON object instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Load demo data into an empty database, and print demo tracking links, sign-ins and API keys
    #[arg(long)]
    pub demo: bool,
    /// With --demo, also write the links, sign-ins and API keys to FILE as JSON
    #[arg(long, value_name = "FILE")]
    pub links_json: Option<PathBuf>,
}

/// `--tenant SLUG`, for every command that works within one tenant.
#[derive(Debug, Args)]
pub struct TenantArg {
    /// The tenant, by its slug
    #[arg(long = "tenant", value_name = "SLUG")]
    pub slug: String,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key for a tenant; the key is printed once
    Create {
        #[command(flatten)]
        tenant: TenantArg,
        /// What the key may call, comma-separated: oms, wms, carrier, admin
        #[arg(long, value_name = "SCOPES", value_delimiter = ',', required = true)]
        scopes: Vec<Scope>,
        /// A name to tell the key by
        #[arg(long, default_value = "api key")]
        name: String,
    },
    /// Revoke an API key
    Revoke {
        /// The key's ID, as `create` printed it
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookSecretCommand {
    /// Add a Standard Webhooks signing secret for a source (older secrets stay valid until revoked)
    Add {
        #[command(flatten)]
        tenant: TenantArg,
        /// The source that signs with it: a carrier or platform (ups, easypost, aftership, shippo...)
        #[arg(long, value_name = "SOURCE")]
        source: String,
    },
    /// Revoke a webhook secret, once its replacement is in use
    Revoke {
        /// The secret's ID, as `add` printed it
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DictionaryCommand {
    /// Codes received that no dictionary row maps, most frequent first
    Unmapped {
        #[command(flatten)]
        tenant: TenantArg,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file to ingest
    pub file: PathBuf,
    #[command(flatten)]
    pub tenant: TenantArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImportFormat {
    /// An X12 interchange (856 ship notices, 214 status messages...)
    Edi,
    /// An EasyPost tracker webhook payload
    Easypost,
    /// An AfterShip tracking webhook payload
    Aftership,
    /// A Shippo track_updated webhook payload
    Shippo,
}

/// Runs a command. Files get no signature check on import: whoever runs
/// this already holds the database.
pub async fn run(mut config: Config, command: Command) -> anyhow::Result<()> {
    let command = match command {
        Command::Serve(args) => return serve(config, args).await,
        other => other,
    };
    let pool = prepare_database(&mut config).await?;
    match command {
        Command::Serve(_) => unreachable!("served above"),
        Command::Migrate => tracing::info!(database = %config.database_url, "migrations applied"),
        Command::Demo => load_demo(&pool, &config).await?,
        Command::ApiKey(command) => api_key_command(&pool, command).await?,
        Command::WebhookSecret(command) => webhook_secret_command(&pool, &config, command).await?,
        Command::Dictionary(DictionaryCommand::Unmapped { tenant }) => {
            let tenant = tenant_id(&pool, &tenant).await?;
            println!("count\tlast seen\tsource\tcode");
            for (source, code, count, last) in store::unmapped_codes(&pool, tenant).await? {
                println!("{count}\t{}\t{source}\t{code}", last.format("%Y-%m-%d %H:%M"));
            }
        }
        Command::Import(args) => import_command(AppState::new(config, pool), args).await?,
        Command::History(HistoryCommand::Import { format: HistoryFormat::Olist, dir, tenant, create_tenant }) => {
            if create_tenant && store::tenant_by_slug(&pool, &tenant.slug).await?.is_none() {
                store::create_tenant(
                    &pool,
                    &store::NewTenant {
                        slug: tenant.slug.clone(),
                        brand_name: tenant.slug.clone(),
                        logo_url: None,
                        primary_color: crate::domain::BrandColor::parse("#1f2937").expect("a colour"),
                        accent_color: crate::domain::BrandColor::parse("#2563eb").expect("a colour"),
                        support_email: None,
                        support_phone: None,
                        locale: "pt-BR".into(),
                        time_zone: "America/Sao_Paulo".into(),
                    },
                )
                .await?;
            }
            let tenant = tenant_id(&pool, &tenant).await?;
            let state = AppState::new(config, pool);
            let counts = crate::promise::import::import_olist(&state, tenant, &dir).await?;
            // The same worker as the server's folds the new events in.
            let looked_at = crate::promise::catch_up(&state).await?;
            println!(
                "orders {}\tshipments {}\tdelivered {}\tcancelled {}\tskipped {}\tnew events {}\torders updated {looked_at}",
                counts.orders, counts.shipments, counts.delivered, counts.cancelled, counts.skipped, counts.events
            );
        }
        Command::Backtest(args) => {
            let tenant = tenant_id(&pool, &args.tenant).await?;
            if args.to < args.from {
                anyhow::bail!("--to {} is before --from {}", args.to, args.from);
            }
            let state = AppState::new(config, pool);
            // Deliveries committed but not yet counted are counted first.
            crate::promise::catch_up(&state).await?;
            let deliveries = store::promise::backtest_deliveries(&state.pool, tenant).await?;
            let options = crate::history::backtest::BacktestOptions::new(args.from, args.to);
            let report = crate::history::backtest::run(&deliveries, &options);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{report}");
            }
        }
    }
    Ok(())
}

async fn serve(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let application = Application::build(config).await?;
    let state = application.state().clone();
    if args.demo {
        load_demo(&state.pool, &state.config).await?;
        print_demo_links(&state.pool, &state.public_url(), args.links_json.as_deref()).await?;
        if state.config.demo_replay {
            tokio::spawn(demo::replay_route(state));
        }
    }
    application.run_until_stopped().await?;
    Ok(())
}

async fn load_demo(pool: &store::Pool, config: &Config) -> anyhow::Result<()> {
    if !store::is_empty(pool).await? {
        tracing::info!("database already has data; demo not loaded again");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let dictionary = crate::domain::StatusDictionary::global();
    let summary = demo::seed(pool, &dictionary, chrono::Utc::now(), 150).await?;
    let blobs = crate::blob::LocalBlobStore::new(config.data_dir.join("pod"));
    let proofs = demo::seed_proofs_of_delivery(pool, &blobs).await?;
    tracing::info!(proofs, "demo proofs of delivery stored");
    tracing::info!(?summary, elapsed_ms = started.elapsed().as_millis() as u64, "demo data loaded");
    Ok(())
}

async fn print_demo_links(pool: &store::Pool, public_url: &str, json_file: Option<&Path>) -> anyhow::Result<()> {
    let links = demo::showcase_links(pool).await?;
    println!("\nDemo tracking links (new each start; older ones stay valid):");
    let mut json = Vec::new();
    for (brand, scenario, token) in &links {
        let url = format!("{public_url}/t/{}", token.as_str());
        println!("  {brand:<28} {:<36} {url}", scenario.describe());
        json.push(serde_json::json!({ "brand": brand, "state": scenario.describe(), "url": url }));
    }
    let mut api_keys = serde_json::Map::new();
    for tenant in store::list_tenants(pool).await? {
        let (_, key) = api_key::create(pool, tenant.id, "demo (printed at start)", &[Scope::Admin]).await?;
        println!("  API key (admin) for {:<15} {key}", tenant.slug);
        api_keys.insert(tenant.slug, key.into());
    }
    println!("\nDemo sign-ins at {public_url}/login (passwords new each start):");
    let mut sign_ins = Vec::new();
    for s in demo::sign_ins(pool).await? {
        println!("  {:<10} {:<18} {:<32} {}", s.tenant, s.role.label(), s.email, s.password);
        sign_ins.push(serde_json::json!({
            "tenant": s.tenant, "role": s.role.code(), "email": s.email, "password": s.password,
        }));
    }
    println!();
    if let Some(path) = json_file {
        let document = serde_json::json!({
            "links": json,
            "sign_ins": sign_ins,
            "api_keys": api_keys,
            "base_url": public_url,
            "vehicles": { "northwind": demo::demo_vehicle("NW"), "bloombark": demo::demo_vehicle("BB") },
        });
        std::fs::write(path, serde_json::to_vec_pretty(&document)?)?;
    }
    Ok(())
}

async fn tenant_id(pool: &store::Pool, tenant: &TenantArg) -> anyhow::Result<crate::domain::TenantId> {
    let slug = &tenant.slug;
    store::tenant_by_slug(pool, slug).await?.ok_or_else(|| anyhow::anyhow!("no tenant with slug `{slug}`"))
}

async fn api_key_command(pool: &store::Pool, command: ApiKeyCommand) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create { tenant, scopes, name } => {
            let tenant = tenant_id(pool, &tenant).await?;
            let (id, key) = api_key::create(pool, tenant, &name, &scopes).await?;
            println!("API key {id} (shown once, store it now):\n{key}");
        }
        ApiKeyCommand::Revoke { id } => {
            anyhow::ensure!(store::revoke_api_key(pool, id).await?, "no live API key {id}");
            println!("API key {id} revoked");
        }
    }
    Ok(())
}

async fn webhook_secret_command(
    pool: &store::Pool,
    config: &Config,
    command: WebhookSecretCommand,
) -> anyhow::Result<()> {
    match command {
        WebhookSecretCommand::Add { tenant, source } => {
            let key = config.secret_key.as_ref().expect("prepare_database settles the key");
            let tenant = tenant_id(pool, &tenant).await?;
            let source = source.to_ascii_lowercase();
            let secret = crate::auth::webhook_signature::generate_secret();
            let id = store::add_webhook_secret(pool, key, tenant, &source, &secret).await?;
            println!("Webhook secret {id} for {source} (older secrets stay valid until revoked):\n{secret}");
        }
        WebhookSecretCommand::Revoke { id } => {
            anyhow::ensure!(store::revoke_webhook_secret(pool, id).await?, "no live webhook secret {id}");
            println!("Webhook secret {id} revoked");
        }
    }
    Ok(())
}

async fn import_command(state: AppState, args: ImportArgs) -> anyhow::Result<()> {
    let tenant = tenant_id(&state.pool, &args.tenant).await?;
    let file = args.file.display();
    let bytes = std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?;
    let source = match args.format {
        ImportFormat::Edi => {
            // A file may hold several interchanges: each is applied or
            // refused on its own and reported as the API answers them.
            let parts = ingest::x12::interchanges(&bytes);
            let answer = if let [one] = parts.as_slice() {
                let interchange = ingest::x12::parse(one).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
                let outcome = ingest::edi::apply(&state, tenant, one, &interchange)
                    .await?
                    .map_err(|refusal| anyhow::anyhow!("{file}: {}", refusal.error))?;
                ingest::edi::EdiAnswer::One(outcome)
            } else {
                let parsed = parts.iter().map(|part| ingest::x12::parse(part)).collect();
                let interchanges = ingest::edi::apply_each(&state, tenant, &parts, parsed).await?;
                ingest::edi::EdiAnswer::Several(ingest::edi::EdiBatch { interchanges })
            };
            println!("{}", serde_json::to_string_pretty(&answer)?);
            return Ok(());
        }
        ImportFormat::Easypost => ingest::easypost::SOURCE,
        ImportFormat::Aftership => ingest::aftership::SOURCE,
        ImportFormat::Shippo => ingest::shippo::SOURCE,
    };
    let parsed = WebhookFormat::for_source(source).carrier_events(&bytes).expect("a carrier webhook format");
    let events = parsed.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    // What each event means, as the dictionary reads it, beside what
    // became of it (created, a duplicate, or kept until its shipment exists).
    let dictionary = state.dictionary_for(tenant).await?;
    let mut report: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            let event = e.clone().into_new_event(source, &dictionary);
            serde_json::json!({
                "tracking_number": e.tracking_number,
                "raw_code": event.raw_code,
                "canonical": event.canonical.code(),
                "occurred_at": event.occurred_at,
                "location": event.location,
                "carrier_estimate": e.estimated_delivery,
            })
        })
        .collect();
    let recorded = ingest::record::carrier_events(&state, tenant, source, events).await.map_err(|e| match e {
        ingest::record::RecordError::UnknownOrders(_) => unreachable!("carrier events name tracking numbers"),
        ingest::record::RecordError::Store(e) => anyhow::anyhow!("{file}: {e}"),
    })?;
    for (entry, recorded) in report.iter_mut().zip(recorded) {
        entry["recorded"] = serde_json::to_value(recorded)?;
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_is_serve_and_arguments_keep_their_spelling() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["milepost"], args].concat()).map(Cli::into_command);
        assert!(matches!(parse(&[]), Ok(Command::Serve(ServeArgs { demo: false, links_json: None }))));
        let Ok(Command::ApiKey(ApiKeyCommand::Create { tenant, scopes, name })) =
            parse(&["api-key", "create", "--tenant", "acme", "--scopes", "oms,wms"])
        else {
            panic!("api-key create did not parse")
        };
        assert_eq!((tenant.slug.as_str(), scopes, name.as_str()), ("acme", vec![Scope::Oms, Scope::Wms], "api key"));
        assert!(matches!(
            parse(&["import", "aftership", "f.json", "--tenant", "acme"]),
            Ok(Command::Import(ImportArgs { format: ImportFormat::Aftership, .. }))
        ));
        let error = parse(&["api-key", "create", "--tenant", "acme", "--scopes", "root"]).unwrap_err();
        assert!(error.to_string().contains("unknown scope `root`"), "{error}");
        assert!(parse(&["import", "csv", "f", "--tenant", "acme"]).is_err());
    }
}
