//! The authorization matrix: every role (and anonymous) against every
//! portal page, server function, form action and download, and every API
//! route, on records of their own account, another account of their tenant
//! and another tenant. Allowed where the role needs it; otherwise 403 (the
//! role may not) or 404 (a record they may not know exists).
//!
//! The expected answers are written out here, independently of
//! `milepost::policy`, and the test checks that no portal page or server
//! function is missing from the matrix.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::domain::{AccountId, TenantId};
use milepost::policy::Role;
use std::collections::BTreeSet;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    SignIn,
    Forbidden,
    NotFound,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Record {
    /// The person's own account's order (for staff: any order of their tenant).
    Own,
    OtherAccount,
    OtherTenant,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Page,
    ServerFn,
    Form,
    /// A form with file inputs, sent as multipart.
    Upload,
    Download,
}

/// What a route needs: which roles, and whether it names an order (reach
/// is checked first: 404) or a person (role first: 403).
#[derive(Copy, Clone, Debug)]
enum Needs {
    Roles(&'static [Role]),
    RolesOnOrder(&'static [Role]),
    RolesOnPerson(&'static [Role]),
}

use Role::*;
const EVERYONE: &[Role] = &[Buyer, Receiver, Ap, Cs, Admin];
const STAFF: &[Role] = &[Cs, Admin];

struct Route {
    kind: Kind,
    /// `{order}`, `{shipment}`, `{sha256}`, `{notification}`, `{person}` are filled per record.
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
    needs: Needs,
}

const ROUTES: &[Route] = &[
    // Pages
    Route { kind: Kind::Page, path: "/portal/orders", fields: &[], needs: Needs::Roles(EVERYONE) },
    Route { kind: Kind::Page, path: "/portal/orders/{order}", fields: &[], needs: Needs::RolesOnOrder(EVERYONE) },
    Route { kind: Kind::Page, path: "/portal/inbound", fields: &[], needs: Needs::Roles(&[Receiver]) },
    Route { kind: Kind::Page, path: "/portal/deliveries", fields: &[], needs: Needs::Roles(&[Ap, Cs, Admin]) },
    Route { kind: Kind::Page, path: "/portal/cs", fields: &[], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::Page, path: "/portal/cs/exceptions", fields: &[], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::Page, path: "/portal/cs/returns", fields: &[], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::Page, path: "/portal/admin/users", fields: &[], needs: Needs::Roles(&[Admin]) },
    Route { kind: Kind::Page, path: "/portal/admin/edi", fields: &[], needs: Needs::Roles(&[Admin]) },
    Route { kind: Kind::Page, path: "/portal/admin/returns", fields: &[], needs: Needs::Roles(&[Admin]) },
    Route { kind: Kind::Page, path: "/portal/dashboard", fields: &[], needs: Needs::Roles(STAFF) },
    // Server functions (what the pages load in the browser)
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/orders",
        fields: &[("query[number]", "SO")],
        needs: Needs::Roles(EVERYONE),
    },
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/order",
        fields: &[("number", "{order}")],
        needs: Needs::RolesOnOrder(EVERYONE),
    },
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/inbound",
        fields: &[("site", "")],
        needs: Needs::Roles(&[Receiver]),
    },
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/deliveries",
        fields: &[("from", ""), ("to", "")],
        needs: Needs::Roles(&[Ap, Cs, Admin]),
    },
    Route { kind: Kind::ServerFn, path: "/portal/fn/search", fields: &[("q", "{order}")], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::ServerFn, path: "/portal/fn/exceptions", fields: &[], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::ServerFn, path: "/portal/fn/returns", fields: &[], needs: Needs::Roles(STAFF) },
    Route { kind: Kind::ServerFn, path: "/portal/fn/people", fields: &[], needs: Needs::Roles(&[Admin]) },
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/edi-partners",
        fields: &[("edit", "MATRIX"), ("draft", "")],
        needs: Needs::Roles(&[Admin]),
    },
    Route {
        kind: Kind::ServerFn,
        path: "/portal/fn/dashboard",
        fields: &[
            ("filters[from]", ""),
            ("filters[to]", ""),
            ("filters[carrier]", ""),
            ("filters[lane]", ""),
            ("filters[ship_from]", ""),
            ("filters[account]", ""),
        ],
        needs: Needs::Roles(STAFF),
    },
    // Form actions
    Route {
        kind: Kind::Form,
        path: "/portal/orders/{order}/receipts",
        fields: &[("shipment", "{shipment}")],
        needs: Needs::RolesOnOrder(&[Receiver]),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/orders/{order}/notes",
        fields: &[("text", "matrix note")],
        needs: Needs::RolesOnOrder(STAFF),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/orders/{order}/status",
        fields: &[("status", "in_transit"), ("reason", "matrix")],
        needs: Needs::RolesOnOrder(STAFF),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/orders/{order}/notifications/{notification}/resend",
        fields: &[],
        needs: Needs::RolesOnOrder(STAFF),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/orders/{order}/tracking-link",
        fields: &[("action", "revoke")],
        needs: Needs::RolesOnOrder(STAFF),
    },
    // Returns: a return is within reach exactly when its order is.
    Route {
        kind: Kind::Upload,
        path: "/portal/orders/{order}/returns",
        fields: &[("resolution", "refund")],
        needs: Needs::RolesOnOrder(&[Buyer, Cs, Admin]),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/cs/returns/{rma}/decision",
        fields: &[("decision", "approve")],
        needs: Needs::RolesOnOrder(STAFF),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/cs/returns/{rma}/notes",
        fields: &[("text", "matrix note")],
        needs: Needs::RolesOnOrder(STAFF),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/admin/users",
        fields: &[("name", ""), ("email", "")],
        needs: Needs::Roles(&[Admin]),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/admin/users/{person}",
        fields: &[("role", "buyer"), ("account", "{account}")],
        needs: Needs::RolesOnPerson(&[Admin]),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/admin/edi",
        fields: &[("sender_id", "MATRIX"), ("acknowledgment", "999"), ("ta1", "never")],
        needs: Needs::Roles(&[Admin]),
    },
    Route { kind: Kind::ServerFn, path: "/portal/fn/return-policy", fields: &[], needs: Needs::Roles(&[Admin]) },
    Route {
        kind: Kind::Form,
        path: "/portal/admin/returns",
        fields: &[("window_days", "30"), ("reason_other", "on"), ("resolution_refund", "on")],
        needs: Needs::Roles(&[Admin]),
    },
    Route {
        kind: Kind::Form,
        path: "/portal/admin/returns/addresses",
        fields: &[("action", "remove"), ("ship_from", "Nowhere")],
        needs: Needs::Roles(&[Admin]),
    },
    // Downloads and the live stream
    Route {
        kind: Kind::Download,
        path: "/portal/orders/{order}/shipments/{shipment}/pod.pdf",
        fields: &[],
        needs: Needs::RolesOnOrder(EVERYONE),
    },
    Route {
        kind: Kind::Download,
        path: "/portal/orders/{order}/pod/{sha256}",
        fields: &[],
        needs: Needs::RolesOnOrder(EVERYONE),
    },
    Route {
        kind: Kind::Download,
        path: "/portal/orders/{order}/returns/{rma}/photos/{photo}",
        fields: &[],
        needs: Needs::RolesOnOrder(EVERYONE),
    },
    Route {
        kind: Kind::Download,
        path: "/portal/orders/{order}/events",
        fields: &[],
        needs: Needs::RolesOnOrder(EVERYONE),
    },
    Route { kind: Kind::Download, path: "/portal/deliveries.csv", fields: &[], needs: Needs::Roles(&[Ap, Cs, Admin]) },
    Route { kind: Kind::Download, path: "/portal/deliveries.zip", fields: &[], needs: Needs::Roles(&[Ap, Cs, Admin]) },
    Route {
        kind: Kind::Download,
        path: "/portal/admin/edi/acknowledgment?sender=MATRIX&control_number=000000001",
        fields: &[],
        needs: Needs::Roles(&[Admin]),
    },
];

