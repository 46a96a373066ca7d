//! Returns in the signed-in portal, through the real server: customer
//! service's queue (its order, its filter, approve, decline with a reason,
//! a note), returns started for a caller or by an account's buyer with
//! each refused line named, accounts payable's credits on the order page
//! and in the invoice-matching CSV, the receiver's returns expected back,
//! and who may see or touch which return (other accounts, other tenants).

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::domain::returns::{
    Condition, CreditMemo, InspectedLine, Resolution, ReturnPolicy, ReturnReason, ReturnStatus,
};
use milepost::domain::{AccountId, OrderId, OrderLineId, Quantity, RmaNumber, TenantId};
use milepost::policy::Role;
use milepost::returns::{NewReturn, NewReturnLine, RequestedBy, Settlement};
use serde_json::Value;

struct Shop {
    app: TestApp,
    tenant: TenantId,
    a: AccountId,
    b: AccountId,
    /// SO-A1 of account A: 10 × SKU-A and 4 × SKU-B, delivered yesterday
    /// in two shipments (1ZA1 with 6 + 4, 1ZA2 with 4 × SKU-A).
    order_a: (OrderId, Vec<OrderLineId>),
    /// SO-B1 of account B, delivered yesterday in one shipment.
    order_b: (OrderId, Vec<OrderLineId>),
}

/// Two accounts' delivered orders in tenant `acme`, whose policy reviews
/// every request.
async fn shop() -> Shop {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let a = milepost::store::create_account(&app.pool, tenant, "Account A", "A-1").await.unwrap();
    let b = milepost::store::create_account(&app.pool, tenant, "Account B", "B-1").await.unwrap();
    let order_a = delivered(&app, tenant, a, "SO-A1", &[vec![(0, 6), (1, 4)], vec![(0, 4)]]).await;
    let order_b = delivered(&app, tenant, b, "SO-B1", &[vec![(0, 10), (1, 4)]]).await;
    let policy = ReturnPolicy { requires_approval: true, ..ReturnPolicy::default() };
    milepost::returns::save_settings(&app.state, tenant, policy, Vec::new()).await.unwrap();
    Shop { app, tenant, a, b, order_a, order_b }
}

/// An order whose shipments (lines by index, whole units) were delivered yesterday.
async fn delivered(
    app: &TestApp,
    tenant: TenantId,
    account: AccountId,
    number: &str,
    shipments: &[Vec<(usize, i64)>],
) -> (OrderId, Vec<OrderLineId>) {
    let order = order_in(&app.pool, tenant, Some(account), number, Some(Utc::now().date_naive())).await;
    let at = Utc::now() - Duration::days(1);
    for (i, lines) in shipments.iter().enumerate() {
        let tracking = format!("1Z{}{}", &number[3..], i + 1);
        let lines = lines.iter().map(|(line, units)| (order.lines[*line], *units)).collect();
        let shipment = shipment(&app.pool, order.id, &tracking, lines).await;
        let delivered = event("carrier", "DELIVERED", &format!("{tracking}-d"), at, Some(shipment));
        milepost::store::append(&app.pool, tenant, order.id, &[delivered]).await.unwrap();
    }
    (order.id, order.lines)
}

impl Shop {
    async fn signed_in(&self, role: Role, account: Option<AccountId>, email: &str) -> Session {
        let password = person(&self.app.pool, self.tenant, account, role, email).await;
        self.app.sign_in("acme", email, &password).await
    }

    async fn user_id(&self, email: &str) -> milepost::domain::UserId {
        let users = milepost::store::list_users(&self.app.pool, self.tenant).await.unwrap();
        users.into_iter().find(|u| u.email == email).unwrap().id
    }

    /// A return of `units` of each line (by index), asked by `who`.
    async fn request(
        &self,
        order: &(OrderId, Vec<OrderLineId>),
        lines: &[(usize, i64, ReturnReason)],
        who: RequestedBy,
    ) -> RmaNumber {
        let new = NewReturn {
            resolution: Resolution::Refund,
            lines: lines
                .iter()
                .map(|(line, units, reason)| NewReturnLine {
                    line: order.1[*line],
                    quantity: Quantity::whole(*units),
                    reason: *reason,
                    photo_sha256: None,
                })
                .collect(),
            comment: None,
            requested_by: who,
        };
        milepost::returns::request(&self.app.state, self.tenant, order.0, new).await.unwrap().rma
    }

    async fn status(&self, rma: RmaNumber) -> milepost::returns::ReturnRecord {
        milepost::returns::by_rma(&self.app.state, self.tenant, rma).await.unwrap().unwrap()
    }

