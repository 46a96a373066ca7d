//! `milepost serve [--demo] [--links-json FILE]` | `milepost migrate` | `milepost demo`

use milepost::auth::api_key::{self, Scope};
use milepost::config::Config;
use milepost::ingest::webhook_format::WebhookFormat;
use milepost::state::AppState;
use milepost::{api, demo, ingest, server, store};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: milepost [COMMAND]

  serve [--demo] [--links-json FILE]
                 run the web server (default); --demo loads demo data into an
                 empty database and prints demo tracking links and API keys;
                 --links-json also writes them to FILE as JSON
  migrate        apply database migrations and exit
  demo           load demo data into an empty database and exit
  api-key create --tenant SLUG --scopes oms,wms,carrier,admin [--name NAME]
  api-key revoke ID
  webhook-secret add --tenant SLUG --source SOURCE
  webhook-secret revoke ID
  dictionary unmapped --tenant SLUG
                 codes received that no dictionary row maps, most frequent first
  import FORMAT FILE --tenant SLUG
                 ingest a file as if it had arrived online: FORMAT is edi (an
                 X12 interchange), easypost, aftership or shippo (a webhook
                 payload); prints what each part became as JSON

Configuration comes from MILEPOST_* environment variables; see README.md.";

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("milepost: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(config, &args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("milepost: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_env("MILEPOST_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // stderr, so commands that print results (import) keep stdout clean.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.json_logs {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(mut config: Config, args: &[String]) -> anyhow::Result<()> {
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let flag = |name: &str| args.iter().any(|a| a == name);
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    if flag("--help") || flag("-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let pool = store::connect(&config.database_url, config.max_connections).await?;
    store::migrate(&pool).await?;
    // Webhook secrets are sealed with this key: settle it before anything
    // reads one, refuse to start with a key that does not open them, and
    // seal what an older version stored in clear.
    let secret_key = milepost::secret_box::SecretKey::for_deployment(config.secret_key.as_ref(), &config.data_dir)
        .map_err(anyhow::Error::msg)?;
    let sealed = store::seal_clear_secrets(&pool, &secret_key).await?;
    if sealed > 0 {
        tracing::info!(secrets = sealed, "sealed webhook secrets that were stored in clear");
    }
    config.secret_key = Some(secret_key.clone());
    // Orders saved before the search index existed become searchable.
    let indexed = store::index_unindexed_orders(&pool).await?;
    if indexed > 0 {
        tracing::info!(orders = indexed, "indexed orders for search");
    }
    match command {
        "migrate" => {
            tracing::info!(database = %config.database_url, "migrations applied");
            Ok(())
        }
        "demo" => {
            load_demo(&pool, &config).await?;
            Ok(())
        }
        "api-key" => api_key_command(&pool, &args[1..]).await,
        "webhook-secret" => webhook_secret_command(&pool, &secret_key, &args[1..]).await,
        "dictionary" if args.get(1).map(String::as_str) == Some("unmapped") => {
            let tenant = tenant_id(&pool, option(args, "--tenant")?).await?;
            println!("count\tlast seen\tsource\tcode");
            for (source, code, count, last) in store::unmapped_codes(&pool, tenant).await? {
                println!("{count}\t{}\t{source}\t{code}", last.format("%Y-%m-%d %H:%M"));
            }
            Ok(())
        }
        "import" => import_command(AppState::new(config, pool), &args[1..]).await,
        "serve" => {
            let listener = tokio::net::TcpListener::bind(config.addr).await?;
            let addr = listener.local_addr()?;
            let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
            config.public_url = Some(public_url.clone());
            if flag("--demo") {
                load_demo(&pool, &config).await?;
                print_demo_links(&pool, &public_url, value("--links-json")).await?;
            }
            let state = AppState::new(config, pool);
            if flag("--demo") && std::env::var("MILEPOST_DEMO_REPLAY").map_or(true, |v| v != "off") {
                tokio::spawn(demo::replay_route(state.clone()));
            }
            milepost::notify::spawn_worker(state.clone()).map_err(|e| anyhow::anyhow!(e))?;
            milepost::retention::spawn_position_pruner(state.clone());
            milepost::live::listener::spawn_listener(&state.pool, state.hub.clone());
            tracing::info!(%addr, "Milepost is listening on {public_url}");
            let limits = state.config.limits.clone();
            server::serve_with(listener, server::router(state), &limits).await?;
            Ok(())
        }
        other => anyhow::bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

async fn load_demo(pool: &store::Pool, config: &Config) -> anyhow::Result<()> {
    if !store::is_empty(pool).await? {
        tracing::info!("database already has data; demo not loaded again");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let dictionary = milepost::domain::StatusDictionary::global();
    let summary = demo::seed(pool, &dictionary, chrono::Utc::now(), 150).await?;
    let blobs = milepost::blob::LocalBlobStore::new(config.data_dir.join("pod"));
    let proofs = demo::seed_proofs_of_delivery(pool, &blobs).await?;
    tracing::info!(proofs, "demo proofs of delivery stored");
    tracing::info!(?summary, elapsed_ms = started.elapsed().as_millis() as u64, "demo data loaded");
    Ok(())
}

async fn print_demo_links(pool: &store::Pool, public_url: &str, json_file: Option<String>) -> anyhow::Result<()> {
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
        std::fs::write(&path, serde_json::to_vec_pretty(&document)?)?;
    }
    Ok(())
}

fn option<'a>(args: &'a [String], name: &str) -> anyhow::Result<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .ok_or_else(|| anyhow::anyhow!("missing {name}\n\n{USAGE}"))
}

async fn tenant_id(pool: &store::Pool, slug: &str) -> anyhow::Result<milepost::domain::TenantId> {
    store::tenant_by_slug(pool, slug).await?.ok_or_else(|| anyhow::anyhow!("no tenant with slug `{slug}`"))
}

fn id_argument(args: &[String]) -> anyhow::Result<i64> {
    args.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| anyhow::anyhow!("expected a numeric ID\n\n{USAGE}"))
}

async fn api_key_command(pool: &store::Pool, args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("create") => {
            let tenant = tenant_id(pool, option(args, "--tenant")?).await?;
            let scopes = option(args, "--scopes")?
                .split(',')
                .map(|s| s.parse::<Scope>().map_err(anyhow::Error::msg))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let name = option(args, "--name").unwrap_or("api key");
            let (id, key) = api_key::create(pool, tenant, name, &scopes).await?;
            println!("API key {id} (shown once, store it now):\n{key}");
        }
        Some("revoke") => {
            let id = id_argument(args)?;
            anyhow::ensure!(store::revoke_api_key(pool, id).await?, "no live API key {id}");
            println!("API key {id} revoked");
        }
        _ => anyhow::bail!("{USAGE}"),
    }
    Ok(())
}