fn expected(role: Option<Role>, needs: Needs, record: Record) -> Outcome {
    let Some(role) = role else { return Outcome::SignIn };
    let staff = matches!(role, Cs | Admin);
    let in_reach = match record {
        Record::Own => true,
        Record::OtherAccount => staff,
        Record::OtherTenant => false,
    };
    let allowed = |roles: &[Role]| roles.contains(&role);
    match needs {
        Needs::Roles(roles) if allowed(roles) => Outcome::Allowed,
        Needs::Roles(_) => Outcome::Forbidden,
        Needs::RolesOnOrder(_) if !in_reach => Outcome::NotFound,
        Needs::RolesOnOrder(roles) if allowed(roles) => Outcome::Allowed,
        Needs::RolesOnOrder(_) => Outcome::Forbidden,
        Needs::RolesOnPerson(roles) if !allowed(roles) => Outcome::Forbidden,
        // People of another account are the tenant admin's to manage.
        Needs::RolesOnPerson(_) if record == Record::OtherTenant => Outcome::NotFound,
        Needs::RolesOnPerson(_) => Outcome::Allowed,
    }
}

/// The ids a route's path names, for one record.
struct Ids {
    order: String,
    shipment: String,
    sha256: String,
    notification: String,
    person: String,
    account: String,
    /// A return of the order, with a photo.
    rma: String,
    photo: String,
}

