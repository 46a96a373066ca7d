//! Demo data: two brands, three B2B accounts and a few hundred orders in
//! every state, fed through the same `store::append` path as real sources.

use crate::auth::tracking_link::{self, TrackingToken};
use crate::domain::{LatLng, OrderId, OrderLineId, Quantity, StatusDictionary, TenantId, TimeZone};
use crate::store::{self, NewEvent, NewOrder, NewOrderLine, NewPosition, NewShipment, Pool, ShipTo};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod brands;
mod live_route;
mod people;
mod proofs;

use brands::{brands, Brand};
use live_route::replay_point;
pub use live_route::{demo_vehicle, replay_route};
pub use people::{sign_ins, DemoSignIn};
pub use proofs::{seed_proofs_of_delivery, signature_png};

/// Where a demo order stops. The first orders of each tenant take these in
/// order, so the showcase links always find one of each.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    OutForDelivery,
    Delivered,
    SplitPartlyDelivered,
    PartialShipment,
    Late,
    FailedAttempt,
    AddressIssue,
    Damaged,
    Held,
    Delayed,
    ReturnedToSender,
    Cancelled,
    InTransit,
    ArrivedAtHub,
    Shipped,
    Packed,
    Picked,
    Released,
    Confirmed,
    Placed,
    /// Out for delivery with a van reporting its position (and, under
    /// `serve --demo`, driving towards the address).
    OnTheMap,
    /// Refrigerated freight in transit whose logger went above 8 °C for an
    /// hour and came back into range.
    ColdChain,
}

impl Scenario {
    /// New scenarios go at the end: order numbers follow this order.
    pub const ALL: [Scenario; 22] = [
        Scenario::OutForDelivery,
        Scenario::Delivered,
        Scenario::SplitPartlyDelivered,
        Scenario::PartialShipment,
        Scenario::Late,
        Scenario::FailedAttempt,
        Scenario::AddressIssue,
        Scenario::Damaged,
        Scenario::Held,
        Scenario::Delayed,
        Scenario::ReturnedToSender,
        Scenario::Cancelled,
        Scenario::InTransit,
        Scenario::ArrivedAtHub,
        Scenario::Shipped,
        Scenario::Packed,
        Scenario::Picked,
        Scenario::Released,
        Scenario::Confirmed,
        Scenario::Placed,
        Scenario::OnTheMap,
        Scenario::ColdChain,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Scenario::OutForDelivery => "out for delivery",
            Scenario::Delivered => "delivered",
            Scenario::SplitPartlyDelivered => "split shipment, 1 of 2 delivered",
            Scenario::PartialShipment => "partial shipment, items to follow",
            Scenario::Late => "late (promised date passed)",
            Scenario::FailedAttempt => "exception: failed delivery attempt",
            Scenario::AddressIssue => "exception: address issue",
            Scenario::Damaged => "exception: damaged",
            Scenario::Held => "exception: held at customs",
            Scenario::Delayed => "exception: delayed",
            Scenario::ReturnedToSender => "returned to sender",
            Scenario::Cancelled => "cancelled",
            Scenario::InTransit => "in transit",
            Scenario::ArrivedAtHub => "arrived at local hub",
            Scenario::Shipped => "shipped",
            Scenario::Packed => "packed",
            Scenario::Picked => "picked",
            Scenario::Released => "released to warehouse",
            Scenario::Confirmed => "confirmed",
            Scenario::Placed => "placed",
            Scenario::OnTheMap => "out for delivery, live on the map",
            Scenario::ColdChain => "cold chain, temperature excursion",
        }
    }

    /// Scenarios that make the best first impression, printed by `make run`.
    pub const SHOWCASE: [Scenario; 11] = [
        Scenario::OnTheMap,
        Scenario::ColdChain,
        Scenario::OutForDelivery,
        // On its way, with the predicted delivery window.
        Scenario::InTransit,
        Scenario::Delivered,
        Scenario::SplitPartlyDelivered,
        Scenario::PartialShipment,
        Scenario::Late,
        Scenario::FailedAttempt,
        Scenario::ReturnedToSender,
        Scenario::Cancelled,
    ];
}

