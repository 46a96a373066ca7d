//! The KPI dashboard for a tenant's administrators and customer service:
//! filters (date range, carrier, lane, ship-from, account), headline
//! figures, weekly trend charts and the scorecards, each table with its
//! CSV. Everything comes from the rollups through `kpis::report`.

use super::portal::{render, PortalShell, STACK_BODY, STACK_CELL, STACK_HEAD, STACK_ROW, STACK_TABLE};
use crate::domain::kpi::{KpiReport, Rate, ScorecardRow, Spread};
use crate::present::portal_view::{PortalPage, Viewer};
use crate::ui::components::trend_chart::{TrendChart, Unit};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the page shows: the report, or the filter that was wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub viewer: Viewer,
    pub filters: Filters,
    /// The filters as a query string, for the CSV links.
    pub query: String,
    pub report: Option<KpiReport>,
    /// Returns in the same dates (the other filters do not apply).
    pub returns: Option<ReturnsFigures>,
    /// (field, sentence) when a filter could not be read.
    pub problem: Option<(String, String)>,
    pub carriers: Vec<String>,
    pub lanes: Vec<String>,
    pub sites: Vec<String>,
    /// (external reference, name)
    pub accounts: Vec<(String, String)>,
}

/// The returns figures of the dashboard's dates: returns requested over
/// units delivered, why, and how long settling took.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnsFigures {
    pub returns: usize,
    pub returned_units: f64,
    pub delivered_units: f64,
    pub rate: Option<f64>,
    /// (reason as the buyer read it, lines, units), most frequent first.
    pub top_reasons: Vec<(String, usize, f64)>,
    pub by_sku: Vec<ReturnsRow>,
    pub by_carrier: Vec<ReturnsRow>,
    /// Returns refunded or credited in the dates, and the median hours
    /// from their request to the money.
    pub settled: usize,
    pub median_hours_to_refund: Option<f64>,
}

/// One SKU's or one carrier's returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnsRow {
    pub key: String,
    pub delivered_units: f64,
    pub returned_units: f64,
    pub rate: Option<f64>,
    /// The top reasons, "Arrived damaged 3, Doesn't work 1".
    pub reasons: String,
}

/// The filters as typed, sent back into the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub from: String,
    pub to: String,
    pub carrier: String,
    pub lane: String,
    pub ship_from: String,
    pub account: String,
}

