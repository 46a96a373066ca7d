//! X12 interchanges through `POST /api/v1/edi` and `milepost import edi`,
//! on a real server and SQLite file: an 850 creates the order, an 855
//! confirms it with line changes, a 214 that arrives before its shipment is
//! kept and attached when the 856 creates the shipment with its packs.

use crate::common;

use common::*;
use milepost::auth::api_key::Scope;
use milepost::on_pool;
use serde_json::Value;

const PO_AND_ACK: &str = include_str!("../samples/edi/850_855_purchase_order_and_acknowledgment.x12");
const EARLY_214: &str = include_str!("../samples/edi/214_before_the_shipment_exists.x12");
const ASN: &str = include_str!("../samples/edi/856_pick_and_pack.x12");
const DELIVERED_214: &str = include_str!("../samples/edi/214_delivered.x12");

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
    // Stored in thousandths of the unit.
    assert_eq!(lines, [(1, 10_000, 0), (2, 6_000, 0), (3, 5_000, 5_000)], "line 2 cut to 6, line 3 rejected");

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
    assert_eq!(scalar(&app, "SELECT CAST(SUM(quantity) AS BIGINT) FROM pack_items").await, 14_000);
    assert_eq!(scalar(&app, "SELECT CAST(SUM(quantity) AS BIGINT) FROM shipment_lines").await, 14_000);
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
async fn unreadable_envelopes_and_missing_scopes_record_nothing() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let carrier_only = api_key(&app.pool, tenant, &[Scope::Carrier]).await;

    // No IEA: refused, and a TA1 goes back because ISA14 asks for one.
    let truncated = ASN.replace("IEA|1|000000777\n", "").replace("|000000777|0|P|", "|000000777|1|P|");
    let (status, problem) = post_edi(&app, &carrier_only, &truncated).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "body");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("segment 1 (ISA)") && message.contains("a matching IEA"), "{message}");
    let ta1 = problem["acknowledgment"].as_str().unwrap();
    assert!(ta1.contains("\nTA1|000000777|261124|1430|R|023\n"), "{ta1}");
    // Not asked for: no TA1.
    let (_, problem) = post_edi(&app, &carrier_only, &ASN.replace("IEA|1|000000777\n", "")).await;
    assert!(problem.get("acknowledgment").is_none(), "{problem}");

    let (status, problem) = post_edi(&app, &carrier_only, PO_AND_ACK).await;
    assert_eq!(status, 403);
    assert!(problem["detail"].as_str().unwrap().contains("`oms` scope needed for transaction set 850"), "{problem}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_interchanges").await, 0);
}

#[tokio::test]
async fn a_body_of_several_interchanges_is_answered_one_by_one() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Oms, Scope::Wms, Scope::Carrier]).await;

    // Two 214s as a VAN delivers them, the second with a broken envelope.
    let broken = DELIVERED_214.replace("GS*QM", "GX*QM");
    let (status, answer) = post_edi(&app, &key, &format!("{EARLY_214}\r\n{broken}")).await;
    assert_eq!(status, 200, "{answer}");
    let items = answer["interchanges"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{answer}");
    assert_eq!(items[0]["control_number"], "000000101");
    assert_eq!(statuses(&items[0]), [("214".into(), "unmatched".into()), ("214".into(), "unmatched".into())]);
    assert!(items[0]["acknowledgment"].as_str().unwrap().contains("AK1*QM*"), "{answer}");
    let refused = items[1]["refused"].as_str().unwrap();
    assert!(refused.contains("GX") && refused.contains("GS (a functional group)"), "{refused}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_interchanges").await, 1, "the broken one is not recorded");

    // Fixed and sent again with the first: the first replays, the second applies.
    let body = format!("{EARLY_214}\n{DELIVERED_214}");
    let (_, answer) = post_edi(&app, &key, &body).await;
    assert_eq!(answer["interchanges"][0]["replayed"], true, "{answer}");
    assert_eq!(answer["interchanges"][1]["control_number"], "000000102", "{answer}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_interchanges").await, 2);
    // As X12: the two acknowledgments, one after the other.
    let acks = app
        .client
        .post(format!("{}/api/v1/edi", app.base_url))
        .bearer_auth(&key)
        .header("accept", "application/edi-x12")
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(acks.matches("ISA*").count(), 2, "{acks}");
    assert_eq!(acks.matches("IEA*").count(), 2, "{acks}");

    // A key without a scope one of them needs records none of them.
    let carrier_only = api_key(&app.pool, tenant, &[Scope::Carrier]).await;
    // The 850 and 855 written with the 214s' separators, to share a body with them.
    let po_and_ack = PO_AND_ACK.replace('^', "*").replace('\'', "~\n");
    let (status, _) = post_edi(&app, &carrier_only, &format!("{DELIVERED_214}\n{po_and_ack}")).await;
    assert_eq!(status, 403);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM orders").await, 0);
}