#[derive(Debug)]
pub struct DemoSummary {
    pub tenants: usize,
    pub orders: usize,
    pub events: usize,
}

/// Loads the demo into an empty database. `orders_per_tenant` should be at
/// least `Scenario::ALL.len()` so every state exists for every brand.
pub async fn seed(
    pool: &Pool,
    dictionary: &StatusDictionary,
    now: DateTime<Utc>,
    orders_per_tenant: usize,
) -> store::Result<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(0x6d69_6c65_706f_7374);
    let mut summary = DemoSummary { tenants: 0, orders: 0, events: 0 };
    for brand in brands() {
        let tenant = store::create_tenant(pool, &brand.tenant).await?;
        summary.tenants += 1;
        let mut accounts = Vec::new();
        for (name, reference) in brand.accounts {
            accounts.push(store::create_account(pool, tenant, name, reference).await?);
        }
        let mut delivered = Vec::new();
        for i in 0..orders_per_tenant {
            let scenario = if i < Scenario::ALL.len() {
                Scenario::ALL[i]
            } else {
                // Most real orders are moving or done; weight accordingly.
                let weighted = [0, 1, 1, 1, 1, 12, 12, 13, 14, 2, 3, 5, 9, 11, 15, 18, 19, 4, 6, 7, 8, 10, 16, 17];
                Scenario::ALL[weighted[rng.gen_range(0..weighted.len())]]
            };
            let order_number = format!("{}-{}", brand.prefix, 100_001 + i);
            let account =
                (rng.gen_ratio(2, 3) || accounts.len() > 1).then(|| accounts[rng.gen_range(0..accounts.len())]);
            summary.events +=
                seed_order(pool, dictionary, &brand, tenant, account, &order_number, scenario, now, &mut rng).await?;
            summary.orders += 1;
            // The showcase's own delivered order stays untouched: a buyer
            // can start a return on it.
            if scenario == Scenario::Delivered && i >= Scenario::ALL.len() {
                delivered.extend(store::find_order_by_number(pool, tenant, &order_number).await?);
            }
        }
        let [name, line1, city, region, postcode, country] = brand.returns_to.map(String::from);
        let returns_to = store::returns::ReturnAddress {
            ship_from: None,
            name,
            line1,
            line2: None,
            city,
            region: Some(region).filter(|r| !r.is_empty()),
            postcode,
            country,
        };
        store::returns::put_return_settings(pool, tenant, &Default::default(), &[returns_to]).await?;
        seed_returns(pool, tenant, &delivered, now).await?;
    }
    Ok(summary)
}

