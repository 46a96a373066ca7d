//! IoT condition monitoring through the real API: limits per product class
//! and per shipment, excursions opened once and closed when back in range,
//! alerts internal unless the tenant shows them, the readings chart.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use milepost::domain::{Quantity, ShipmentId, TenantId};
use milepost::store::{self, NewShipment};
use serde_json::{json, Value};

struct ColdChain {
    app: TestApp,
    tenant: TenantId,
    key: String,
    shipment: ShipmentId,
    token: String,
}

/// A refrigerated shipment (2-8 °C by its product class) of order SO-1.
async fn cold_chain() -> ColdChain {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = store::create_shipment(
        &app.pool,
        &NewShipment {
            order: order.id,
            carrier: "Cold Express".into(),
            service: None,
            tracking_number: "CE-1".into(),
            lines: vec![(order.lines[0], Quantity::whole(10)), (order.lines[1], Quantity::whole(4))],
            packs: Vec::new(),
            product_class: Some("refrigerated".into()),
        },
        None,
    )
    .await
    .unwrap()
    .id;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let limit = json!({"product_class": "refrigerated", "metric": "temperature_c", "min": 2.0, "max": 8.0});
    assert_eq!(app.put("/api/v1/condition-limits", &key, limit).await.status(), 204);
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap().as_str().to_string();
    ColdChain { app, tenant, key, shipment, token }
}

fn readings(shipment: ShipmentId, values: &[f64]) -> Value {
    let start = Utc::now() - Duration::minutes(15 * values.len() as i64);
    let readings: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({"shipment_id": shipment.0, "metric": "temperature_c", "value": v,
                             "recorded_at": start + Duration::minutes(15 * i as i64)})
        })
        .collect();
    json!({ "readings": readings })
}

async fn post(c: &ColdChain, body: Value) -> (u16, Value) {
    let response = c.app.post("/api/v1/sensor-readings", &c.key, body).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn sensor_events(c: &ColdChain) -> Vec<String> {
    let detail: Value =
        c.app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &c.key, None).await.json().await.unwrap();
    detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "sensor")
        .map(|e| e["milestone"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_excursion_opens_once_and_closes_when_back_in_range() {
    let c = cold_chain().await;
    let (status, outcome) = post(&c, readings(c.shipment, &[5.0, 9.0, 11.0, 7.5, 6.0])).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(
        (
            outcome["excursions_opened"].as_array().unwrap().len(),
            outcome["excursions_closed"].as_array().unwrap().len()
        ),
        (1, 1)
    );
    assert_eq!(sensor_events(&c).await, ["exception:condition_excursion", "resolved:condition_excursion"]);
    let (_, again) = post(&c, readings(c.shipment, &[6.0, 1.0])).await;
    assert_eq!(again["excursions_opened"].as_array().unwrap().len(), 1, "a new excursion below the minimum");
    let status = store::order_snapshot(
        &c.app.pool,
        c.tenant,
        store::find_order_by_number(&c.app.pool, c.tenant, "SO-1").await.unwrap().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(status.events.iter().filter(|e| e.source == "sensor").count(), 3);

    // A limit set for this shipment wins over its product class's.
    let own = json!({"shipment_id": c.shipment.0, "metric": "temperature_c", "min": -25.0, "max": -15.0});
    assert_eq!(c.app.put("/api/v1/condition-limits", &c.key, own).await.status(), 204);
    let (_, frozen) = post(&c, readings(c.shipment, &[-20.0])).await;
    assert_eq!(frozen["excursions_closed"].as_array().unwrap().len(), 1, "-20 is in range for this shipment");
}

#[tokio::test]
async fn devices_report_for_their_shipment_and_bad_readings_are_refused() {
    let c = cold_chain().await;
    let assign = c.app.put("/api/v1/devices/LOGGER-9", &c.key, json!({"shipment_id": c.shipment.0})).await;
    assert_eq!(assign.status(), 204);
    let by_device =
        json!({"device_id": "LOGGER-9", "metric": "temperature_c", "value": 12.5, "recorded_at": Utc::now()});
    let (status, outcome) = post(&c, by_device).await;
    assert_eq!((status, outcome["excursions_opened"].as_array().unwrap().len()), (200, 1));

    let bad = json!({"readings": [
        {"shipment_id": c.shipment.0, "metric": "radiation", "value": 1.0, "recorded_at": Utc::now()},
        {"shipment_id": c.shipment.0, "metric": "humidity_pct", "value": 140.0, "recorded_at": Utc::now()},
        {"shipment_id": c.shipment.0, "metric": "shock_g", "value": 2.0, "recorded_at": Utc::now() + Duration::hours(1)},
        {"device_id": "LOGGER-404", "metric": "door_open", "value": 1.0, "recorded_at": Utc::now()},
        {"metric": "door_open", "value": 1.0, "recorded_at": Utc::now()}
    ]});
    let (status, problem) = post(&c, bad).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "readings[0].metric",
            "readings[1].value",
            "readings[2].recorded_at",
            "readings[3].device_id",
            "readings[4].shipment_id"
        ]
    );

    let bad_limit = c
        .app
        .put(
            "/api/v1/condition-limits",
            &c.key,
            json!({"product_class": "x", "metric": "temperature_c", "min": 9.0, "max": 3.0}),
        )
        .await;
    assert_eq!(bad_limit.status(), 422);

    let other = tenant(&c.app.pool, "other").await;
    let their_key = api_key(&c.app.pool, other, &[Scope::Admin]).await;
    let theirs = c.app.post("/api/v1/sensor-readings", &their_key, readings(c.shipment, &[20.0])).await;
    assert_eq!(theirs.status(), 422, "another tenant's shipment is unknown");
    let chart = c
        .app
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/shipments/{}/conditions/temperature_c/chart.svg", c.shipment.0),
            &their_key,
            None,
        )
        .await;
    assert_eq!(chart.status(), 404);
}

#[tokio::test]
async fn alerts_are_internal_unless_the_tenant_shows_them_and_the_chart_draws_them() {
    let c = cold_chain().await;
    post(&c, readings(c.shipment, &[5.0, 6.0, 10.5, 11.0, 9.0, 7.0, 6.5])).await;
    let page = c.app.get(&format!("/t/{}", c.token)).await.text().await.unwrap();
    assert!(!page.contains("Condition alert") && !page.contains("back in range"), "internal by default");

    let show = c.app.put("/api/v1/condition-settings", &c.key, json!({"show_buyers": true})).await;
    assert_eq!(show.status(), 204);
    let page = c.app.get(&format!("/t/{}", c.token)).await.text().await.unwrap();
    assert!(page.contains("Condition alert") && page.contains("Conditions back in range"));

    let response = c
        .app
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/shipments/{}/conditions/temperature_c/chart.svg", c.shipment.0),
            &c.key,
            None,
        )
        .await;
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    let points = svg.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(points.split(' ').count(), 7);
    assert!(svg.contains("class=\"limit-min\"") && svg.contains("class=\"limit-max\""));
    assert_eq!(svg.matches("class=\"excursion\"").count(), 1);
}