struct World {
    app: TestApp,
    sessions: Vec<(Role, Session)>,
    records: Vec<(Record, Ids)>,
}

async fn record_order(
    app: &TestApp,
    tenant: TenantId,
    account: AccountId,
    number: &str,
    person: String,
    home_account: AccountId,
) -> Ids {
    let order = order_in(&app.pool, tenant, Some(account), number, Some(Utc::now().date_naive())).await;
    let tracking = format!("1Z{number}");
    let shipment = shipment(&app.pool, order.id, &tracking, vec![(order.lines[0], 10)]).await;
    let signature = milepost::demo::signature_png(shipment.0 as u64);
    let sha256 = app.state.blobs.put(&signature).await.unwrap();
    let pod = milepost::store::NewPod {
        shipment,
        receiver_name: "Sam".into(),
        delivered_at: Utc::now() - Duration::minutes(5),
        location: None,
        accuracy_m: None,
        note: None,
        files: vec![milepost::store::PodFile {
            kind: "signature".into(),
            sha256: sha256.clone(),
            content_type: "image/png".into(),
            size_bytes: signature.len() as i64,
        }],
    };
    let delivered =
        event("carrier", "DELIVERED", &format!("d-{number}"), Utc::now() - Duration::minutes(5), Some(shipment));
    milepost::store::save_pod(&app.pool, tenant, &pod, delivered).await.unwrap();
    milepost::store::request_opt_in(
        &app.pool,
        tenant,
        order.id,
        "email",
        "buyer@example.com",
        "123456",
        milepost::domain::language::Language::English,
    )
    .await
    .unwrap()
    .unwrap();
    let notification = milepost::store::order_notifications(&app.pool, order.id).await.unwrap()[0].id;
    let photo = milepost::returns::store_photo(&app.state, &milepost::demo::signature_png(shipment.0 as u64 + 99))
        .await
        .unwrap();
    let line = milepost::returns::NewReturnLine {
        line: order.lines[0],
        quantity: milepost::domain::Quantity::whole(1),
        reason: milepost::domain::ReturnReason::Damaged,
        photo_sha256: Some(photo.clone()),
    };
    let new = milepost::returns::NewReturn {
        resolution: milepost::domain::returns::Resolution::Refund,
        lines: vec![line],
        comment: None,
        requested_by: milepost::returns::RequestedBy::Api,
    };
    let rma = milepost::returns::request(&app.state, tenant, order.id, new).await.unwrap().rma;
    Ids {
        order: number.to_string(),
        shipment: shipment.0.to_string(),
        sha256,
        notification: notification.to_string(),
        person,
        account: home_account.0.to_string(),
        rma: rma.to_string(),
        photo,
    }
}