/// Returns in every state on some delivered orders, each with the steps a
/// real one would have taken, hours apart.
async fn seed_returns(pool: &Pool, tenant: TenantId, delivered: &[OrderId], now: DateTime<Utc>) -> store::Result<()> {
    use crate::domain::returns::{Condition, CreditMemo, InspectedLine, Resolution, ReturnReason};
    use store::returns::{NewReturn, NewReturnLine, RequestedBy, ReturnChange, Settlement};
    let failed = |e: store::returns::ReturnError| match e {
        store::returns::ReturnError::Store(e) => e,
        other => store::StoreError::Invalid(format!("demo return: {other}")),
    };
    let reasons = [ReturnReason::NoLongerNeeded, ReturnReason::WrongItem, ReturnReason::NotAsDescribed];
    // Each return's steps span 26 hours from its request, 30 hours ago:
    // only lines delivered before that can have been asked back.
    let requested_at = now - chrono::Duration::hours(30);
    let mut k = 0;
    for &order in delivered {
        if k == 6 {
            break;
        }
        let items = store::returns::returnable_items(pool, tenant, order).await?;
        let delivered_before = |l: &crate::domain::returns::ReturnableLine| {
            !l.delivered.is_zero() && l.delivered_at.is_some_and(|at| at < requested_at)
        };
        let Some((line, ..)) = items.iter().find(|(l, ..)| delivered_before(l)) else { continue };
        let at = |hours: i64| requested_at + chrono::Duration::hours(hours);
        let new = NewReturn {
            resolution: if k % 3 == 2 { Resolution::StoreCredit } else { Resolution::Refund },
            lines: vec![NewReturnLine {
                line: line.line,
                quantity: Quantity::whole(1).min(line.delivered),
                reason: reasons[k % reasons.len()],
                photo_sha256: None,
            }],
            comment: None,
            requested_by: RequestedBy::Buyer,
        };
        let created = store::returns::create_return(pool, tenant, order, &new, at(0)).await.map_err(failed)?;
        let rma = created.record.rma;
        if k >= 1 {
            for (i, step) in [ReturnChange::Approve, ReturnChange::IssueLabel].into_iter().enumerate() {
                store::returns::change_return(pool, tenant, rma, &[step], at(1 + i as i64)).await.map_err(failed)?;
            }
        }
        if k >= 2 {
            let tracking = format!("1ZRET{:010}", order.0);
            store::returns::attach_return_shipment(pool, tenant, rma, "UPS", &tracking, at(4)).await.map_err(failed)?;
            store::returns::change_return(pool, tenant, rma, &[ReturnChange::Ship], at(6)).await.map_err(failed)?;
        }
        if k >= 3 {
            let counted = Quantity::whole(1).min(line.delivered);
            let inspected = InspectedLine { line: line.line, counted, condition: Condition::AsNew };
            let changes = [ReturnChange::Receive, ReturnChange::Inspect { lines: vec![inspected] }];
            store::returns::change_return(pool, tenant, rma, &changes, at(20)).await.map_err(failed)?;
        }
        if k >= 4 {
            let settlement = if k % 3 == 2 { Settlement::StoreCredit } else { Settlement::Refund };
            let memo = CreditMemo::new(2_450 + 100 * k as i64, "USD", &format!("CN-{}", 10_000 + order.0))
                .map_err(|e| store::StoreError::Invalid(e.to_string()))?;
            store::returns::change_return(pool, tenant, rma, &[ReturnChange::Settle { memo, settlement }], at(26))
                .await
                .map_err(failed)?;
        }
        k += 1;
    }
    Ok(())
}

/// Hours after placement at which each step happens.
const STEP_HOURS: [(&str, &str, i64); 10] = [
    ("oms", "ORDER_PLACED", 0),
    ("oms", "ORDER_CONFIRMED", 1),
    ("wms", "RELEASED", 3),
    ("wms", "PICKED", 6),
    ("wms", "PACKED", 8),
    ("carrier", "PICKED_UP", 11),
    ("carrier", "DEPARTED", 20),
    ("carrier", "ARRIVED_AT_HUB", 40),
    ("carrier", "OUT_FOR_DELIVERY", 55),
    ("carrier", "DELIVERED", 60),
];

