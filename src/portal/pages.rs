//! What each portal page's server function answers, already authorized:
//! the policy decides, the store reads only within the person's reach.

use crate::auth::session::SignedIn;
use crate::domain::edi_partner::TransactionSet;
use crate::domain::queue::{self, BuyerTemplate, QueueFacts, QueueReason, Queued};
use crate::domain::receiving::DiscrepancyReason;
use crate::domain::search::SearchQuery;
use crate::domain::{AccountId, Canonical, ExceptionKind, Milestone, OrderId};
use crate::policy::{self, Action, Decision, Role};
use crate::present::portal::{self as views, line_progress, order_row, shipment_label, time_in, timeline};
use crate::present::portal_view::*;
use crate::state::AppState;
use crate::store::{self, OrderFilter, OrderListRow, QueueCandidate, SiteRecord, StatusFilter};
use chrono::{Duration, NaiveDate, Utc};
use std::collections::HashMap;

type Page<T> = store::Result<PortalPage<T>>;

/// The signed-in person if their role may `action` at all; otherwise the
/// page to show instead.
fn allowed(signed_in: Option<SignedIn>, action: Action) -> Result<SignedIn, PortalPage<()>> {
    let signed_in = signed_in.ok_or(PortalPage::SignIn)?;
    match policy::decide_role(&signed_in.person, action) {
        Decision::Allow => Ok(signed_in),
        _ => Err(PortalPage::Forbidden),
    }
}

fn refuse<T>(page: PortalPage<()>) -> PortalPage<T> {
    match page {
        PortalPage::SignIn => PortalPage::SignIn,
        PortalPage::NotFound => PortalPage::NotFound,
        _ => PortalPage::Forbidden,
    }
}

macro_rules! allowed_or_return {
    ($signed_in:expr, $action:expr) => {
        match allowed($signed_in, $action) {
            Ok(s) => s,
            Err(page) => return Ok(refuse(page)),
        }
    };
}

async fn viewer(state: &AppState, signed_in: &SignedIn) -> store::Result<Viewer> {
    let tenant = store::get_tenant(&state.pool, signed_in.person.tenant).await?;
    Ok(views::viewer(signed_in, &tenant))
}

/// A YYYY-MM-DD date in a range the stores compare correctly as text.
fn parse_date(text: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok().filter(|d| (1970..=9999).contains(&d.year()))
}