#[tokio::test]
async fn decimal_quantities_travel_through_purchase_orders_and_acknowledgments() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Oms]).await;
    let po = PO_AND_ACK.replacen("PO1^2^8^EA", "PO1^2^8.5^LB", 1).replacen("ACK^IA^4^EA", "ACK^IA^4.25^LB", 1);
    let po = po.replacen("ACK^IB^2^EA", "ACK^IB^2.125^LB", 1);
    let (status, outcome) = post_edi(&app, &key, &po).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "created".into()), ("855".into(), "updated".into())]);
    let line: (i64, String) =
        on_pool!(&app.pool, |c| sqlx::query_as("SELECT quantity, unit FROM order_lines WHERE line_number = 2")
            .fetch_one(c)
            .await
            .unwrap());
    assert_eq!(line, (6_375, "LB".into()), "4.25 accepted + 2.125 backordered will ship");
    let too_fine = PO_AND_ACK.replacen("PO1^2^8^EA", "PO1^2^8.0005^EA", 1).replace("000004711", "000004799");
    let (status, outcome) = post_edi(&app, &key, &too_fine).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["results"][0]["status"], "rejected", "{outcome}");
    assert!(outcome["results"][0]["message"].as_str().unwrap().contains("PO102"), "{outcome}");
}

#[tokio::test]
async fn every_interchange_is_acknowledged_and_a_miscounted_set_is_rejected_alone() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Oms, Scope::Wms]).await;

    // The 855's SE miscounts it: the 850 goes through, the 855 is rejected
    // in the 997 (AK5 code 4) and in the results.
    let miscounted = PO_AND_ACK.replace("SE^12^0001", "SE^13^0001");
    let (status, outcome) = post_edi(&app, &key, &miscounted).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "created".into()), ("855".into(), "rejected".into())]);
    assert!(outcome["results"][1]["message"].as_str().unwrap().contains("SE01 = 12"), "{outcome}");
    let ack = outcome["acknowledgment"].as_str().unwrap();
    let segments: Vec<&str> = ack.split('\'').collect();
    assert!(segments[0].starts_with("ISA^00^          ^00^          ^ZZ^MILEPOST       ^ZZ^NORTHWIND      ^"), "{ack}");
    assert!(segments[0].ends_with("^U^00401^000000001^0^P^:"), "{ack}");
    assert!(ack.contains("'GS^FA^MILEPOST^NORTHWIND^"), "{ack}");
    assert!(ack.contains("'AK1^PO^4711'AK2^850^0001'AK5^A'AK9^A^1^1^1'"), "{ack}");
    assert!(ack.contains("'AK1^PR^4712'AK2^855^0001'AK5^R^4'AK9^R^1^1^0'"), "{ack}");
    assert!(ack.ends_with("IEA^2^000000001'"), "{ack}");

    // The same acknowledgment as the body itself, and kept for download;
    // a replay answers with the first one, not a new number.
    let response = app
        .client
        .post(format!("{}/api/v1/edi", app.base_url))
        .bearer_auth(&key)
        .header("content-type", "application/edi-x12")
        .header("accept", "application/edi-x12")
        .body(miscounted.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/edi-x12");
    assert_eq!(response.text().await.unwrap(), ack);
    let url = format!("{}/api/v1/edi/interchanges/NORTHWIND/000004711/acknowledgment", app.base_url);
    let response = app.client.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), ack);
    let response = app.client.get(url.replace("4711", "4799")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(response.status(), 404);

    // The next interchange from this partner gets the next control numbers.
    let (_, outcome) = post_edi(&app, &key, ASN).await;
    let ack = outcome["acknowledgment"].as_str().unwrap();
    assert!(ack.contains("|000000001|0|P|^"), "the warehouse is another partner: {ack}");
    let (_, outcome) = post_edi(&app, &key, &PO_AND_ACK.replace("000004711", "000004712")).await;
    let ack = outcome["acknowledgment"].as_str().unwrap();
    assert!(ack.contains("^000000002^0^P^:") && ack.contains("'GS^FA^MILEPOST^NORTHWIND^"), "{ack}");
    assert!(ack.contains("^3^X^004010'") && ack.contains("^4^X^004010'"), "group numbers carry on: {ack}");
}

