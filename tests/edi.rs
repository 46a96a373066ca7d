//! X12 interchanges through `POST /api/v1/edi` and `milepost import edi`,
//! on a real server and SQLite file: an 850 creates the order, an 855
//! confirms it with line changes, a 214 that arrives before its shipment is
//! kept and attached when the 856 creates the shipment with its packs.

mod common;

use common::*;
use milepost::auth::api_key::Scope;
use milepost::on_pool;
use serde_json::Value;

const PO_AND_ACK: &str = include_str!("samples/edi/850_855_purchase_order_and_acknowledgment.x12");
const EARLY_214: &str = include_str!("samples/edi/214_before_the_shipment_exists.x12");
const ASN: &str = include_str!("samples/edi/856_pick_and_pack.x12");
const DELIVERED_214: &str = include_str!("samples/edi/214_delivered.x12");

async fn post_edi(app: &TestApp, key: &str, body: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/edi", app.base_url))
        .bearer_auth(key)
        .header("content-type", "application/edi-x12")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn statuses(outcome: &Value) -> Vec<(String, String)> {
    outcome["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["set"].as_str().unwrap().to_string(), r["status"].as_str().unwrap().to_string()))
        .collect()
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    on_pool!(&app.pool, |c| sqlx::query_scalar(sql).fetch_one(c).await.unwrap())
}

#[tokio::test]
async fn an_order_lives_its_whole_life_through_edi() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Oms, Scope::Wms, Scope::Carrier]).await;

    // 850 + 855 in one interchange: created, then confirmed with changes.
    let (status, outcome) = post_edi(&app, &key, PO_AND_ACK).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "created".into()), ("855".into(), "updated".into())]);
    assert_eq!(outcome["results"][0]["order_number"], "4500012345");
    let lines: Vec<(i64, i64, i64)> = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT line_number, quantity, cancelled_quantity FROM order_lines ORDER BY line_number"
    )
    .fetch_all(c)
    .await
    .unwrap());
    assert_eq!(lines, [(1, 10, 0), (2, 6, 0), (3, 5, 5)], "line 2 cut to 6, line 3 rejected");

    // A 214 before the shipment exists is kept, not dropped.
    let (status, outcome) = post_edi(&app, &key, EARLY_214).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("214".into(), "unmatched".into()), ("214".into(), "unmatched".into())]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM unmatched_events WHERE matched_at IS NULL").await, 3);

    // The 856 creates the shipment with its packs and attaches the waiting statuses.
    let (status, outcome) = post_edi(&app, &key, ASN).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("856".into(), "created".into())]);
    assert_eq!(outcome["results"][0]["tracking_number"], "1Z4RV8790312345678");
    assert_eq!(outcome["results"][0]["events"], 3, "ship-confirm plus the two waiting statuses");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipment_packs").await, 3);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipment_packs WHERE parent_id IS NOT NULL").await, 2);
    assert_eq!(scalar(&app, "SELECT CAST(SUM(quantity) AS BIGINT) FROM pack_items").await, 14);
    assert_eq!(scalar(&app, "SELECT CAST(SUM(quantity) AS BIGINT) FROM shipment_lines").await, 14);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM unmatched_events WHERE matched_at IS NULL").await,
        1,
        "the other PRO waits"
    );

    // Resending an interchange changes nothing and answers as before.
    let (status, replay) = post_edi(&app, &key, ASN).await;
    assert_eq!(status, 200);
    assert_eq!(replay["replayed"], true);
    assert_eq!(statuses(&replay), [("856".into(), "created".into())]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipments").await, 1);

    // Delivered, with the scan's own offset kept.
    let (status, outcome) = post_edi(&app, &key, DELIVERED_214).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("214".into(), "created".into())]);
    let (headline, milestone): (String, Option<String>) =
        on_pool!(&app.pool, |c| sqlx::query_as("SELECT status_headline, status_milestone FROM orders")
            .fetch_one(c)
            .await
            .unwrap());
    assert_eq!(milestone.as_deref(), Some("delivered"), "{headline}");
    let (at, offset): (chrono::DateTime<chrono::Utc>, Option<i32>) = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT occurred_at, occurred_offset_minutes FROM events WHERE raw_code = 'D1/NS'"
    )
    .fetch_one(c)
    .await
    .unwrap());
    assert_eq!(at.to_rfc3339(), "2026-11-26T21:22:00+00:00");
    assert_eq!(offset, Some(-420), "MT in November is UTC-7");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_interchanges").await, 4);
}

#[tokio::test]
async fn broken_envelopes_and_missing_scopes_record_nothing() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let carrier_only = api_key(&app.pool, tenant, &[Scope::Carrier]).await;

    let broken = ASN.replace("SE|25|0001", "SE|24|0001");
    let (status, problem) = post_edi(&app, &carrier_only, &broken).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "body");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("segment 27 (SE)") && message.contains("SE01 = 25"), "{message}");

    let (status, problem) = post_edi(&app, &carrier_only, PO_AND_ACK).await;
    assert_eq!(status, 403);
    assert!(problem["detail"].as_str().unwrap().contains("`oms` scope needed for transaction set 850"), "{problem}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_interchanges").await, 0);
}

#[tokio::test]
async fn documents_that_cannot_apply_say_why_and_the_rest_go_through() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    // An 855 for an unknown PO is unmatched; an 850 without a ship-to is rejected.
    let no_ship_to = PO_AND_ACK.replace("N1^ST^Northwind Store 42^92^0042", "N1^SF^Northwind DC^92^0001");
    let (status, outcome) = post_edi(&app, &key, &no_ship_to).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "rejected".into()), ("855".into(), "unmatched".into())]);
    assert!(outcome["results"][0]["message"].as_str().unwrap().contains("N1*ST"), "{outcome}");
}

#[test]
fn the_cli_imports_an_interchange_into_a_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("milepost.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let pool = milepost::store::connect(&url, 2).await.unwrap();
        milepost::store::migrate(&pool).await.unwrap();
        tenant(&pool, "northwind").await;
    });
    let file = dir.path().join("po.x12");
    std::fs::write(&file, PO_AND_ACK).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_milepost"))
        .args(["import", "edi", file.to_str().unwrap(), "--tenant", "northwind"])
        .env("MILEPOST_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(statuses(&report), [("850".into(), "created".into()), ("855".into(), "updated".into())]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_milepost"))
        .args(["import", "edi", "/nonexistent.x12", "--tenant", "northwind"])
        .env("MILEPOST_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent.x12"));
}

#[tokio::test]
async fn a_ship_notice_before_its_order_is_applied_when_the_order_arrives() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;

    let (_, outcome) = post_edi(&app, &key, ASN).await;
    assert_eq!(statuses(&outcome), [("856".into(), "unmatched".into())]);
    assert!(outcome["results"][0]["message"].as_str().unwrap().contains("applied when it appears"));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipments").await, 0);

    let (_, outcome) = post_edi(&app, &key, PO_AND_ACK).await;
    assert_eq!(statuses(&outcome), [("850".into(), "created".into()), ("855".into(), "updated".into())]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipments").await, 1, "the waiting notice made its shipment");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM shipment_packs").await, 3);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_waiting WHERE applied_at IS NULL").await, 0);
    let result: String = on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT CAST(result AS TEXT) FROM edi_waiting")
        .fetch_one(c)
        .await
        .unwrap());
    assert!(result.contains("created"), "{result}");
}