pub async fn orders(state: &AppState, signed_in: Option<SignedIn>, query: OrdersQuery) -> Page<OrderList> {
    let signed_in = allowed_or_return!(signed_in, Action::ViewOrder);
    let now = Utc::now();
    let filter = OrderFilter {
        status: Some(query.status.trim())
            .filter(|s| STATUS_FILTERS.iter().any(|(c, _)| c == s))
            .and_then(StatusFilter::parse),
        placed_from: parse_date(&query.from).map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
        placed_before: parse_date(&query.to)
            .map(|d| (d + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
        number: Some(query.number.trim().to_string()).filter(|n| !n.is_empty()),
        today: Some(now.date_naive()),
        limit: 200,
    };
    let rows = store::list_orders(&state.pool, policy::reach(&signed_in.person), &filter).await?;
    Ok(PortalPage::Ready(OrderList {
        viewer: viewer(state, &signed_in).await?,
        rows: rows.iter().map(|r| order_row(r, now, None)).collect(),
    }))
}

pub async fn order(state: &AppState, signed_in: Option<SignedIn>, number: &str) -> Page<PortalOrder> {
    let Some(signed_in) = signed_in else { return Ok(PortalPage::SignIn) };
    let person = &signed_in.person;
    let Some((order, owner)) = store::order_owner(&state.pool, person.tenant, number).await? else {
        return Ok(PortalPage::NotFound);
    };
    match policy::decide(person, Action::ViewOrder, owner) {
        Decision::Allow => {}
        Decision::Forbidden => return Ok(PortalPage::Forbidden),
        Decision::NotFound => return Ok(PortalPage::NotFound),
    }
    let may = |action| policy::decide(person, action, owner) == Decision::Allow;
    let tenant = store::get_tenant(&state.pool, person.tenant).await?;
    let snapshot = store::order_snapshot(&state.pool, person.tenant, order).await?;
    let (received, received_shipments) = store::received_quantities(&state.pool, order).await?;
    let revisions = store::receipt_revisions(&state.pool, order).await?;
    let pods = store::order_pods(&state.pool, person.tenant, order).await?;
    let o = &snapshot.order;
    let tz = o.ship_to.time_zone;
    let staff = may(Action::ViewInternal);

    let mut shipments = Vec::new();
    for s in &snapshot.shipments {
        let (packs, items) = store::shipment_packs(&state.pool, s.id).await?;
        let packs = packs
            .iter()
            .map(|(id, _, kind, sscc, tracking)| PackLine {
                label: format!(
                    "{} {}",
                    if kind == "tare" { "Pallet" } else { "Carton" },
                    sscc.clone().or_else(|| tracking.clone()).unwrap_or_else(|| format!("#{id}"))
                ),
                items: items
                    .iter()
                    .filter(|(pack, ..)| pack == id)
                    .map(|(_, line, sku, qty)| format!("line {line} {sku} × {qty}"))
                    .collect(),
            })
            .collect();
        let pod = pods.iter().find(|p| p.shipment == s.id).filter(|_| may(Action::DownloadProofOfDelivery)).map(|p| {
            PodLinks {
                id: format!("POD-{}", p.id),
                receiver: p.receiver_name.clone(),
                when: time_in(p.delivered_at, tz),
                pdf: format!("/portal/orders/{}/shipments/{}/pod.pdf", o.order_number, s.id),
                files: p
                    .files
                    .iter()
                    .map(|f| {
                        (
                            format!("{} ({} KB)", f.kind, (f.size_bytes + 1023) / 1024),
                            format!("/portal/orders/{}/pod/{}", o.order_number, f.sha256),
                        )
                    })
                    .collect(),
            }
        });
        let correcting = received_shipments.contains(&s.id);
        let to_count = if may(Action::Receive) {
            let received = match correcting {
                true => store::shipment_receipt_lines(&state.pool, s.id).await?,
                false => Vec::new(),
            };
            store::shipment_expected_lines(&state.pool, order, s.id)
                .await?
                .into_iter()
                .map(|l| ExpectedItem {
                    order_line_id: l.order_line_id.0,
                    line_number: l.line_number,
                    sku: l.sku,
                    description: l.description,
                    quantity: l.quantity,
                    unit: l.unit,
                    received: received.iter().find(|r| r.0 == l.order_line_id).map(|r| (r.1, r.2)),
                })
                .collect()
        } else {
            Vec::new()
        };
        let corrections = revisions
            .iter()
            .filter(|r| r.shipment_id == s.id)
            .map(|r| {
                let reason = DiscrepancyReason::parse(&r.reason).map_or(r.reason.as_str(), |x| x.label());
                format!(
                    "{} · {} · {reason}: line {} ({}) counted {} → {}, damaged {} → {}",
                    time_in(r.revised_at, tz),
                    r.user_name,
                    r.line_number,
                    r.sku,
                    r.counted_before,
                    r.counted,
                    r.damaged_before,
                    r.damaged
                )
            })
            .collect();
        let receipt = views::receipt_text(&snapshot, s.id);
        shipments.push(PortalShipment {
            id: s.id.0,
            label: shipment_label(&s.carrier, &s.tracking_number),
            status: s.status_milestone.map_or("Awaiting carrier scan", |m| m.presentation().label).to_string(),
            packs,
            pod,
            receipt,
            to_count,
            correcting,
            corrections,
        });
    }

    let desk = if staff { Some(service_desk(state, &snapshot, order, tz).await?) } else { None };
    let returns = super::returns::order_returns(state, &signed_in, order, owner, &snapshot, tz).await?;
    let delivered = o.status_milestone == Some(Milestone::Delivered);
    let cancelled = o.open_exceptions.contains(ExceptionKind::Cancelled);
    let windows = store::delivery_window(&state.pool, person.tenant, order).await?;
    let on_its_way = !delivered && !cancelled;
    let today = views::today_in(tz, Utc::now());
    // The portal speaks English (staff and B2B users); the dates follow the tenant's locale.
    let english = crate::i18n::Translator::new(crate::domain::language::Language::English, tenant.locale.as_str());
    let forecast = on_its_way.then(|| crate::present::tracking::forecast_view(&windows, today, &english)).flatten();
    let late_risk = windows
        .iter()
        .find(|w| w.shipment.is_none())
        .and_then(|w| w.window.p_late)
        .filter(|_| staff && forecast.is_some())
        .map(|p| format!("{:.0}%", p * 100.0));
    // Headline and progress as the buyer's page builds them, so the two
    // never tell a different story about the same order.
    let buyer = crate::present::tracking::build_tracking_view(
        &snapshot,
        &windows,
        &tenant,
        None,
        Vec::new(),
        Utc::now(),
        &english,
    );
    Ok(PortalPage::Ready(PortalOrder {
        viewer: viewer(state, &signed_in).await?,
        number: o.order_number.clone(),
        po: o.customer_po.clone(),
        headline: buyer.headline,
        promised: o.promised_date.map(|d| d.format("%Y-%m-%d").to_string()),
        late: crate::domain::is_late(o.promised_date, delivered, today),
        forecast,
        late_risk,
        ship_to: o.ship_to.address_lines(),
        progress: buyer.progress,
        timeline: timeline(&snapshot, staff, tenant.buyers_see_condition_alerts, tz),
        lines: line_progress(&snapshot, &received),
        shipments,
        desk,
        returns,
        last_event_id: snapshot.events.iter().map(|e| e.id.0).max().unwrap_or(0),
    }))
}

async fn service_desk(
    state: &AppState,
    snapshot: &store::OrderSnapshot,
    order: crate::domain::OrderId,
    tz: crate::domain::TimeZone,
) -> store::Result<ServiceDesk> {
    let o = &snapshot.order;
    let notifications = store::order_notifications(&state.pool, order)
        .await?
        .into_iter()
        .map(|n| NotificationItem {
            id: n.id,
            channel: n.channel,
            recipient: n.recipient,
            trigger: n.trigger,
            state: n.state,
        })
        .collect();
    let tracking_links = store::order_tracking_links(&state.pool, order)
        .await?
        .into_iter()
        .map(|(id, created, expires, revoked)| {
            let state_text = match (revoked, expires) {
                (Some(at), _) => format!("revoked {}", time_in(at, tz)),
                (None, Some(at)) if at < Utc::now() => format!("expired {}", time_in(at, tz)),
                (None, Some(at)) => format!("live until {}", time_in(at, tz)),
                (None, None) => "live".to_string(),
            };
            format!("Link #{id}, issued {}: {state_text}", time_in(created, tz))
        })
        .collect();
    let open_exceptions = o
        .open_exceptions
        .0
        .iter()
        .map(|&k| (Canonical::Resolved(k).code(), format!("Resolve: {}", k.presentation().label)))
        .collect();
    let statuses = Milestone::ALL
        .into_iter()
        .map(|m| (Canonical::Milestone(m).code(), format!("Set: {}", m.presentation().label)))
        .chain(
            ExceptionKind::ALL
                .into_iter()
                .map(|k| (Canonical::Exception(k).code(), format!("Raise: {}", k.presentation().label))),
        )
        .collect();
    let audit = store::order_audit(&state.pool, order)
        .await?
        .into_iter()
        .map(|a| AuditItem {
            when: time_in(a.at, tz),
            who: a.user_name.unwrap_or_default(),
            action: a.action,
            detail: a.detail,
        })
        .collect();
    let contact =
        [o.contact_name.clone(), o.contact_email.clone(), o.contact_phone.clone()].into_iter().flatten().collect();
    Ok(ServiceDesk { contact, notifications, tracking_links, open_exceptions, statuses, audit })
}

/// A site's key in the URL: name and postcode (what tells two docks apart).
pub fn site_key(site: &SiteRecord) -> String {
    format!("{}|{}", site.name, site.postcode)
}

pub async fn inbound(state: &AppState, signed_in: Option<SignedIn>, site: &str) -> Page<InboundBoard> {
    let signed_in = allowed_or_return!(signed_in, Action::ViewInbound);
    let reach = policy::reach(&signed_in.person);
    let sites = store::sites(&state.pool, reach).await?;
    let chosen = sites.iter().find(|s| site_key(s) == site).or(sites.first()).cloned();
    let now = Utc::now();
    let mut board = InboundBoard {
        viewer: viewer(state, &signed_in).await?,
        sites: sites.iter().map(|s| (site_key(s), s.label())).collect(),
        site: chosen.as_ref().map(site_key),
        late: vec![],
        today: vec![],
        this_week: vec![],
        later: vec![],
        to_receive: vec![],
        expected_returns: vec![],
    };
    let Some(site) = chosen else { return Ok(PortalPage::Ready(board)) };
    for row in store::inbound_orders(&state.pool, reach, &site).await? {
        let today = views::today_in(row.ship_to_time_zone, now);
        let view = order_row(&row, now, None);
        match row.promised_date {
            Some(d) if d < today => board.late.push(view),
            Some(d) if d == today => board.today.push(view),
            Some(d) if d < today + Duration::days(7) => board.this_week.push(view),
            _ => board.later.push(view),
        }
    }
    board.to_receive = store::awaiting_receipt(&state.pool, reach, &site)
        .await?
        .into_iter()
        .map(|a| (a.order_number, shipment_label(&a.carrier, &a.tracking_number)))
        .collect();
    board.expected_returns = super::returns::expected_back(state, reach, &site).await?;
    Ok(PortalPage::Ready(board))
}

/// `[from, to]` as dates (default: the last 30 days) and as instants `[from, to + 1 day)`.
pub fn date_range(from: &str, to: &str) -> (NaiveDate, NaiveDate, chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let today = Utc::now().date_naive();
    let to = parse_date(to).unwrap_or(today);
    let from = parse_date(from).unwrap_or(to - Duration::days(30)).min(to);
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let end = (to + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (from, to, start, end)
}

pub async fn deliveries(state: &AppState, signed_in: Option<SignedIn>, from: &str, to: &str) -> Page<DeliveriesPage> {
    let signed_in = allowed_or_return!(signed_in, Action::ExportDeliveries);
    let (from, to, start, end) = date_range(from, to);
    let rows = store::deliveries(&state.pool, policy::reach(&signed_in.person), start, end).await?;
    let query = format!("from={from}&to={to}");
    Ok(PortalPage::Ready(DeliveriesPage {
        viewer: viewer(state, &signed_in).await?,
        from: from.to_string(),
        to: to.to_string(),
        rows: rows
            .into_iter()
            .map(|r| DeliveryLine {
                pod_pdf: r
                    .pod_id
                    .map(|_| format!("/portal/orders/{}/shipments/{}/pod.pdf", r.order_number, r.shipment_id)),
                order_number: r.order_number,
                po: r.customer_po,
                shipment: shipment_label(&r.carrier, &r.tracking_number),
                delivered_quantity: r.counted_quantity.unwrap_or(r.shipped_quantity),
                delivered_at: r.delivered_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                pod: r.pod_id.map(|id| format!("POD-{id}")),
                receiver: r.receiver_name,
                shortage: r.shortage,
            })
            .collect(),
        csv_href: format!("/portal/deliveries.csv?{query}"),
        zip_href: format!("/portal/deliveries.zip?{query}"),
    }))
}

pub async fn search(state: &AppState, signed_in: Option<SignedIn>, q: &str) -> Page<OrderList> {
    let signed_in = allowed_or_return!(signed_in, Action::SearchAllOrders);
    let now = Utc::now();
    let rows = match SearchQuery::parse(q) {
        Some(query) => store::search_orders(&state.pool, policy::reach(&signed_in.person), &query, 50).await?,
        None => Vec::new(),
    };
    // A WISMO indicator for the KPI dashboard: about one order if it found one.
    if !q.trim().is_empty() {
        let order = match rows.as_slice() {
            [only] => Some(only.order.id),
            _ => None,
        };
        crate::kpis::record(state, signed_in.person.tenant, order, store::kpis::Signal::CsSearch);
    }
    Ok(PortalPage::Ready(OrderList {
        viewer: viewer(state, &signed_in).await?,
        rows: rows
            .iter()
            .map(|h| order_row(&h.order, now, Some(format!("matched on {}", h.matched.label()))))
            .collect(),
    }))
}

/// Customer service's work queue: every order that needs someone, why,
/// for how long and how much time is left, counted per reason, filtered,
/// grouped and most urgent first.
pub async fn exceptions(state: &AppState, signed_in: Option<SignedIn>, query: QueueQuery) -> Page<QueuePage> {
    let signed_in = allowed_or_return!(signed_in, Action::SearchAllOrders);
    let tenant_id = signed_in.person.tenant;
    let now = Utc::now();
    let hours = query.hours.unwrap_or(DEFAULT_STUCK_HOURS).clamp(1, 24 * 90);
    let tenant = store::get_tenant(&state.pool, tenant_id).await?;
    let today = views::today_in(tenant.time_zone, now);
    let candidates = store::queue_candidates(&state.pool, tenant_id, today, now - Duration::hours(hours)).await?;
    let targets = store::queue_targets(&state.pool, tenant_id).await?;
    let target_for = |reason: QueueReason| targets.get(&reason).copied().unwrap_or(reason.default_target());
    let queued: Vec<(QueueCandidate, Queued)> = candidates
        .into_iter()
        .filter_map(|c| {
            let facts = QueueFacts {
                open_exceptions: c.open_exceptions.clone(),
                exception_since: c.exception_since,
                promised_date: c.promised_date,
                delivered: c.status_milestone == Some(Milestone::Delivered),
                placed_at: c.placed_at,
                last_event_at: c.last_event_at,
                ship_to_zone: c.ship_to_time_zone,
            };
            let q = queue::classify(&facts, today, Duration::hours(hours), now, target_for, tenant.time_zone)?;
            Some((c, q))
        })
        .collect();

    let mut carriers: Vec<String> = queued.iter().filter_map(|(c, _)| c.carrier.clone()).collect();
    carriers.sort();
    carriers.dedup();
    let account_names: HashMap<AccountId, String> =
        store::accounts(&state.pool, tenant_id).await?.into_iter().collect();
    let account_of = |c: &QueueCandidate| c.account_id.and_then(|a| account_names.get(&a)).cloned();
    let mut accounts: Vec<String> = queued.iter().filter_map(|(c, _)| account_of(c)).collect();
    accounts.sort();
    accounts.dedup();
    let staff: Vec<(i64, String)> = store::list_users(&state.pool, tenant_id)
        .await?
        .into_iter()
        .filter(|u| !u.disabled && u.role.parse::<Role>().is_ok_and(|r| r.is_staff()))
        .map(|u| (u.id.0, u.name))
        .collect();
    let owner_of = |c: &QueueCandidate| {
        c.assigned_to.map(|u| {
            staff.iter().find(|(id, _)| *id == u.0).map_or_else(|| "a former colleague".into(), |s| s.1.clone())
        })
    };

    // Every filter but the reason, so the counts say what each reason would show.
    fn wanted(text: &Option<String>) -> Option<&str> {
        text.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }
    let me = signed_in.person.id;
    let in_view = |(c, q): &(QueueCandidate, Queued)| {
        wanted(&query.carrier).is_none_or(|w| c.carrier.as_deref() == Some(w))
            && wanted(&query.account).is_none_or(|w| account_of(c).as_deref() == Some(w))
            && match wanted(&query.owner) {
                None => true,
                Some("me") => c.assigned_to == Some(me),
                Some("nobody") => c.assigned_to.is_none(),
                Some(id) => c.assigned_to.map(|u| u.0.to_string()).as_deref() == Some(id),
            }
            && query.age.is_none_or(|h| now - q.opened_at >= Duration::hours(h))
    };
    let mut rows: Vec<&(QueueCandidate, Queued)> = queued.iter().filter(|r| in_view(r)).collect();
    let counts = QueueReason::all()
        .into_iter()
        .map(|reason| {
            let of_reason = rows.iter().filter(|(_, q)| q.reason == reason);
            QueueCount {
                code: reason.code().into(),
                label: reason.label().into(),
                count: of_reason.clone().count(),
                overdue: of_reason.filter(|(_, q)| q.due < now).count(),
                target: target_for(reason).to_string(),
            }
        })
        .collect();
    if let Some(reason) = wanted(&query.reason).and_then(|r| r.parse::<QueueReason>().ok()) {
        rows.retain(|(_, q)| q.reason == reason);
    }

    let group_of = |(c, q): &(QueueCandidate, Queued)| -> (usize, String) {
        match query.group.as_deref().unwrap_or("reason") {
            "none" => (0, String::new()),
            "carrier" => (0, c.carrier.clone().unwrap_or_else(|| "No carrier yet".into())),
            "account" => (0, account_of(c).unwrap_or_else(|| "No account".into())),
            "owner" => (0, owner_of(c).unwrap_or_else(|| "Nobody".into())),
            _ => (QueueReason::all().iter().position(|r| *r == q.reason).unwrap_or(0), q.reason.label().into()),
        }
    };
    // Most urgent first inside each group: the least time left.
    rows.sort_by_key(|r| (group_of(r), r.1.due, r.0.id));
    let matching = rows.len();
    const LIMIT: usize = 200;
    // Only the listed orders are read in full.
    let ids: Vec<OrderId> = rows.iter().take(LIMIT).map(|(c, _)| c.id).collect();
    let listed: HashMap<OrderId, OrderListRow> =
        store::orders_by_id(&state.pool, policy::reach(&signed_in.person), &ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
    let mut groups: Vec<QueueGroup> = Vec::new();
    for row in rows.iter().take(LIMIT) {
        let (c, q) = row;
        let Some(order) = listed.get(&c.id) else { continue };
        let title = group_of(row).1;
        let left = q.time_left(now);
        let also: Vec<&str> = c
            .open_exceptions
            .0
            .iter()
            .filter(|k| QueueReason::Exception(**k) != q.reason)
            .map(|k| k.presentation().label)
            .collect();
        let item = QueueItem {
            number: order.order_number.clone(),
            headline: order.status_headline.clone(),
            reason: q.reason.label().into(),
            also: (!also.is_empty()).then(|| format!("Also: {}", also.join(", "))),
            age: queue::short_duration(now - q.opened_at),
            due: format!(
                "{} · due {}",
                match left < Duration::zero() {
                    true => format!("overdue by {}", queue::short_duration(left)),
                    false => format!("{} left", queue::short_duration(left)),
                },
                tenant.time_zone.local(q.due).format("%a %H:%M")
            ),
            overdue: left < Duration::zero(),
            carrier: c.carrier.clone(),
            account: order.account_name.clone(),
            owner: owner_of(c),
            promised: order.promised_date.map(|d| d.format("%Y-%m-%d").to_string()),
            ship_to: order.site.one_line(),
        };
        match groups.last_mut() {
            Some(group) if group.title == title => group.items.push(item),
            _ => groups.push(QueueGroup { title, items: vec![item] }),
        }
    }
    let admin = policy::decide_role(&signed_in.person, Action::ManageUsers) == Decision::Allow;
    Ok(PortalPage::Ready(QueuePage {
        viewer: views::viewer(&signed_in, &tenant),
        query,
        counts,
        matching,
        groups,
        limited_to: (matching > LIMIT).then_some(LIMIT),
        carriers,
        accounts,
        staff,
        templates: BuyerTemplate::ALL.iter().map(|t| (t.trigger().to_string(), t.label().to_string())).collect(),
        targets: admin.then(|| {
            QueueReason::all()
                .into_iter()
                .map(|r| {
                    let t = target_for(r);
                    (r.code().to_string(), r.label().to_string(), t.hours, t.working_hours)
                })
                .collect()
        }),
    }))
}

pub async fn people(state: &AppState, signed_in: Option<SignedIn>) -> Page<PeoplePage> {
    let signed_in = allowed_or_return!(signed_in, Action::ManageUsers);
    let tenant = signed_in.person.tenant;
    let people = store::list_users(&state.pool, tenant)
        .await?
        .into_iter()
        .filter_map(|u| {
            Some(PersonRow {
                id: u.id.0,
                role: u.role.parse().ok()?,
                name: u.name,
                email: u.email,
                account: u.account_name,
                status: if u.disabled {
                    "disabled"
                } else if u.has_password {
                    "active"
                } else {
                    "invited"
                }
                .to_string(),
            })
        })
        .collect();
    let accounts = store::accounts(&state.pool, tenant).await?.into_iter().map(|(id, name)| (id.0, name)).collect();
    Ok(PortalPage::Ready(PeoplePage { viewer: viewer(state, &signed_in).await?, people, accounts }))
}

/// Trading-partner profiles, the form (a new one, or `edit`'s profile) and
/// the latest interchanges with their acknowledgments.
/// `edit` names a partner to edit; `draft` is a refused form as typed,
/// shown again so nothing typed is lost.
pub async fn edi_partners(
    state: &AppState,
    signed_in: Option<SignedIn>,
    edit: &str,
    draft: &str,
) -> Page<PartnersPage> {
    let signed_in = allowed_or_return!(signed_in, Action::ManageEdiPartners);
    let tenant = store::get_tenant(&state.pool, signed_in.person.tenant).await?;
    let profiles = store::edi_partners(&state.pool, tenant.id).await?;
    let typed = crate::portal::edi_partners::PartnerForm::from_draft(draft).filter(|_| !draft.is_empty());
    // A refused form for a partner that exists is still an edit of it.
    let editing_id = typed.as_ref().map_or(edit.trim(), |t| t.sender_id.trim());
    let edited = profiles.iter().find(|p| !editing_id.is_empty() && p.sender_id == editing_id);
    let interchanges = store::recent_edi_interchanges(&state.pool, tenant.id, 50).await?;
    let mut partners = Vec::new();
    for p in &profiles {
        let secret = match p.ack_url {
            Some(_) => store::edi_partner_ack_secret(&state.pool, &state.secret_key, tenant.id, &p.sender_id).await?,
            None => None,
        };
        partners.push(views::partner_row(p, secret, tenant.time_zone));
    }
    Ok(PortalPage::Ready(PartnersPage {
        viewer: views::viewer(&signed_in, &tenant),
        partners,
        form: match typed {
            Some(typed) => typed.fields(),
            None => edited.map(views::partner_fields).unwrap_or_else(views::new_partner_fields),
        },
        editing: edited.is_some(),
        set_choices: TransactionSet::ALL.iter().map(|s| (s.id().to_string(), s.label().to_string())).collect(),
        interchanges: interchanges.iter().map(|i| views::interchange_row(i, tenant.time_zone)).collect(),
    }))
}

/// The return policy page, for administrators.
pub async fn return_policy(
    state: &AppState,
    signed_in: Option<SignedIn>,
) -> Page<crate::present::portal_returns_view::ReturnPolicyPage> {
    let signed_in = allowed_or_return!(signed_in, Action::ManageReturnPolicy);
    let tenant = store::get_tenant(&state.pool, signed_in.person.tenant).await?;
    let settings = store::returns::return_settings(&state.pool, tenant.id).await?;
    let sites = store::kpis::dimension_values(&state.pool, tenant.id, crate::domain::kpi::Dim::ShipFrom)
        .await?
        .into_iter()
        .filter(|s| s != "*" && !s.trim().is_empty())
        .collect();
    let viewer = views::viewer(&signed_in, &tenant);
    Ok(PortalPage::Ready(crate::present::portal_returns::return_policy_page(
        viewer,
        &settings,
        sites,
        tenant.time_zone,
    )))
}

/// Whose a one-time link is, for the page that asks before using it:
/// (name, is an invitation).
pub async fn sign_in_link(state: &AppState, token: &str) -> store::Result<Option<(String, bool)>> {
    let found = store::peek_sign_in_link(&state.pool, &crate::auth::session::link_hash(token), Utc::now()).await?;
    Ok(found.map(|(person, purpose)| (person.name, purpose == store::LinkPurpose::Invite)))
}