async fn world() -> World {
    let app = spawn_app().await;
    let acme = tenant(&app.pool, "acme").await;
    let other = tenant(&app.pool, "other").await;
    let a = milepost::store::create_account(&app.pool, acme, "Account A", "A").await.unwrap();
    let b = milepost::store::create_account(&app.pool, acme, "Account B", "B").await.unwrap();
    let c = milepost::store::create_account(&app.pool, other, "Account C", "C").await.unwrap();
    let mut sessions = Vec::new();
    for role in Role::ALL {
        let email = format!("{}@acme.example", role.code());
        let account = if role.is_staff() { None } else { Some(a) };
        let password = person(&app.pool, acme, account, role, &email).await;
        sessions.push((role, app.sign_in("acme", &email, &password).await));
    }
    // People an admin may (or may not) manage: one per record.
    let mut people = Vec::new();
    for (tenant, account, email) in
        [(acme, a, "own@a.example"), (acme, b, "other@b.example"), (other, c, "far@c.example")]
    {
        person(&app.pool, tenant, Some(account), Buyer, email).await;
        let users = milepost::store::list_users(&app.pool, tenant).await.unwrap();
        people.push(users.iter().find(|u| u.email == email).unwrap().id.0.to_string());
    }
    // An interchange the tenant received and acknowledged.
    let ack = "ISA*00*          *00*          *ZZ*ACME           *ZZ*MATRIX         *261203*1200*U*00401*000000001*0*P*>~TA1*000000001*261203*1200*A*000~IEA*0*000000001~";
    milepost::store::record_edi_interchange(
        &app.pool,
        acme,
        "MATRIX",
        "000000001",
        b"ISA",
        &serde_json::json!([]),
        Some(ack),
        None,
        &[],
    )
    .await
    .unwrap();
    let records = vec![
        (Record::Own, record_order(&app, acme, a, "SO-A", people[0].clone(), a).await),
        (Record::OtherAccount, record_order(&app, acme, b, "SO-B", people[1].clone(), b).await),
        (Record::OtherTenant, record_order(&app, other, c, "SO-C", people[2].clone(), a).await),
    ];
    World { app, sessions, records }
}

fn fill(template: &str, ids: &Ids) -> String {
    template
        .replace("{order}", &ids.order)
        .replace("{shipment}", &ids.shipment)
        .replace("{sha256}", &ids.sha256)
        .replace("{notification}", &ids.notification)
        .replace("{person}", &ids.person)
        .replace("{account}", &ids.account)
        .replace("{rma}", &ids.rma)
        .replace("{photo}", &ids.photo)
}

async fn outcome(app: &TestApp, session: Option<&Session>, route: &Route, ids: &Ids) -> (Outcome, String) {
    let path = fill(route.path, ids);
    let fields: Vec<(String, String)> = route.fields.iter().map(|(k, v)| (k.to_string(), fill(v, ids))).collect();
    let response = match route.kind {
        Kind::Page | Kind::Download => {
            let mut request = app.client.get(format!("{}{path}", app.base_url)).header("accept", "text/html");
            if let Some(s) = session {
                request = request.header("cookie", &s.cookie);
            }
            request.send().await.unwrap()
        }
        Kind::ServerFn | Kind::Form => {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.form(session, &path, &borrowed).await
        }
        Kind::Upload => {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.multipart(session, &path, &borrowed, &[]).await
        }
    };
    let status = response.status().as_u16();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let streaming = path.ends_with("/events") && status == 200;
    let body = if streaming { String::new() } else { response.text().await.unwrap_or_default() };
    let found = match status {
        404 => Outcome::NotFound,
        403 => Outcome::Forbidden,
        302 | 303 if location.starts_with("/login") => Outcome::SignIn,
        // A server function tells its browser client to go and sign in.
        200 if route.kind == Kind::ServerFn && body == "\"SignIn\"" => Outcome::SignIn,
        200..=299 | 303 => Outcome::Allowed,
        _ => panic!("{path}: unexpected {status} {location} {body}"),
    };
    (found, format!("{status} {location}"))
}