#[server(prefix = "/portal/fn", endpoint = "dashboard")]
pub async fn kpi_dashboard(filters: Filters) -> Result<PortalPage<DashboardView>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(server::load(&state, signed_in, filters).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{DashboardView, Filters, ReturnsFigures, ReturnsRow};
    use crate::auth::session::SignedIn;
    use crate::domain::kpi::Dim;
    use crate::domain::returns::ReasonCount;
    use crate::kpis::{FilterError, FilterInput};
    use crate::policy::{self, Action, Decision};
    use crate::present::portal_view::PortalPage;
    use crate::state::AppState;
    use crate::store;

    pub async fn load(
        state: &AppState,
        signed_in: Option<SignedIn>,
        filters: Filters,
    ) -> store::Result<PortalPage<DashboardView>> {
        let Some(signed_in) = signed_in else { return Ok(PortalPage::SignIn) };
        if policy::decide_role(&signed_in.person, Action::ViewKpis) != Decision::Allow {
            return Ok(PortalPage::Forbidden);
        }
        let tenant = signed_in.person.tenant;
        let record = store::get_tenant(&state.pool, tenant).await?;
        let viewer = crate::present::portal::viewer(&signed_in, &record);
        let given = |v: &String| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let input = FilterInput {
            from: given(&filters.from),
            to: given(&filters.to),
            carrier: given(&filters.carrier),
            lane: given(&filters.lane),
            ship_from: given(&filters.ship_from),
            account: given(&filters.account),
        };
        let today = chrono::Utc::now().date_naive();
        let (report, returns, problem, shown) = match input.parse(&state.pool, tenant, today).await {
            Ok(filter) => {
                let report = crate::kpis::report(&state.pool, tenant, &filter, input.account_ref()).await?;
                let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
                let to = midnight(filter.to + chrono::Duration::days(1));
                let returns = store::returns::return_kpis(&state.pool, tenant, midnight(filter.from), to).await?;
                let shown = Filters { from: filter.from.to_string(), to: filter.to.to_string(), ..filters.clone() };
                (Some(report), Some(returns_figures(&returns)), None, shown)
            }
            Err(FilterError::Bad(bad)) => (None, None, Some((bad.field.to_string(), bad.message)), filters.clone()),
            Err(FilterError::Store(e)) => return Err(e),
        };
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [
                    ("from", &shown.from),
                    ("to", &shown.to),
                    ("carrier", &shown.carrier),
                    ("lane", &shown.lane),
                    ("ship_from", &shown.ship_from),
                    ("account", &shown.account),
                ]
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty()),
            )
            .finish();
        let values = |dim| store::kpis::dimension_values(&state.pool, tenant, dim);
        let accounts = store::kpis::account_choices(&state.pool, tenant).await?;
        Ok(PortalPage::Ready(DashboardView {
            viewer,
            filters: shown,
            query,
            report,
            returns,
            problem,
            carriers: values(Dim::Carrier).await?,
            lanes: values(Dim::Lane).await?,
            sites: values(Dim::ShipFrom).await?,
            accounts,
        }))
    }

    /// How many rows each returns table lists: the most returned.
    const RETURNS_ROWS: usize = 10;

    fn returns_figures(k: &store::returns::ReturnKpis) -> ReturnsFigures {
        let reasons = |reasons: &[ReasonCount]| {
            reasons.iter().map(|r| format!("{} {}", r.reason.label(), r.units)).collect::<Vec<_>>().join(", ")
        };
        let rows = |rows: &[store::returns::ReturnsBreakdown]| {
            rows.iter()
                .filter(|r| !r.returned_units.is_zero())
                .take(RETURNS_ROWS)
                .map(|r| ReturnsRow {
                    key: r.key.clone(),
                    delivered_units: r.delivered_units.as_f64(),
                    returned_units: r.returned_units.as_f64(),
                    rate: r.returns_rate,
                    reasons: reasons(&r.top_reasons),
                })
                .collect()
        };
        ReturnsFigures {
            returns: k.returns,
            returned_units: k.returned_units.as_f64(),
            delivered_units: k.delivered_units.as_f64(),
            rate: k.returns_rate,
            top_reasons: k
                .top_reasons
                .iter()
                .map(|r| (r.reason.label().to_string(), r.lines, r.units.as_f64()))
                .collect(),
            by_sku: rows(&k.by_sku),
            by_carrier: rows(&k.by_carrier),
            settled: k.settled,
            median_hours_to_refund: k.median_time_to_refund.map(|d| d.num_seconds() as f64 / 3600.0),
        }
    }
}

fn pct(rate: &Rate) -> String {
    match rate.rate {
        Some(r) => format!("{:.0}%", r * 100.0),
        None => "not enough data".into(),
    }
}

fn hours(value: Option<f64>) -> String {
    value.map(|v| Unit::Hours.format(v)).unwrap_or_else(|| "—".into())
}

fn spread(s: &Spread) -> String {
    if s.count == 0 {
        return "not enough data".into();
    }
    format!("{} / {}", hours(s.p50), hours(s.high))
}

fn number(value: Option<f64>, digits: usize) -> String {
    value.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "—".into())
}