#[allow(clippy::too_many_arguments)]
async fn seed_order(
    pool: &Pool,
    dictionary: &StatusDictionary,
    brand: &Brand,
    tenant: TenantId,
    account: Option<crate::domain::AccountId>,
    order_number: &str,
    scenario: Scenario,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> store::Result<usize> {
    use Scenario::*;
    // How many of STEP_HOURS happened, and what goes wrong afterwards.
    let (steps, trouble): (usize, Option<&str>) = match scenario {
        Placed => (1, None),
        Confirmed => (2, None),
        Released => (3, None),
        Picked => (4, None),
        Packed => (5, None),
        Shipped => (6, None),
        InTransit | Late | ColdChain => (7, None),
        ArrivedAtHub => (8, None),
        OutForDelivery | OnTheMap => (9, None),
        Delivered | SplitPartlyDelivered | PartialShipment => (10, None),
        FailedAttempt => (9, Some("ATTEMPT_FAIL")),
        AddressIssue => (8, Some("ADDRESS_ISSUE")),
        Damaged => (7, Some("DAMAGED")),
        Held => (7, Some("CUSTOMS_HOLD")),
        Delayed => (7, Some("WEATHER_DELAY")),
        ReturnedToSender => (8, Some("RETURN_TO_SENDER")),
        Cancelled => (2, Some("CANCELLED")),
    };
    let last_hour = STEP_HOURS[steps - 1].2 + if trouble.is_some() { 3 } else { 0 };
    // Settled orders may be weeks old; live ones happened just now.
    let slack_hours = match scenario {
        Delivered | ReturnedToSender | Cancelled => rng.gen_range(2..24 * 30),
        Late => 24 * 6,
        _ => rng.gen_range(0..3),
    };
    let placed_at = now - Duration::hours(last_hour + slack_hours) - Duration::minutes(rng.gen_range(5..55));
    let (name, line1, line2, city, region_postcode, zone, (latitude, longitude)) =
        brand.addresses[rng.gen_range(0..brand.addresses.len())];
    let (region, postcode) = match region_postcode.split_once(' ') {
        Some((r, p)) if r.len() == 2 => (Some(r.to_string()), p.to_string()),
        _ => (None, region_postcode.to_string()),
    };
    let country = if brand.prefix == "NW" {
        "United States"
    } else if zone == "Europe/Paris" {
        "France"
    } else {
        "United Kingdom"
    };
    let promised_days = if scenario == Late { 4 } else { rng.gen_range(4..7) };
    let line_count = rng
        .gen_range(1..=brand.products.len().min(4))
        .max(if matches!(scenario, SplitPartlyDelivered | PartialShipment) { 2 } else { 1 });
    let mut picks: Vec<usize> = (0..brand.products.len()).collect();
    for i in 0..line_count {
        let j = rng.gen_range(i..picks.len());
        picks.swap(i, j);
    }
    let lines: Vec<NewOrderLine> = picks[..line_count]
        .iter()
        .map(|&p| {
            let (sku, description, unit) = brand.products[p];
            let quantity = if brand.prefix == "NW" { rng.gen_range(2..60) } else { rng.gen_range(1..4) };
            NewOrderLine {
                sku: sku.into(),
                description: description.into(),
                quantity: Quantity::whole(quantity),
                unit: unit.into(),
            }
        })
        .collect();
    let order = NewOrder {
        tenant,
        account,
        order_number: order_number.into(),
        customer_po: account.map(|_| format!("PO-{}", rng.gen_range(40_000..99_999))),
        placed_at,
        promised_date: Some((placed_at + Duration::days(promised_days)).date_naive()),
        contact_name: Some(name.into()),
        contact_email: Some(format!("{}@example.com", name.to_lowercase().replace([' ', '.'], ""))),
        contact_phone: None,
        ship_to: ShipTo {
            name: name.into(),
            line1: line1.into(),
            line2: line2.map(Into::into),
            city: city.into(),
            region,
            postcode,
            country: country.into(),
            time_zone: TimeZone::parse(zone).expect("the demo's zones are IANA names"),
            latitude: Some(latitude),
            longitude: Some(longitude),
        },
        lines,
    };
    let saved = store::upsert_order(pool, &order, None).await?;
    let (order_id, line_ids) = (saved.id, saved.lines);
    let quantities: Vec<Quantity> = order.lines.iter().map(|l| l.quantity).collect();

    let event = |source: &str, code: &str, at: DateTime<Utc>, shipment, location: Option<&str>| NewEvent {
        shipment,
        source: source.into(),
        source_event_id: format!("{order_number}-{code}-{}", shipment.map_or(0, |s: crate::domain::ShipmentId| s.0)),
        raw_code: code.into(),
        canonical: dictionary.map(source, code),
        occurred_at: at,
        occurred_offset_minutes: None,
        location: location.map(Into::into),
        details: serde_json::json!({}),
    };
    let at = |hours: i64| placed_at + Duration::hours(hours) + Duration::minutes((hours * 7) % 50);

    // Chosen from the order number, so the demo's random draws stay as they were.
    let warehouse = brand.warehouses[order_number.bytes().map(usize::from).sum::<usize>() % brand.warehouses.len()];
    let mut events: Vec<NewEvent> = STEP_HOURS[..steps.min(5)]
        .iter()
        .map(|(s, c, h)| event(s, c, at(*h), None, (*s == "wms").then_some(warehouse)))
        .collect();
    if scenario == Cancelled {
        events.push(event("oms", "CANCELLED", at(last_hour), None, None));
    }
    let mut count = store::append(pool, tenant, order_id, &events).await?.inserted.len();
    if steps <= 5 {
        return Ok(count);
    }

    // Shipments: one, two (split), or one carrying part of the order.
    let (carrier, service, tracking_prefix) = brand.carriers[rng.gen_range(0..brand.carriers.len())];
    let all_lines: Vec<(OrderLineId, Quantity)> = line_ids.iter().copied().zip(quantities.iter().copied()).collect();
    let parcels: Vec<Vec<(OrderLineId, Quantity)>> = match scenario {
        SplitPartlyDelivered => vec![all_lines[..1].to_vec(), all_lines[1..].to_vec()],
        PartialShipment => {
            let mut first = all_lines.clone();
            // Half of the first line, in whole units (at least one).
            first[0].1 = Quantity::whole((first[0].1.thousandths() / 2_000).max(1));
            if first[0].1 == all_lines[0].1 {
                first.remove(0);
            }
            vec![first]
        }
        _ => vec![all_lines],
    };
    for (index, lines) in parcels.into_iter().enumerate() {
        let shipment = store::create_shipment(
            pool,
            &NewShipment {
                order: order_id,
                carrier: carrier.into(),
                service: Some(service.into()),
                tracking_number: format!("{tracking_prefix}{:012}", rng.gen_range(10_000_000_000u64..999_999_999_999)),
                packs: if account.is_some() { advance_ship_notice(order_number, index, &lines) } else { Vec::new() },
                lines,
                product_class: (scenario == ColdChain).then(|| "refrigerated".to_string()),
            },
            None,
        )
        .await?
        .id;
        // The second parcel of a split travels a day behind and is not there yet.
        let (lag, last_step) = if scenario == SplitPartlyDelivered && index == 1 { (24, 7) } else { (0, steps) };
        let hub = brand.hubs[rng.gen_range(0..brand.hubs.len())];
        let mut carrier_events: Vec<NewEvent> = STEP_HOURS[5..last_step]
            .iter()
            .map(|(s, c, h)| {
                let location = match *c {
                    "DEPARTED" | "ARRIVED_AT_HUB" => Some(hub),
                    "DELIVERED" | "OUT_FOR_DELIVERY" => Some(city),
                    _ => None,
                };
                event(s, c, at(*h + lag).min(now), Some(shipment), location)
            })
            .collect();
        if let Some(code) = trouble {
            carrier_events.push(event("carrier", code, at(last_hour), Some(shipment), Some(city)));
        }
        count += store::append(pool, tenant, order_id, &carrier_events).await?.inserted.len();
        if scenario == ColdChain {
            seed_cold_chain(pool, tenant, brand.prefix, shipment, now).await?;
        }
        if scenario == OnTheMap {
            let vehicle = demo_vehicle(brand.prefix);
            store::set_route(pool, tenant, &vehicle, &[(shipment, 240)]).await?;
            // The start of its drive, as the replay would have reported it.
            let destination = LatLng { lat: latitude, lng: longitude };
            let fixes: Vec<NewPosition> = (0..=10)
                .map(|step| NewPosition {
                    shipment: None,
                    vehicle: Some(vehicle.clone()),
                    point: replay_point(destination, step as f64),
                    accuracy_m: Some(8.0),
                    speed_mps: Some(13.0),
                    heading_deg: None,
                    recorded_at: now - Duration::seconds(5 * (10 - step)),
                })
                .collect();
            store::record_positions(pool, tenant, &fixes).await?;
        }
    }
    Ok(count)
}

/// A business customer's shipment comes with an ASN: one pallet, with a
/// carton per line. SSCCs are derived from the order number, so the demo's
/// random choices stay as they were.
fn advance_ship_notice(order_number: &str, parcel: usize, lines: &[(OrderLineId, Quantity)]) -> Vec<store::NewPack> {
    let serial: u64 = order_number.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0);
    let sscc = |n: usize| format!("0061414{:011}", (serial * 10 + parcel as u64) * 100 + n as u64);
    let mut packs =
        vec![store::NewPack { kind: "tare", parent: None, sscc: Some(sscc(0)), tracking_number: None, items: vec![] }];
    packs.extend(lines.iter().enumerate().map(|(i, line)| store::NewPack {
        kind: "pack",
        parent: Some(0),
        sscc: Some(sscc(i + 1)),
        tracking_number: None,
        items: vec![*line],
    }));
    packs
}