#[tokio::test]
async fn every_role_gets_exactly_what_its_job_needs() {
    let w = world().await;
    let mut checked = 0;
    let mut wrong = Vec::new();
    let people: Vec<(Option<Role>, Option<&Session>)> =
        std::iter::once((None, None)).chain(w.sessions.iter().map(|(r, s)| (Some(*r), Some(s)))).collect();
    for route in ROUTES {
        for (record, ids) in &w.records {
            // Routes that name no record are checked once.
            let names_record = route.path.contains('{') || route.fields.iter().any(|(_, v)| v.contains('{'));
            if !names_record && *record != Record::Own {
                continue;
            }
            for (role, session) in &people {
                let want = expected(*role, route.needs, *record);
                let (got, detail) = outcome(&w.app, *session, route, ids).await;
                checked += 1;
                if got != want {
                    wrong.push(format!(
                        "{role:?} {:?} {} on {record:?}: want {want:?}, got {got:?} ({detail})",
                        route.kind, route.path
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {checked} cells wrong:\n{}", wrong.len(), wrong.join("\n"));
    assert!(checked >= 300, "{checked}");
}

#[tokio::test]
async fn the_matrix_covers_every_portal_page_and_server_function() {
    let in_matrix: BTreeSet<&str> = ROUTES.iter().map(|r| r.path).collect();
    let server_fns: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| p.starts_with("/portal/fn/") && p != "/portal/fn/sign-in-link")
        .collect();
    assert!(server_fns.len() >= 7, "{server_fns:?}");
    for path in &server_fns {
        assert!(in_matrix.contains(path.as_str()), "server function {path} is not in the matrix");
    }
    let pages: Vec<String> = leptos_axum::generate_route_list(milepost::ui::app::App)
        .iter()
        .map(|r| r.path().to_string())
        .filter(|p| p.starts_with("/portal"))
        .collect();
    assert!(pages.len() >= 7, "{pages:?}");
    for page in pages {
        let template = page.replace("{number}", "{order}").replace(":number", "{order}");
        assert!(in_matrix.contains(template.as_str()), "page {page} is not in the matrix");
    }
}

#[tokio::test]
/// API routes are for systems (keys, webhook signatures): a person's
/// cookie adds nothing to what nobody gets.
async fn a_session_cookie_opens_no_api_route_and_no_tracking_link() {
    let w = world().await;
    let spec: serde_json::Value = w.app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 15);
    for (path, methods) in paths {
        let concrete: String =
            path.split('/').map(|s| if s.starts_with('{') { "1" } else { s }).collect::<Vec<_>>().join("/");
        let concrete = if concrete.starts_with("/api/") { concrete } else { format!("/api/v1{concrete}") };
        for method in methods.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let send = |cookie: Option<&str>| {
                let mut request = w
                    .app
                    .client
                    .request(method.clone(), format!("{}{concrete}", w.app.base_url))
                    .header("origin", &w.app.base_url)
                    .json(&serde_json::json!({}));
                if let Some(cookie) = cookie {
                    request = request.header("cookie", cookie);
                }
                request.send()
            };
            let anonymous = send(None).await.unwrap().status();
            assert!(!anonymous.is_success(), "{method} {path} answered {anonymous} to nobody");
            for (role, session) in &w.sessions {
                let with_cookie = send(Some(&session.cookie)).await.unwrap().status();
                assert_eq!(with_cookie, anonymous, "{role:?} {method} {path}");
            }
        }
    }
    // Tracking-link server functions answer a cookie as they answer anybody.
    let bogus = [("token", "not-a-token"), ("address", "a@b.example"), ("code", "1")];
    for path in leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).filter(|p| !p.starts_with("/portal/")) {
        let anonymous = w.app.form(None, path, &bogus).await;
        let anonymous = (anonymous.status(), anonymous.text().await.unwrap());
        for (role, session) in &w.sessions {
            let with_cookie = w.app.form(Some(session), path, &bogus).await;
            assert_eq!((with_cookie.status(), with_cookie.text().await.unwrap()), anonymous, "{role:?} {path}");
        }
    }
}