fn unknown(name: &str, what: &'static str) -> String {
    if name.trim().is_empty() {
        format!("({what})")
    } else {
        name.to_string()
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            Filters {
                from: get("from"),
                to: get("to"),
                carrier: get("carrier"),
                lane: get("lane"),
                ship_from: get("ship_from"),
                account: get("account"),
            }
        })
    };
    let page = Resource::new(filters, kpi_dashboard);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                render(page.await, |d| view! {
                    <PortalShell viewer=d.viewer.clone() title="KPI dashboard".into()>
                        <FilterForm d=d.clone()/>
                        {match (d.report.clone(), d.problem.clone()) {
                            (Some(report), _) => view! {
                                <Report report query=d.query.clone()/>
                                {d.returns.clone().map(|r| view! { <Returns r/> })}
                            }.into_any(),
                            (None, Some((field, message))) => view! {
                                <p role="alert" data-testid="filter-error" class="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-red-900">
                                    {format!("{field}: {message}")}
                                </p>
                            }.into_any(),
                            (None, None) => ().into_any(),
                        }}
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn FilterForm(d: DashboardView) -> impl IntoView {
    let f = d.filters.clone();
    let select = |name: &'static str, label: &'static str, options: Vec<(String, String)>, chosen: String| {
        view! {
            <label class="text-sm">{label}
                <select class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" name=name>
                    <option value="" selected=chosen.is_empty()>"All"</option>
                    {options.into_iter().map(|(value, text)| {
                        let selected = value == chosen;
                        view! { <option value=value selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    // An empty value is "All" in the query, so rows without a carrier,
    // lane or site cannot be picked on their own (the tables still show
    // them as "(unknown)"); offering them would select two options at once.
    let plain = |values: Vec<String>| {
        values.into_iter().filter(|v| v != "*" && !v.trim().is_empty()).map(|v| (v.clone(), v)).collect::<Vec<_>>()
    };
    view! {
        <form method="get" action="/portal/dashboard" data-testid="kpi-filters"
            class="grid grid-cols-2 gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-4 lg:grid-cols-7">
            <label class="text-sm">"From"
                <input class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" type="date" name="from" value=f.from.clone()/>
            </label>
            <label class="text-sm">"To"
                <input class="mt-1 block w-full rounded border border-slate-300 px-2 py-1" type="date" name="to" value=f.to.clone()/>
            </label>
            {select("carrier", "Carrier", plain(d.carriers.clone()), f.carrier.clone())}
            {select("lane", "Lane", plain(d.lanes.clone()), f.lane.clone())}
            {select("ship_from", "Ship-from", plain(d.sites.clone()), f.ship_from.clone())}
            {select("account", "Account", d.accounts.clone(), f.account.clone())}
            <div class="flex items-end">
                <button class="w-full rounded bg-slate-900 px-3 py-1.5 text-white">"Apply"</button>
            </div>
        </form>
    }
}

#[component]
fn Tile(label: &'static str, value: String, detail: String) -> impl IntoView {
    view! {
        <div class="rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200" data-testid="kpi-tile">
            <div class="text-xs uppercase tracking-wide text-slate-500">{label}</div>
            <div class="mt-1 text-xl font-semibold text-slate-900">{value}</div>
            <div class="text-xs text-slate-500">{detail}</div>
        </div>
    }
}

#[component]
fn Section(title: &'static str, csv: Option<String>, children: Children) -> impl IntoView {
    view! {
        <section class="space-y-2">
            <div class="flex items-baseline justify-between gap-2">
                <h2 class="text-lg font-semibold">{title}</h2>
                {csv.map(|href| view! {
                    <a class="rounded border border-slate-300 px-2 py-1 text-sm" rel="external" download href=href>"CSV"</a>
                })}
            </div>
            <div class="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">{children()}</div>
        </section>
    }
}

#[component]
fn Report(report: KpiReport, query: String) -> impl IntoView {
    let csv = move |table: &str| Some(format!("/portal/dashboard/csv/{table}?{query}"));
    let s = report.summary.clone();
    let weeks: Vec<String> = report.weekly.iter().map(|w| w.week.format("%d %b").to_string()).collect();
    let series = |f: fn(&crate::domain::kpi::WeekPoint) -> Option<f64>| report.weekly.iter().map(f).collect::<Vec<_>>();
    let counts = |r: &Rate| format!("{} of {}", r.numerator, r.denominator);
    view! {
        <p class="text-sm text-slate-600">
            {format!("Weeks {} to {} (Monday to Sunday, UTC). ", report.from, report.to)}
            <a class="underline" rel="external" download href=csv("summary").unwrap_or_default()>"Summary CSV"</a>
        </p>
        <div class="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
            <Tile label="On-time delivery" value=pct(&s.on_time) detail=counts(&s.on_time)/>
            <Tile label="Promise accuracy" value=pct(&s.promise_accuracy) detail=format!("{} with a window", s.promise_accuracy.denominator)/>
            <Tile label="Click-to-door p50 / p90" value=spread(&s.click_to_door_hours) detail=format!("{} delivered", s.delivered)/>
            <Tile label="Handling p50 / p90" value=spread(&s.handling_hours) detail=format!("{} handed over", s.handling_hours.count)/>
            <Tile label="Exceptions / 1,000 orders" value=number(s.exceptions_per_1000_orders, 0) detail=format!("{} of {} orders", s.exceptions, s.orders)/>
            <Tile label="First-attempt delivery" value=pct(&s.first_attempt) detail=counts(&s.first_attempt)/>
        </div>
        <div class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <TrendChart title="On-time delivery".into() weeks=weeks.clone() values=series(|w| w.on_time_rate) unit=Unit::Share/>
            <TrendChart title="Promise accuracy".into() weeks=weeks.clone() values=series(|w| w.promise_accuracy) unit=Unit::Share/>
            <TrendChart title="Click-to-door p50".into() weeks=weeks.clone() values=series(|w| w.click_to_door_p50_hours) unit=Unit::Hours/>
            <TrendChart title="Exceptions per 1,000 orders".into() weeks=weeks.clone() values=series(|w| w.exceptions_per_1000_orders) unit=Unit::Number/>
            <TrendChart title="Tracking views per order".into() weeks=weeks.clone() values=series(|w| w.tracking_views_per_order) unit=Unit::Number/>
            <TrendChart title="Orders".into() weeks=weeks values=series(|w| Some(w.orders as f64)) unit=Unit::Number/>
        </div>
        <Section title="Carriers" csv=csv("carriers")><Scorecard rows=report.carriers.clone() what="carrier" missing="not shipped"/></Section>
        <Section title="Lanes" csv=csv("lanes")><Scorecard rows=report.lanes.clone() what="lane" missing="unknown"/></Section>
        <Section title="Ship-from performance" csv=csv("ship_from")><Scorecard rows=report.ship_from.clone() what="ship-from" missing="unknown"/></Section>
        <Section title="Exceptions" csv=csv("exceptions")>
            <table class=STACK_TABLE data-testid="kpi-exceptions">
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                    <th class="px-3 py-2">"Type"</th><th class="px-3 py-2">"Opened"</th><th class="px-3 py-2">"Per 1,000 orders"</th>
                    <th class="px-3 py-2">"Resolved"</th><th class="px-3 py-2">"Time to resolve p50 / p90"</th>
                </tr></thead>
                <tbody class=STACK_BODY>
                    {report.exceptions.iter().map(|e| view! {
                        <tr class=STACK_ROW>
                            <td class=STACK_CELL data-label="Type">{e.label.clone()}</td><td class=STACK_CELL data-label="Opened">{e.opened}</td>
                            <td class=STACK_CELL data-label="Per 1,000 orders">{number(e.per_1000_orders, 1)}</td><td class=STACK_CELL data-label="Resolved">{e.resolved}</td>
                            <td class=STACK_CELL data-label="Time to resolve p50 / p90">{spread(&e.time_to_resolve_hours)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Section>
        <div class="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Tile label="Tracking views / order" value=number(s.tracking_views_per_order, 2) detail=format!("{} views", s.tracking_views)/>
            <Tile label="CS searches / order" value=number(s.cs_searches_per_order, 2) detail=format!("{} searches", s.cs_searches)/>
            <Tile label="Notes / order" value=number(s.notes_per_order, 2) detail=format!("{} notes", s.notes)/>
            <Tile label="Update sign-ups" value=s.notification_signups.to_string() detail="on tracking pages".to_string()/>
        </div>
        <Section title="Status accuracy and event latency" csv=csv("event_quality")>
            <table class=STACK_TABLE data-testid="kpi-event-quality">
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                    <th class="px-3 py-2">"Source"</th><th class="px-3 py-2">"Events"</th><th class="px-3 py-2">"Unmapped"</th>
                    <th class="px-3 py-2">"Out of order"</th><th class="px-3 py-2">"Backdated"</th><th class="px-3 py-2">"Latency p50 / p95"</th>
                </tr></thead>
                <tbody class=STACK_BODY>
                    {report.event_quality.iter().map(|q| {
                        let latency = if q.latency_seconds.count == 0 { "—".to_string() } else {
                            format!("{} / {}", seconds(q.latency_seconds.p50), seconds(q.latency_seconds.high))
                        };
                        view! {
                            <tr class=STACK_ROW>
                                <td class=STACK_CELL data-label="Source">{q.source.clone()}</td><td class=STACK_CELL data-label="Events">{q.events}</td>
                                <td class=STACK_CELL data-label="Unmapped">{pct(&q.unmapped)}</td><td class=STACK_CELL data-label="Out of order">{pct(&q.out_of_order)}</td>
                                <td class=STACK_CELL data-label="Backdated">{pct(&q.backdated)}</td><td class=STACK_CELL data-label="Latency p50 / p95">{latency}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </Section>
        <Section title="Notifications" csv=csv("notifications")>
            <table class=STACK_TABLE data-testid="kpi-notifications">
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                    <th class="px-3 py-2">"Channel"</th><th class="px-3 py-2">"Queued"</th><th class="px-3 py-2">"Sent"</th>
                    <th class="px-3 py-2">"Failed"</th><th class="px-3 py-2">"Failure rate"</th>
                </tr></thead>
                <tbody class=STACK_BODY>
                    {report.notifications.iter().map(|n| view! {
                        <tr class=STACK_ROW>
                            <td class=STACK_CELL data-label="Channel">{n.channel.clone()}</td><td class=STACK_CELL data-label="Queued">{n.queued}</td>
                            <td class=STACK_CELL data-label="Sent">{n.sent}</td><td class=STACK_CELL data-label="Failed">{n.failed}</td>
                            <td class=STACK_CELL data-label="Failure rate">{pct(&n.failure_rate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Section>
        <p class="text-xs text-slate-500">
            "Lane, ship-from and account filters do not apply to event quality (by source and carrier) or notifications (by channel). Percentiles are read from fixed buckets. Rolled up to event "
            {report.rolled_up_to_event} "."
        </p>
    }
}

/// A share of units as a percentage, "—" when nothing was delivered.
fn share(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{:.1} %", v * 100.0))
}

/// The top reason's units, and how many others have as many (a tie is
/// no "top").
fn top_reason_detail(reasons: &[(String, usize, f64)]) -> String {
    let Some((_, lines, units)) = reasons.first() else { return String::new() };
    match reasons.iter().skip(1).filter(|r| (r.1, r.2) == (*lines, *units)).count() {
        0 => format!("{units} units"),
        tied => format!("{units} units, tied with {tied} more"),
    }
}

#[component]
fn Returns(r: ReturnsFigures) -> impl IntoView {
    let reasons = r
        .top_reasons
        .iter()
        .map(|(label, lines, units)| format!("{label}: {units} units on {lines} lines"))
        .collect::<Vec<_>>();
    let table = |rows: Vec<ReturnsRow>, what: &'static str, missing: &'static str| {
        if rows.is_empty() {
            return view! { <p class="p-3 text-sm text-slate-600">"Nothing returned in these dates."</p> }.into_any();
        }
        view! {
            <table class=STACK_TABLE data-testid=format!("returns-by-{what}")>
                <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                    <th class="px-3 py-2">{what}</th><th class="px-3 py-2">"Delivered units"</th><th class="px-3 py-2">"Returned units"</th>
                    <th class="px-3 py-2">"Returns rate"</th><th class="px-3 py-2">"Top reasons"</th>
                </tr></thead>
                <tbody class=STACK_BODY>
                    {rows.into_iter().map(|row| view! {
                        <tr class=STACK_ROW>
                            <td class=format!("{STACK_CELL} font-medium") data-label=what>{unknown(&row.key, missing)}</td>
                            <td class=STACK_CELL data-label="Delivered units">{row.delivered_units}</td>
                            <td class=STACK_CELL data-label="Returned units">{row.returned_units}</td>
                            <td class=STACK_CELL data-label="Returns rate">{share(row.rate)}</td>
                            <td class=STACK_CELL data-label="Top reasons">{row.reasons}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h2 class="pt-2 text-lg font-semibold" id="returns">"Returns"</h2>
        <div class="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="kpi-returns">
            <Tile label="Returns rate" value=share(r.rate) detail=format!("{} of {} units delivered", r.returned_units, r.delivered_units)/>
            <Tile label="Returns" value=r.returns.to_string() detail="declined and cancelled left out".to_string()/>
            <Tile label="Request to refund, median" value=hours(r.median_hours_to_refund) detail=format!("{} refunded or credited", r.settled)/>
            <Tile label="Top reason" value=r.top_reasons.first().map_or_else(|| "—".to_string(), |t| t.0.clone())
                detail=top_reason_detail(&r.top_reasons)/>
        </div>
        {(!reasons.is_empty()).then(|| view! {
            <p class="text-sm text-slate-600" data-testid="returns-reasons">{format!("Why: {}.", reasons.join("; "))}</p>
        })}
        <Section title="Returns by SKU" csv=None>{table(r.by_sku.clone(), "SKU", "unknown")}</Section>
        <Section title="Returns by carrier" csv=None>{table(r.by_carrier, "Carrier", "not shipped")}</Section>
        <p class="text-xs text-slate-500">
            "Returns are counted by the day they were requested, against units delivered in the same dates, for the whole account: the carrier, lane, ship-from and account filters do not apply. The carrier is the one that delivered the returned line. The API answers the same figures at /api/v1/kpis/returns."
        </p>
    }
}

fn seconds(value: Option<f64>) -> String {
    match value {
        None => "—".into(),
        Some(v) if v >= 3600.0 => format!("{:.1} h", v / 3600.0),
        Some(v) if v >= 60.0 => format!("{:.0} min", v / 60.0),
        Some(v) => format!("{v:.0} s"),
    }
}

#[component]
fn Scorecard(rows: Vec<ScorecardRow>, what: &'static str, missing: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="p-3 text-sm text-slate-600">"No orders in this range."</p> }.into_any();
    }
    view! {
        <table class=STACK_TABLE data-testid=format!("scorecard-{what}")>
            <thead class=format!("bg-slate-100 text-left text-slate-600 {STACK_HEAD}")><tr>
                <th class="px-3 py-2">{what}</th><th class="px-3 py-2">"Orders"</th><th class="px-3 py-2">"Delivered"</th>
                <th class="px-3 py-2">"On time"</th><th class="px-3 py-2">"Transit p50 / p90"</th>
                <th class="px-3 py-2">"Handling p50 / p90"</th><th class="px-3 py-2">"First attempt"</th>
                <th class="px-3 py-2">"Exceptions / 1,000"</th>
            </tr></thead>
            <tbody class=STACK_BODY>
                {rows.into_iter().map(|r| {
                    let kinds = r.exception_rates.iter().map(|(k, v)| format!("{k} {v:.0}")).collect::<Vec<_>>().join(", ");
                    view! {
                        <tr class=STACK_ROW>
                            <td class=format!("{STACK_CELL} font-medium") data-label=what>{unknown(&r.name, missing)}</td>
                            <td class=STACK_CELL data-label="Orders">{r.orders}</td><td class=STACK_CELL data-label="Delivered">{r.delivered}</td>
                            <td class=STACK_CELL data-label="On time">{pct(&r.on_time)}</td><td class=STACK_CELL data-label="Transit p50 / p90">{spread(&r.transit_hours)}</td>
                            <td class=STACK_CELL data-label="Handling p50 / p90">{spread(&r.handling_hours)}</td><td class=STACK_CELL data-label="First attempt">{pct(&r.first_attempt)}</td>
                            <td class=STACK_CELL data-label="Exceptions / 1,000">{number(r.exceptions_per_1000_orders, 0)}
                                <span class="block text-xs text-slate-500">{kinds}</span></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