/// Issues fresh tracking links for one order of each showcase state per tenant.
/// Tokens are stored hashed, so links from earlier runs cannot be shown again.
pub async fn showcase_links(pool: &Pool) -> store::Result<Vec<(String, Scenario, TrackingToken)>> {
    let mut links = Vec::new();
    for tenant in store::list_tenants(pool).await? {
        let prefix = if tenant.slug == "northwind" {
            "NW"
        } else if tenant.slug == "bloombark" {
            "BB"
        } else {
            continue;
        };
        for scenario in Scenario::SHOWCASE {
            let index = Scenario::ALL.iter().position(|s| *s == scenario).expect("showcase scenarios are in ALL");
            let number = format!("{prefix}-{}", 100_001 + index);
            let Some(order) = store::find_order_by_number(pool, tenant.id, &number).await? else { continue };
            let token = tracking_link::issue(pool, tenant.id, order, None).await?;
            links.push((tenant.brand_name.clone(), scenario, token));
        }
    }
    Ok(links)
}

/// A temperature logger on refrigerated freight: readings every 20 minutes
/// for twelve hours, 3-6 °C except for an hour above the 8 °C limit (a door
/// left open at the hub), which opened and closed one excursion.
async fn seed_cold_chain(
    pool: &Pool,
    tenant: TenantId,
    prefix: &str,
    shipment: crate::domain::ShipmentId,
    now: DateTime<Utc>,
) -> store::Result<()> {
    use crate::domain::condition::{Limits, Metric};
    let refrigerated = store::LimitTarget::ProductClass("refrigerated".into());
    store::set_condition_limit(
        pool,
        tenant,
        &refrigerated,
        Metric::TemperatureC,
        Limits { min: Some(2.0), max: Some(8.0) },
    )
    .await?;
    let device = format!("{prefix}-LOGGER-1");
    store::assign_device(pool, tenant, &device, shipment).await?;
    let readings: Vec<store::NewReading> = (0..36)
        .map(|i| {
            let value = match i {
                14..=16 => 9.0 + (i - 14) as f64 * 0.8,
                _ => 4.5 + ((i * 7) % 10) as f64 / 6.0,
            };
            store::NewReading {
                shipment,
                device: Some(device.clone()),
                metric: Metric::TemperatureC,
                value,
                recorded_at: now - Duration::minutes(20 * (36 - i)),
            }
        })
        .collect();
    store::record_readings(pool, tenant, &readings).await?;
    // Northwind's hospital customers want to see it; Bloom & Bark keeps
    // condition alerts internal (the default).
    store::set_buyers_see_condition_alerts(pool, tenant, prefix == "NW").await
}