#[tokio::test]
async fn a_partner_profile_sets_the_acknowledgment_the_counts_the_zone_and_the_ship_to() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let put = |body: Value| {
        let (client, url, key) =
            (app.client.clone(), format!("{}/api/v1/edi/partners/NORTHWIND", app.base_url), key.clone());
        async move {
            let response = client.put(url).bearer_auth(key).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, problem) = put(serde_json::json!({ "time_zone": "Mars/Olympus", "default_ship_to": {
        "name": "DC", "line1": "1 Dock Rd", "city": "Reno", "postcode": "89502", "country": "USA" } }))
    .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["time_zone", "default_ship_to.country"]);
    let (status, profile) = put(serde_json::json!({
        "name": "Northwind Retail",
        "expected_sets": ["850", "850"],
        "acknowledgment": "999",
        "ta1": "always",
        "tolerant_counts": true,
        "time_zone": "America/Los_Angeles",
        "default_ship_to": { "name": "Northwind DC", "line1": "1 Dock Rd", "city": "Reno", "region": "NV",
                             "postcode": "89502", "country": "us" }
    }))
    .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["sender_id"], "NORTHWIND");
    assert_eq!(profile["expected_sets"], serde_json::json!(["850"]));
    assert_eq!(profile["default_ship_to"]["country"], "US");
    let listed: Value = app
        .client
        .get(format!("{}/api/v1/edi/partners", app.base_url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // The 850 has no ship-to and its group's GE miscounts; the 855 is not
    // expected from this partner.
    let input = PO_AND_ACK
        .replace("N1^ST^Northwind Store 42^92^0042'N3^1200 Market Street^Receiving Door 3'N4^Denver^CO^80202^US'", "")
        .replace("SE^16^0001", "SE^13^0001")
        .replace("GE^1^4711", "GE^2^4711");
    let (status, outcome) = post_edi(&app, &key, &input).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "created".into()), ("855".into(), "rejected".into())]);
    assert!(outcome["warnings"][0].as_str().unwrap().contains("GE01 = 1"), "{outcome}");
    let ack = outcome["acknowledgment"].as_str().unwrap();
    assert!(ack.contains("'TA1^000004711^261124^1430^A^000'"), "{ack}");
    assert!(ack.contains("'ST^999^0001^005010X231A1'AK1^PO^4711^004010'AK2^850^0001'IK5^A'AK9^E^1^1^1^5'"), "{ack}");
    assert!(ack.contains("'AK2^855^0001'IK5^R^1'AK9^R^1^1^0'"), "{ack}");
    let (city, zone): (String, String) =
        on_pool!(&app.pool, |c| sqlx::query_as("SELECT ship_to_city, ship_to_time_zone FROM orders")
            .fetch_one(c)
            .await
            .unwrap());
    assert_eq!((city.as_str(), zone.as_str()), ("Reno", "America/Los_Angeles"), "the profile's ship-to and zone");

    // Without a profile, the same order is accepted and flagged for customer
    // service; a replacing 850 with the ship-to clears the flag.
    let response = app
        .client
        .delete(format!("{}/api/v1/edi/partners/NORTHWIND", app.base_url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let no_ship_to = PO_AND_ACK
        .replace("000004711", "000004720")
        .replace("4500012345", "4500099999")
        .replace("N1^ST^Northwind Store 42^92^0042'N3^1200 Market Street^Receiving Door 3'N4^Denver^CO^80202^US'", "")
        .replace("SE^16^0001", "SE^13^0001");
    let (_, outcome) = post_edi(&app, &key, &no_ship_to).await;
    assert_eq!(statuses(&outcome)[0], ("850".into(), "created".into()));
    assert!(outcome["results"][0]["message"].as_str().unwrap().contains("needs ship-to"), "{outcome}");
    let open = || async {
        on_pool!(&app.pool, |c| sqlx::query_scalar::<_, String>(
            "SELECT open_exceptions FROM orders WHERE order_number = '4500099999'"
        )
        .fetch_one(c)
        .await
        .unwrap())
    };
    assert!(open().await.contains("incomplete_order"), "accepted and flagged");
    let completed = PO_AND_ACK
        .replace("000004711", "000004721")
        .replace("4500012345", "4500099999")
        .replace("BEG^00^SA", "BEG^05^SA");
    let (_, outcome) = post_edi(&app, &key, &completed).await;
    assert_eq!(statuses(&outcome)[0], ("850".into(), "updated".into()), "{outcome}");
    assert!(!open().await.contains("incomplete_order"), "the ship-to arrived: the flag is cleared");
}

#[tokio::test]
async fn documents_that_cannot_apply_say_why_and_the_rest_go_through() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    // An 855 for an unknown PO is unmatched; an 850 whose PO date is no date
    // is rejected, with the element named in the 997.
    let bad_date = PO_AND_ACK.replace("BEG^00^SA^4500012345^^20261120", "BEG^00^SA^4500012345^^20261340");
    let (status, outcome) = post_edi(&app, &key, &bad_date).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(statuses(&outcome), [("850".into(), "rejected".into()), ("855".into(), "unmatched".into())]);
    assert!(outcome["results"][0]["message"].as_str().unwrap().contains("BEG05"), "{outcome}");
    let ack = outcome["acknowledgment"].as_str().unwrap();
    assert!(ack.contains("'AK2^850^0001'AK3^BEG^2^^8'AK4^5^^7^20261340'AK5^R^5'AK9^R^1^1^0'"), "{ack}");
    assert!(ack.contains("'AK2^855^0001'AK5^A'AK9^A^1^1^1'"), "unmatched is not a syntax error: {ack}");
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

#[tokio::test]
async fn an_administrator_keeps_partner_profiles_in_the_portal_and_downloads_acknowledgments() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Oms, Scope::Admin]).await;
    let password = person(&app.pool, tenant, None, milepost::policy::Role::Admin, "admin@northwind.example").await;
    let admin = app.sign_in("northwind", "admin@northwind.example", &password).await;
    let location = |r: &reqwest::Response| r.headers()["location"].to_str().unwrap().to_string();

    // What cannot be used goes back to the page, every problem named in the form's words.
    let refused = app
        .form(
            Some(&admin),
            "/portal/admin/edi",
            &[
                ("sender_id", "NORTHWIND"),
                ("acknowledgment", "997"),
                ("ta1", "on_request"),
                ("time_zone", "Mars/Olympus"),
                ("ship_to_city", "Reno"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 303);
    let back = location(&refused);
    let (path, query) = back.split_once('?').unwrap();
    assert_eq!(path, "/portal/admin/edi");
    let error = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "error").unwrap().1;
    for words in
        ["Time zone must be an IANA time zone", "Default ship-to recipient must be", "Default ship-to country must be"]
    {
        assert!(error.contains(words), "{words} in {error}");
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_partners WHERE configured").await, 0);
    // The page shows the form as it was typed, to correct rather than retype.
    let again = app.page(Some(&admin), &back).await.text().await.unwrap();
    for typed in [r#"value="Mars/Olympus""#, r#"value="Reno""#, r#"value="NORTHWIND""#, "Time zone must be"] {
        assert!(again.contains(typed), "{typed} kept on the page");
    }

    // Saved from the form, it is the profile the API and the interchanges see.
    let saved = app
        .form(
            Some(&admin),
            "/portal/admin/edi",
            &[
                ("sender_id", " NORTHWIND "),
                ("name", "Northwind Retail"),
                ("set_850", "on"),
                ("set_855", "on"),
                ("acknowledgment", "999"),
                ("ta1", "always"),
                ("tolerant_counts", "on"),
                ("time_zone", "America/Denver"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert!(location(&saved).starts_with("/portal/admin/edi?notice="), "{}", location(&saved));
    let profile: Value = app
        .client
        .get(format!("{}/api/v1/edi/partners/NORTHWIND", app.base_url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile["expected_sets"], serde_json::json!(["850", "855"]));
    assert_eq!((profile["acknowledgment"].as_str(), profile["ta1"].as_str()), (Some("999"), Some("always")));
    assert_eq!((profile["tolerant_counts"].as_bool(), profile["default_ship_to"].is_null()), (Some(true), true));
    let (status, outcome) = post_edi(&app, &key, PO_AND_ACK).await;
    assert_eq!(status, 200, "{outcome}");
    let ack = outcome["acknowledgment"].as_str().unwrap();
    assert!(ack.contains("TA1") && ack.contains("999"), "{ack}");

    // The page lists the profile and the interchange, whose acknowledgment downloads byte for byte.
    let page = app.page(Some(&admin), "/portal/admin/edi").await.text().await.unwrap();
    for words in
        ["Northwind Retail · NORTHWIND", "850, 855", "tolerant (warn)", "America/Denver", "NORTHWIND #000004711"]
    {
        assert!(page.contains(words), "{words}");
    }
    let edit = app.page(Some(&admin), "/portal/admin/edi?edit=NORTHWIND").await.text().await.unwrap();
    assert!(edit.contains("Edit partner") && edit.contains("value=\"America/Denver\""), "the form holds the profile");
    let download =
        app.page(Some(&admin), "/portal/admin/edi/acknowledgment?sender=NORTHWIND&control_number=000004711").await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/edi-x12");
    assert_eq!(download.text().await.unwrap(), ack);
    let missing = app.page(Some(&admin), "/portal/admin/edi/acknowledgment?sender=NORTHWIND&control_number=9").await;
    assert_eq!(missing.status(), 404);

    // Removed, the sender gets the defaults again.
    let removed =
        app.form(Some(&admin), "/portal/admin/edi", &[("action", "remove"), ("sender_id", "NORTHWIND")]).await;
    assert_eq!(removed.status(), 303);
    let gone = app.client.get(format!("{}/api/v1/edi/partners/NORTHWIND", app.base_url)).bearer_auth(&key).send().await;
    assert_eq!(gone.unwrap().status(), 404);
    let page = app.page(Some(&admin), "/portal/admin/edi").await.text().await.unwrap();
    assert!(page.contains("No profiles yet"));
}

/// An HTTP server that records what it receives and answers the first
/// `fail_first` requests with 503.
async fn partner_endpoint(
    fail_first: usize,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>) {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
        let record = record.clone();
        async move {
            let mut all = record.lock().unwrap();
            all.push((headers, body));
            if all.len() <= fail_first {
                axum::http::StatusCode::SERVICE_UNAVAILABLE
            } else {
                axum::http::StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/acks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn acknowledgments_are_pushed_to_the_partner_signed_and_retried() {
    let (url, seen) = partner_endpoint(1).await;
    let app = spawn_app_with(&[
        ("MILEPOST_WEBHOOK_ALLOW_HTTP", "1"),
        ("MILEPOST_WEBHOOK_ALLOW_PRIVATE", "1"),
        ("MILEPOST_NOTIFY_RETRY_BASE_MS", "20"),
        ("MILEPOST_NOTIFY_POLL_MS", "20"),
    ])
    .await;
    let tenant = tenant(&app.pool, "northwind").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;

    // Internal addresses are refused, as for webhook endpoints.
    let refused = app
        .put("/api/v1/edi/partners/NORTHWIND", &key, serde_json::json!({ "ack_url": "http://169.254.169.254/x" }))
        .await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "ack_url", "{problem}");

    let profile: Value = app
        .put("/api/v1/edi/partners/NORTHWIND", &key, serde_json::json!({ "ack_url": url }))
        .await
        .json()
        .await
        .unwrap();
    let secret = profile["ack_signing_secret"].as_str().expect("a signing secret").to_string();
    assert!(secret.starts_with("whsec_"), "{profile}");
    // Saving the profile again keeps the secret the partner was given.
    let again: Value = app
        .put("/api/v1/edi/partners/NORTHWIND", &key, serde_json::json!({ "ack_url": url, "name": "Northwind" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["ack_signing_secret"], secret.as_str());

    let (status, outcome) = post_edi(&app, &key, PO_AND_ACK).await;
    assert_eq!(status, 200, "{outcome}");
    let ack = outcome["acknowledgment"].as_str().unwrap().to_string();
    eventually("the acknowledgment is pushed", || async {
        scalar(&app, "SELECT COUNT(*) FROM edi_ack_deliveries WHERE state = 'sent'").await == 1
    })
    .await;
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "refused once (503), then delivered");
    let (headers, body) = requests.last().unwrap();
    assert_eq!(body, &ack, "byte for byte what the API answered");
    assert_eq!(headers["content-type"], "application/edi-x12");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        header("webhook-id"),
        requests[0].0.get("webhook-id").and_then(|v| v.to_str().ok()),
        "one id per acknowledgment"
    );
    milepost::auth::webhook_signature::verify(
        &[secret],
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
        body.as_bytes(),
        chrono::Utc::now().timestamp(),
    )
    .expect("a valid Standard Webhooks signature");

    // The same interchange again changes nothing and pushes nothing.
    post_edi(&app, &key, PO_AND_ACK).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM edi_ack_deliveries").await, 1);
}