    async fn server_fn(&self, session: &Session, name: &str, args: &[(&str, &str)]) -> (u16, Value) {
        let response = self.app.form(Some(session), &format!("/portal/fn/{name}"), args).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn queue(&self, session: &Session, status: &str) -> Value {
        let (code, page) = self.server_fn(session, "returns", &[("status", status)]).await;
        assert_eq!(code, 200, "{page}");
        page["Ready"].clone()
    }
}

/// Where a form sent the browser, with its query decoded.
async fn post(app: &TestApp, session: &Session, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    if path.starts_with("/portal/orders/") && path.ends_with("/returns") {
        return request(app, session, path, fields, &[]).await;
    }
    answer(app.form(Some(session), path, fields).await)
}

/// A return request as the order page's form sends it: multipart, with
/// a photo for the lines given.
async fn request(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
    photos: &[(&str, Vec<u8>)],
) -> (u16, String) {
    answer(app.multipart(Some(session), path, fields, photos).await)
}

/// The status and where it sends the browser, its query decoded.
fn answer(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let decoded = match location.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> =
                url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect();
            format!("{path}?{}", query.join("&"))
        }
        None => location,
    };
    (status, decoded)
}

/// The queue's rows as (group title, RMA, status code).
fn rows(page: &Value) -> Vec<(String, String, String)> {
    page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["items"].as_array().unwrap().iter().map(move |r| {
                (
                    g["title"].as_str().unwrap().to_string(),
                    r["rma"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect()
}

fn item<'a>(page: &'a Value, rma: RmaNumber) -> &'a Value {
    page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .find(|r| r["rma"] == rma.to_string())
        .unwrap_or_else(|| panic!("{rma} is not in {page}"))
}

#[tokio::test]
async fn customer_service_approves_and_declines_from_the_queue_with_a_reason_required() {
    let s = shop().await;
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;
    let first = s.request(&s.order_a, &[(0, 2, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let second = s.request(&s.order_b, &[(1, 1, ReturnReason::WrongItem)], RequestedBy::Api).await;

    let page = s.queue(&cs, "").await;
    assert_eq!(page["status"], "");
    let row = item(&page, first);
    assert_eq!(row["order_number"], "SO-A1");
    assert_eq!(row["account"], "Account A");
    assert_eq!(row["status_label"], "Requested");
    assert_eq!(row["may_decide"], true);
    assert_eq!(row["lines"][0]["quantity"], "2 EA");
    assert_eq!(row["lines"][0]["sku"], "SKU-A");
    assert_eq!(row["lines"][0]["reason"], "No longer needed");
    assert!(row["requested"].as_str().unwrap().ends_with("by the buyer (tracking page)"), "{row}");
    assert!(item(&page, second)["requested"].as_str().unwrap().ends_with("by another system (API)"));

    // Declining needs a reason: refused and nothing changes.
    let path = format!("/portal/cs/returns/{first}/decision");
    let (status, location) = post(&s.app, &cs, &path, &[("decision", "decline"), ("reason", "  ")]).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/portal/cs/returns?error=Give the reason for declining"), "{location}");
    assert_eq!(s.status(first).await.status, ReturnStatus::Requested);

    let (_, location) =
        post(&s.app, &cs, &path, &[("decision", "decline"), ("reason", "Opened and used"), ("back", "")]).await;
    assert_eq!(location, format!("/portal/cs/returns?notice=Return {first} declined: Opened and used"));
    let declined = s.status(first).await;
    assert_eq!(
        (declined.status, declined.decline_reason.as_deref()),
        (ReturnStatus::Declined, Some("Opened and used"))
    );

    // Approve from a filtered view: back to the same view, with the outcome.
    let path = format!("/portal/cs/returns/{second}/decision");
    let (_, location) = post(&s.app, &cs, &path, &[("decision", "approve"), ("back", "status=requested")]).await;
    assert_eq!(location, format!("/portal/cs/returns?status=requested&notice=Return {second} approved."));
    assert_eq!(s.status(second).await.status, ReturnStatus::Approved);
    // The same decision again is harmless; the other one is refused in words.
    let (_, again) = post(&s.app, &cs, &path, &[("decision", "approve")]).await;
    assert!(again.contains("notice=Return"), "{again}");
    let (_, refused) = post(&s.app, &cs, &path, &[("decision", "decline"), ("reason", "changed my mind")]).await;
    assert!(refused.contains("error=The return is approved already; it cannot be declined now."), "{refused}");
    assert_eq!(s.status(second).await.status, ReturnStatus::Approved);
    // An unknown decision or RMA.
    let (_, nonsense) = post(&s.app, &cs, &path, &[("decision", "maybe")]).await;
    assert!(nonsense.contains("error=Choose approve or decline."), "{nonsense}");
    let (status, _) = post(&s.app, &cs, "/portal/cs/returns/RMA-ZZZZZZZZ/decision", &[("decision", "approve")]).await;
    assert_eq!(status, 404);

    // A note lands on the order's timeline (internal) and in the audit log;
    // the decisions are audited too. Back to the order page when asked.
    let note = format!("/portal/cs/returns/{second}/notes");
    let (_, empty) = post(&s.app, &cs, &note, &[("text", "")]).await;
    assert!(empty.contains("error=A note needs some text"), "{empty}");
    let (_, location) =
        post(&s.app, &cs, &note, &[("text", "Caller will drop it at the depot"), ("back", "order")]).await;
    assert_eq!(location, format!("/portal/orders/SO-B1?notice=Note added to order SO-B1 about {second}."));
    let (_, order) = s.server_fn(&cs, "order", &[("number", "SO-B1")]).await;
    let top = &order["Ready"]["timeline"][0];
    assert_eq!((top["label"].as_str(), top["internal"].as_bool()), (Some("Note"), Some(true)), "{top}");
    assert_eq!(top["detail"], format!("{second}: Caller will drop it at the depot"));
    let audit: Vec<String> = order["Ready"]["desk"]["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{} {}", a["action"].as_str().unwrap(), a["detail"].as_str().unwrap()))
        .collect();
    assert!(audit.contains(&format!("return_decision {second} approved")), "{audit:?}");
    // The order page lists the return with its status and no decision left to take.
    let listed = &order["Ready"]["returns"]["returns"][0];
    assert_eq!(
        (listed["rma"].as_str(), listed["status"].as_str()),
        (Some(second.to_string().as_str()), Some("approved"))
    );
    assert_eq!(listed["may_decide"], false);
    assert!(listed["decision"].as_str().unwrap().starts_with("Approved "), "{listed}");

    // The queue is empty now; the declined one is under its status.
    assert!(rows(&s.queue(&cs, "").await).is_empty());
    let declined = s.queue(&cs, "declined").await;
    assert_eq!(rows(&declined), vec![(String::new(), first.to_string(), "declined".to_string())]);
    assert_eq!(item(&declined, first)["decision"].as_str().map(|d| d.ends_with(": Opened and used")), Some(true));

    // The queue's page renders, linked from customer service's navigation.
    let html = s.app.page(Some(&cs), "/portal/cs/returns?status=declined").await.text().await.unwrap();
    assert!(html.contains("href=\"/portal/cs/returns\""), "the navigation links the queue");
    assert!(html.contains(&first.to_string()) && html.contains("Opened and used"));
}

#[tokio::test]
async fn the_queue_lists_decisions_first_then_received_returns_oldest_first_and_filters_by_status() {
    let s = shop().await;
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;
    let received_early = s.request(&s.order_a, &[(1, 1, ReturnReason::WrongItem)], RequestedBy::Buyer).await;
    let older = s.request(&s.order_b, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let approved = s.request(&s.order_b, &[(1, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let newer = s.request(&s.order_a, &[(0, 1, ReturnReason::ArrivedLate)], RequestedBy::Buyer).await;
    let inspected = s.request(&s.order_a, &[(0, 2, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let state = &s.app.state;
    for rma in [received_early, approved, inspected] {
        milepost::returns::approve(state, s.tenant, rma).await.unwrap();
    }
    milepost::returns::mark_received(state, s.tenant, received_early).await.unwrap();
    let counted =
        vec![InspectedLine { line: s.order_a.1[0], counted: Quantity::whole(2), condition: Condition::AsNew }];
    milepost::returns::receive(state, s.tenant, inspected, counted).await.unwrap();

    // Decisions first, oldest request first; then what came back, oldest
    // arrival first, though its request is the oldest of all. Approved
    // returns wait for the buyer, not for us.
    let page = s.queue(&cs, "").await;
    let decision = "Waiting for a decision".to_string();
    let settlement = "Received, not settled".to_string();
    assert_eq!(
        rows(&page),
        vec![
            (decision.clone(), older.to_string(), "requested".to_string()),
            (decision, newer.to_string(), "requested".to_string()),
            (settlement.clone(), received_early.to_string(), "received".to_string()),
            (settlement, inspected.to_string(), "inspected".to_string()),
        ]
    );
    assert_eq!(page["counts"], serde_json::json!([["Waiting for a decision", 2], ["Received, not settled", 2]]));
    assert_eq!(page["matching"], 4);
    let received = item(&page, received_early);
    assert_eq!(received["may_decide"], false, "no decision left to take");
    assert!(received["waiting"].is_string());
    assert_eq!(item(&page, inspected)["lines"][0]["inspected"], "2 counted, as new");

    // One status at a time, ungrouped; an unknown one is the open queue.
    let only = s.queue(&cs, "approved").await;
    assert_eq!(rows(&only), vec![(String::new(), approved.to_string(), "approved".to_string())]);
    assert_eq!(only["status"], "approved");
    assert_eq!(only["back"], "status=approved");
    assert_eq!(rows(&s.queue(&cs, "inspected").await).len(), 1);
    assert_eq!(rows(&s.queue(&cs, "bogus").await).len(), 4);
    let statuses = only["statuses"].as_array().unwrap();
    assert_eq!(statuses[0], serde_json::json!(["", "Open: waiting for someone"]));
    assert_eq!(statuses.len(), 1 + ReturnStatus::ALL.len());
}

#[tokio::test]
async fn accounts_payable_sees_each_credit_memo_on_the_order_and_in_the_csv() {
    let s = shop().await;
    let state = &s.app.state;
    let refund = s.request(&s.order_a, &[(0, 3, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let credit = s.request(&s.order_a, &[(1, 1, ReturnReason::WrongItem)], RequestedBy::Buyer).await;
    let pending = s.request(&s.order_a, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    for (rma, line, counted) in [(refund, 0, 2), (credit, 1, 1)] {
        milepost::returns::approve(state, s.tenant, rma).await.unwrap();
        let lines = vec![InspectedLine {
            line: s.order_a.1[line],
            counted: Quantity::whole(counted),
            condition: Condition::Opened,
        }];
        milepost::returns::receive(state, s.tenant, rma, lines).await.unwrap();
    }
    let memo = CreditMemo::new(4990, "EUR", "CN-1001").unwrap();
    milepost::returns::settle(state, s.tenant, refund, memo, Settlement::Refund).await.unwrap();
    let memo = CreditMemo::new(1000, "EUR", "SC-7").unwrap();
    milepost::returns::settle(state, s.tenant, credit, memo, Settlement::StoreCredit).await.unwrap();

    // The order page: each return's memo beside the proofs of delivery.
    let ap = s.signed_in(Role::Ap, Some(s.a), "alex@a.example").await;
    let (status, page) = s.server_fn(&ap, "order", &[("number", "SO-A1")]).await;
    assert_eq!(status, 200);
    let returns = page["Ready"]["returns"]["returns"].as_array().unwrap();
    assert_eq!(returns.len(), 3);
    let today = milepost::domain::TimeZone::parse("America/Denver").unwrap().today(Utc::now()).to_string();
    assert_eq!(
        returns[0]["credit"],
        serde_json::json!({"amount": "49.90 EUR", "reference": "CN-1001", "date": today, "settlement": "Refund"})
    );
    assert_eq!(returns[1]["credit"]["settlement"], "Store credit");
    assert_eq!(returns[1]["credit"]["amount"], "10.00 EUR");
    assert!(returns[2]["credit"].is_null());
    assert!(returns.iter().all(|r| r["may_decide"] == false), "accounts payable decides nothing");
    assert!(page["Ready"]["returns"]["request"].is_null(), "nor asks for returns");
    let _ = pending;
    // The same on the page as HTML.
    let html = s.app.page(Some(&ap), "/portal/orders/SO-A1").await.text().await.unwrap();
    assert!(html.contains("49.90 EUR") && html.contains("CN-1001") && html.contains("data-testid=\"return-credit\""));

    // The CSV: the old columns as they were, four more at the end, the
    // order's returns on its first row only.
    let csv = s.app.page(Some(&ap), "/portal/deliveries.csv").await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("po,order,shipment,delivered_quantity,delivered_at,pod_id,shortage,short_units,over_units,damaged_units,discrepancy_reason,receipt_corrections,returned_units,credit_amount,credit_currency,credit_reference")
    );
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    assert_eq!(rows.len(), 2, "account A's two shipments: {text}");
    assert!(rows.iter().all(|r| r.len() == 16 && r[1] == "SO-A1"), "{text}");
    // Returned units as counted (2 + 1), both memos' total, their references.
    assert_eq!(rows[0][12..], ["3", "59.90", "EUR", "CN-1001; SC-7"]);
    assert_eq!(rows[1][12..], ["", "", "", ""], "counted once per order");

    // Customer service's export covers every account: B's order has nothing back.
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;
    let text = s.app.page(Some(&cs), "/portal/deliveries.csv").await.text().await.unwrap();
    let b_row = text.lines().find(|l| l.contains(",SO-B1,")).expect("B's delivery");
    assert!(b_row.ends_with(",,,,"), "{b_row}");
    let _ = s.b;

    // The KPI dashboard shows the returns figures the API answers.
    let filters: Vec<(String, &str)> = ["from", "to", "carrier", "lane", "ship_from", "account"]
        .iter()
        .map(|f| (format!("filters[{f}]"), ""))
        .collect();
    let filters: Vec<(&str, &str)> = filters.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (status, dashboard) = s.server_fn(&cs, "dashboard", &filters).await;
    assert_eq!(status, 200);
    let shown = &dashboard["Ready"]["returns"];
    let key = api_key(&s.app.pool, s.tenant, &[milepost::auth::api_key::Scope::Admin]).await;
    let api: Value = s.app.send(reqwest::Method::GET, "/api/v1/kpis/returns", &key, None).await.json().await.unwrap();
    assert_eq!(shown["settled"], 2, "the refund and the store credit: {shown}");
    for field in ["returns", "returned_units", "delivered_units", "settled"] {
        assert_eq!(shown[field], api[field], "{field}: {shown} against {api}");
    }
    assert_eq!(shown["by_sku"][0]["key"], api["by_sku"][0]["key"]);
    assert!(shown["top_reasons"].as_array().is_some_and(|r| !r.is_empty()), "{shown}");
    let html = s.app.page(Some(&cs), "/portal/dashboard").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"kpi-returns\"") && html.contains("data-testid=\"returns-by-SKU\""));
}

#[tokio::test]
async fn the_receiver_sees_the_returns_expected_back_at_their_site() {
    let s = shop().await;
    let state = &s.app.state;
    let labelled = s.request(&s.order_a, &[(0, 2, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    milepost::returns::approve(state, s.tenant, labelled).await.unwrap();
    milepost::returns::attach_shipment(state, s.tenant, labelled, "UPS", "1Z-RET-A").await.unwrap();
    let approved = s.request(&s.order_a, &[(1, 1, ReturnReason::WrongItem)], RequestedBy::Buyer).await;
    milepost::returns::approve(state, s.tenant, approved).await.unwrap();
    let waiting = s.request(&s.order_a, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let declined = s.request(&s.order_a, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    milepost::returns::decline(state, s.tenant, declined, "too late").await.unwrap();
    let other_account = s.request(&s.order_b, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    milepost::returns::approve(state, s.tenant, other_account).await.unwrap();

    let receiver = s.signed_in(Role::Receiver, Some(s.a), "rita@a.example").await;
    let (status, page) = s.server_fn(&receiver, "inbound", &[("site", "")]).await;
    assert_eq!(status, 200);
    let expected = page["Ready"]["expected_returns"].as_array().unwrap();
    let rmas: Vec<&str> = expected.iter().map(|r| r["rma"].as_str().unwrap()).collect();
    assert_eq!(rmas, [labelled.to_string(), approved.to_string()], "not waiting, declined or another account's");
    assert_eq!(expected[0]["order_number"], "SO-A1");
    assert_eq!(expected[0]["status_label"], "Label issued");
    assert_eq!(expected[0]["lines"], serde_json::json!(["2 EA · SKU-A Widget"]));
    assert_eq!(expected[0]["tracking"], serde_json::json!(["UPS 1Z-RET-A"]));
    assert_eq!(expected[1]["lines"], serde_json::json!(["1 BX · SKU-B Gadget"]));
    assert_eq!(expected[1]["tracking"], serde_json::json!([]));
    let _ = waiting;

    let html = s.app.page(Some(&receiver), "/portal/inbound").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"expected-returns\"") && html.contains("UPS 1Z-RET-A"));

    // Once it is back, it is no longer expected.
    milepost::returns::mark_received(state, s.tenant, labelled).await.unwrap();
    let (_, page) = s.server_fn(&receiver, "inbound", &[("site", "")]).await;
    let rmas: Vec<&str> =
        page["Ready"]["expected_returns"].as_array().unwrap().iter().map(|r| r["rma"].as_str().unwrap()).collect();
    assert_eq!(rmas, [approved.to_string()]);
}

#[tokio::test]
async fn a_buyer_requests_a_return_for_their_account_with_each_refused_line_named() {
    let s = shop().await;
    let buyer = s.signed_in(Role::Buyer, Some(s.a), "bea@a.example").await;
    let (_, page) = s.server_fn(&buyer, "order", &[("number", "SO-A1")]).await;
    let form = &page["Ready"]["returns"]["request"];
    assert_eq!(form["title"], "Request a return");
    let lines = form["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["sku"].as_str(), lines[0]["returnable"].as_str()), (Some("SKU-A"), Some("up to 10 EA")));
    let (line_a, line_b) = (lines[0]["line_id"].to_string(), lines[1]["line_id"].to_string());
    let (qa, ra, qb, rb) = (
        format!("quantity_{line_a}"),
        format!("reason_{line_a}"),
        format!("quantity_{line_b}"),
        format!("reason_{line_b}"),
    );

    // Nothing asked, or no reason: said so, nothing recorded.
    let path = "/portal/orders/SO-A1/returns";
    let (_, nothing) = post(&s.app, &buyer, path, &[("resolution", "refund"), (&qa, "")]).await;
    assert_eq!(nothing, "/portal/orders/SO-A1?error=Enter how many of at least one line come back.");
    let (_, typo) = post(&s.app, &buyer, path, &[("resolution", "refund"), (&qa, "two"), (&ra, "wrong_item")]).await;
    assert!(typo.contains("error=Line 1 (SKU-A): the quantity must be a number"), "{typo}");

    // Recorded: waiting for review, asked by this person of the account.
    let (_, done) = post(
        &s.app,
        &buyer,
        path,
        &[("resolution", "refund"), (&qa, "2"), (&ra, "no_longer_needed"), ("comment", "Over-ordered")],
    )
    .await;
    assert!(done.starts_with("/portal/orders/SO-A1?notice=Return RMA-"), "{done}");
    assert!(done.ends_with(" recorded: requested."), "{done}");
    let rma = RmaNumber::parse(done.split("Return ").nth(1).unwrap().split(' ').next().unwrap()).unwrap();
    let record = s.status(rma).await;
    assert_eq!(record.requested_by, RequestedBy::Account(s.user_id("bea@a.example").await));
    assert_eq!(record.comment.as_deref(), Some("Over-ordered"));

    // Too many of one line, a photo missing on the other: every refused
    // line with the policy's sentence, and nothing recorded.
    let (_, refused) = post(
        &s.app,
        &buyer,
        path,
        &[("resolution", "refund"), (&qa, "9"), (&ra, "no_longer_needed"), (&qb, "1"), (&rb, "damaged")],
    )
    .await;
    assert_eq!(
        refused,
        "/portal/orders/SO-A1?error=Nothing was recorded. Line 1 (SKU-A): Only 8 of this item can still be returned. \
         Line 2 (SKU-B): Please add a photo for this return reason."
    );
    assert_eq!(milepost::returns::for_order(&s.app.state, s.tenant, s.order_a.0).await.unwrap().len(), 1);

    // Their order page lists it, with nothing to decide.
    let (_, page) = s.server_fn(&buyer, "order", &[("number", "SO-A1")]).await;
    let listed = &page["Ready"]["returns"]["returns"][0];
    assert_eq!(listed["rma"], rma.to_string());
    assert_eq!(listed["may_decide"], false);
    assert!(listed["requested"].as_str().unwrap().ends_with("by bea@a.example (Account A)"), "{listed}");
    assert_eq!(page["Ready"]["returns"]["request"]["lines"][0]["returnable"], "up to 8 EA");

    // A file that is no picture is refused by name; a photo lets the
    // damaged line come back, kept without its metadata.
    let photo = |name: &str| format!("photo_{}", &name["quantity_".len()..]);
    let (pb, damaged) = (photo(&qb), [("resolution", "refund"), (qb.as_str(), "1"), (rb.as_str(), "damaged")]);
    let (_, not_a_photo) = request(&s.app, &buyer, path, &damaged, &[(&pb, b"%PDF-1.7".to_vec())]).await;
    assert!(not_a_photo.contains("error=Line 2 (SKU-B): the photo "), "{not_a_photo}");
    let (_, with_photo) =
        request(&s.app, &buyer, path, &damaged, &[(&pb, tiny_png_with_text("GPS 30.26,-97.74"))]).await;
    assert!(with_photo.contains("notice=Return RMA-"), "{with_photo}");
    let photographed =
        RmaNumber::parse(with_photo.split("Return ").nth(1).unwrap().split(' ').next().unwrap()).unwrap();
    let sha256 = s.status(photographed).await.lines[0].photo_sha256.clone().expect("the photo is on the line");
    let kept = s.app.state.blobs.get(&sha256).await.unwrap();
    assert!(!String::from_utf8_lossy(&kept).contains("GPS"), "the photo's metadata is gone");
}

#[tokio::test]
async fn customer_service_starts_a_return_for_a_caller() {
    let s = shop().await;
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;
    let (_, page) = s.server_fn(&cs, "order", &[("number", "SO-B1")]).await;
    let form = &page["Ready"]["returns"]["request"];
    assert_eq!(form["title"], "Start a return for a caller");
    assert!(form["photo_note"].as_str().unwrap().contains("Arrived damaged"), "{form}");
    let line = form["lines"][1]["line_id"].to_string();
    let (quantity, reason) = (format!("quantity_{line}"), format!("reason_{line}"));
    let fields = [("resolution", "store_credit"), (quantity.as_str(), "2"), (reason.as_str(), "wrong_item")];
    let (_, done) = post(&s.app, &cs, "/portal/orders/SO-B1/returns", &fields).await;
    assert!(done.contains("notice=Return RMA-") && done.ends_with("recorded: requested."), "{done}");
    let (_, queue) = s.server_fn(&cs, "returns", &[]).await;
    let row = &queue["Ready"]["groups"][0]["items"][0];
    assert_eq!((row["order_number"].as_str(), row["resolution"].as_str()), (Some("SO-B1"), Some("Store credit")));
    assert!(row["requested"].as_str().unwrap().ends_with("by carla@acme.example (customer service)"), "{row}");
    let rma = RmaNumber::parse(row["rma"].as_str().unwrap()).unwrap();
    assert_eq!(s.status(rma).await.requested_by, RequestedBy::Staff(s.user_id("carla@acme.example").await));

    // The buyer of the account sees who at the tenant asked only as customer service.
    let buyer = s.signed_in(Role::Buyer, Some(s.b), "ben@b.example").await;
    let (_, page) = s.server_fn(&buyer, "order", &[("number", "SO-B1")]).await;
    assert!(page["Ready"]["returns"]["returns"][0]["requested"].as_str().unwrap().ends_with("by customer service"));
}

#[tokio::test]
async fn an_account_reaches_only_its_own_returns_and_another_tenant_none() {
    let s = shop().await;
    let photo = milepost::returns::store_photo(&s.app.state, &milepost::demo::signature_png(3)).await.unwrap();
    let new = NewReturn {
        resolution: Resolution::Refund,
        lines: vec![NewReturnLine {
            line: s.order_b.1[0],
            quantity: Quantity::whole(1),
            reason: ReturnReason::Damaged,
            photo_sha256: Some(photo.clone()),
        }],
        comment: None,
        requested_by: RequestedBy::Buyer,
    };
    let theirs = milepost::returns::request(&s.app.state, s.tenant, s.order_b.0, new).await.unwrap().rma;
    let ours = s.request(&s.order_a, &[(0, 1, ReturnReason::NoLongerNeeded)], RequestedBy::Buyer).await;
    let buyer = s.signed_in(Role::Buyer, Some(s.a), "bea@a.example").await;
    let ap = s.signed_in(Role::Ap, Some(s.a), "alex@a.example").await;
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;

    // Customer service opens the buyer's photo from the queue.
    let page = s.queue(&cs, "").await;
    let href = item(&page, theirs)["lines"][0]["photo"].as_str().unwrap().to_string();
    assert_eq!(href, format!("/portal/orders/SO-B1/returns/{theirs}/photos/{photo}"));
    let response = s.app.page(Some(&cs), &href).await;
    assert_eq!((response.status().as_u16(), response.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
    let photo_elsewhere = format!("/portal/orders/SO-A1/returns/{theirs}/photos/{photo}");
    assert_eq!(s.app.page(Some(&cs), &photo_elsewhere).await.status(), 404, "only under its own order");

    // Account A's buyer: another account's order, return and photo do not exist.
    assert_eq!(s.server_fn(&buyer, "order", &[("number", "SO-B1")]).await.1, "NotFound");
    assert_eq!(s.app.page(Some(&buyer), &href).await.status(), 404);
    let their_decision = format!("/portal/cs/returns/{theirs}/decision");
    let (status, _) = post(&s.app, &buyer, &their_decision, &[("decision", "approve")]).await;
    assert_eq!(status, 404);
    let (status, _) = post(&s.app, &buyer, &format!("/portal/cs/returns/{theirs}/notes"), &[("text", "hi")]).await;
    assert_eq!(status, 404);
    let request = [("resolution", "refund"), ("quantity_1", "1"), ("reason_1", "wrong_item")];
    assert_eq!(post(&s.app, &buyer, "/portal/orders/SO-B1/returns", &request).await.0, 404);
    // Their own account's return: theirs to see, not to decide.
    let (status, _) =
        post(&s.app, &buyer, &format!("/portal/cs/returns/{ours}/decision"), &[("decision", "approve")]).await;
    assert_eq!(status, 403);
    assert_eq!(s.status(ours).await.status, ReturnStatus::Requested);
    // Nor is the queue theirs; accounts payable may not ask for returns.
    assert_eq!(s.server_fn(&buyer, "returns", &[]).await, (403, Value::from("Forbidden")));
    assert_eq!(s.app.page(Some(&buyer), "/portal/cs/returns").await.status(), 403);
    assert_eq!(post(&s.app, &ap, "/portal/orders/SO-A1/returns", &[("resolution", "refund")]).await.0, 403);

    // Another tenant's customer service: nothing of acme's exists.
    let other = tenant(&s.app.pool, "other").await;
    let password = person(&s.app.pool, other, None, Role::Cs, "olga@other.example").await;
    let olga = s.app.sign_in("other", "olga@other.example", &password).await;
    assert!(rows(&s.queue(&olga, "").await).is_empty());
    for rma in [theirs, ours] {
        let (status, _) =
            post(&s.app, &olga, &format!("/portal/cs/returns/{rma}/decision"), &[("decision", "approve")]).await;
        assert_eq!(status, 404);
        let (status, _) = post(&s.app, &olga, &format!("/portal/cs/returns/{rma}/notes"), &[("text", "x")]).await;
        assert_eq!(status, 404);
    }
    assert_eq!(s.app.page(Some(&olga), &href).await.status(), 404);
    assert_eq!(post(&s.app, &olga, "/portal/orders/SO-A1/returns", &request).await.0, 404);
    assert_eq!(s.status(theirs).await.status, ReturnStatus::Requested);
}

#[tokio::test]
async fn an_administrator_sets_the_return_policy_and_its_addresses_in_the_portal() {
    let s = shop().await;
    let admin = s.signed_in(Role::Admin, None, "ada@acme.example").await;
    let (status, page) = s.server_fn(&admin, "return-policy", &[]).await;
    assert_eq!(status, 200);
    let page = &page["Ready"];
    assert_eq!((page["window_days"].as_i64(), page["requires_approval"].as_bool()), (Some(30), Some(true)));
    assert!(page["saved"].as_str().unwrap().starts_with("Saved "), "{page}");
    let damaged = page["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "damaged").unwrap().clone();
    assert_eq!((damaged["offered"].as_bool(), damaged["needs_photo"].as_bool()), (Some(true), Some(true)));

    // Saved: two weeks, gift cards final sale, damage only (with a photo), store credit, reviewed.
    let settings = || async { milepost::returns::settings(&s.app.state, s.tenant).await.unwrap() };
    let policy = [
        ("window_days", "14"),
        ("non_returnable", "GIFT-*\nSKU-FINAL"),
        ("reason_damaged", "on"),
        ("photo_damaged", "on"),
        ("resolution_store_credit", "on"),
        ("requires_approval", "on"),
    ];
    let (_, done) = post(&s.app, &admin, "/portal/admin/returns", &policy).await;
    assert!(done.starts_with("/portal/admin/returns?notice=Return policy saved."), "{done}");
    let saved = settings().await.policy;
    assert_eq!(saved.window_days, 14);
    assert_eq!(saved.non_returnable.iter().map(ToString::to_string).collect::<Vec<_>>(), ["GIFT-*", "SKU-FINAL"]);
    assert_eq!((saved.reasons, saved.photo_required), (vec![ReturnReason::Damaged], vec![ReturnReason::Damaged]));
    assert_eq!(saved.resolutions, [milepost::domain::returns::Resolution::StoreCredit]);

    // A policy that cannot work is refused in the form's words, and nothing changes.
    let unworkable =
        [("window_days", "14"), ("reason_other", "on"), ("photo_damaged", "on"), ("resolution_refund", "on")];
    let (_, refused) = post(&s.app, &admin, "/portal/admin/returns", &unworkable).await;
    assert_eq!(refused, "/portal/admin/returns?error=“Arrived damaged” needs a photo but is not offered.");
    let (_, refused) = post(&s.app, &admin, "/portal/admin/returns", &[("window_days", "400")]).await;
    assert!(refused.contains("error=Return window: between 1 and 365 days."), "{refused}");
    assert_eq!(settings().await.policy.window_days, 14);

    // Addresses: one for every site, one for a site, then that one removed;
    // an incomplete one is refused naming the field.
    let address = |site: &'static str, name: &'static str| {
        vec![
            ("ship_from", site),
            ("name", name),
            ("line1", "9 Dock Rd"),
            ("city", "Austin"),
            ("postcode", "78701"),
            ("country", "us"),
        ]
    };
    let path = "/portal/admin/returns/addresses";
    let (_, done) = post(&s.app, &admin, path, &address("", "Returns dock")).await;
    assert_eq!(done, "/portal/admin/returns?notice=Return address for every site saved.");
    post(&s.app, &admin, path, &address("Dallas DC", "Dallas returns")).await;
    let mut incomplete = address("Reno DC", "Reno returns");
    incomplete.retain(|(k, _)| *k != "postcode");
    let (_, refused) = post(&s.app, &admin, path, &incomplete).await;
    assert!(refused.contains("error=Return address: the postcode must not be blank."), "{refused}");
    let kept = settings().await.addresses;
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().any(|a| a.ship_from.as_deref() == Some("Dallas DC") && a.country == "US"));
    let (_, page) = s.server_fn(&admin, "return-policy", &[]).await;
    let sites: Vec<&str> =
        page["Ready"]["addresses"].as_array().unwrap().iter().map(|a| a["site"].as_str().unwrap()).collect();
    assert_eq!(sites, ["Every site", "Dallas DC"]);
    let (_, done) = post(&s.app, &admin, path, &[("action", "remove"), ("ship_from", "dallas dc")]).await;
    assert_eq!(done, "/portal/admin/returns?notice=Return address for dallas dc removed.");
    assert_eq!(settings().await.addresses.len(), 1);

    // Customer service may not.
    let cs = s.signed_in(Role::Cs, None, "carla@acme.example").await;
    assert_eq!(s.server_fn(&cs, "return-policy", &[]).await, (403, Value::from("Forbidden")));
    assert_eq!(post(&s.app, &cs, "/portal/admin/returns", &policy).await.0, 403);
    assert_eq!(post(&s.app, &cs, path, &address("", "Mine now")).await.0, 403);
    assert_eq!(settings().await.addresses[0].name, "Returns dock");
}