/// Files get no signature check: whoever runs this already holds the database.
async fn import_command(state: AppState, args: &[String]) -> anyhow::Result<()> {
    let (Some(format), Some(file)) = (args.first(), args.get(1)) else { anyhow::bail!("{USAGE}") };
    let tenant = tenant_id(&state.pool, option(args, "--tenant")?).await?;
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?;
    let report = match format.as_str() {
        "edi" => {
            let interchange = ingest::x12::parse(&bytes).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            serde_json::to_value(ingest::edi::apply(&state, tenant, &bytes, &interchange).await?)?
        }
        source => {
            let format = WebhookFormat::for_source(source);
            let Some(parsed) = format.carrier_events(&bytes) else {
                anyhow::bail!("unknown import format `{source}` (expected edi, easypost, aftership or shippo)")
            };
            let events = parsed.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let recorded = api::events::record_carrier_events(&state, tenant, source, events)
                .await
                .map_err(|problem| anyhow::anyhow!("{file}: {}", problem.detail))?;
            serde_json::to_value(recorded)?
        }
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

async fn webhook_secret_command(
    pool: &store::Pool,
    key: &milepost::secret_box::SecretKey,
    args: &[String],
) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("add") => {
            let tenant = tenant_id(pool, option(args, "--tenant")?).await?;
            let source = option(args, "--source")?.to_ascii_lowercase();
            let secret = milepost::auth::webhook_signature::generate_secret();
            let id = store::add_webhook_secret(pool, key, tenant, &source, &secret).await?;
            println!("Webhook secret {id} for {source} (older secrets stay valid until revoked):\n{secret}");
        }
        Some("revoke") => {
            let id = id_argument(args)?;
            anyhow::ensure!(store::revoke_webhook_secret(pool, id).await?, "no live webhook secret {id}");
            println!("Webhook secret {id} revoked");
        }
        _ => anyhow::bail!("{USAGE}"),
    }
    Ok(())
}
