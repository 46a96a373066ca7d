//! Customer service: one search box over every key of every order, and
//! the queue of orders that need someone (open exceptions, late, stuck).

use super::{render, OrderTable, PortalShell};
use crate::present::portal_view::{OrderList, PortalPage, QueueItem, QueuePage, QueueQuery};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "search")]
pub async fn search_orders(q: String) -> Result<PortalPage<OrderList>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::search(&state, signed_in, &q).await)
}

#[server(prefix = "/portal/fn", endpoint = "exceptions")]
pub async fn exceptions_queue(
    reason: Option<String>,
    carrier: Option<String>,
    account: Option<String>,
    owner: Option<String>,
    age: Option<i64>,
    group: Option<String>,
    hours: Option<i64>,
) -> Result<PortalPage<QueuePage>, ServerFnError> {
    let query = QueueQuery { reason, carrier, account, owner, age, group, hours };
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::exceptions(&state, signed_in, query).await)
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let results = Resource::new(q, search_orders);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Searching…"</p> }>
            {move || Suspend::new(async move {
                let current = q();
                render(results.await, move |list| view! {
                    <PortalShell viewer=list.viewer title="Find an order".into()>
                        <form method="get" action="/portal/cs" role="search" class="flex gap-2">
                            <input class="block w-full rounded border border-slate-300 px-3 py-2" type="search" name="q" value=current.clone() autofocus
                                aria-label="Order, PO or tracking number, email, phone, name or postcode"
                                placeholder="Order, PO or tracking number, email, phone, name or postcode"/>
                            <button class="rounded bg-slate-900 px-4 py-2 text-white">"Search"</button>
                        </form>
                        {(!current.trim().is_empty()).then(|| view! { <OrderTable rows=list.rows.clone() empty="No orders match."/> })}
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}

/// The queue's filters from the address bar.
fn queue_query(m: &leptos_router::params::ParamsMap) -> QueueQuery {
    let text = |name: &str| m.get(name).filter(|v| !v.trim().is_empty());
    let number = |name: &str| m.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    QueueQuery {
        reason: text("reason"),
        carrier: text("carrier"),
        account: text("account"),
        owner: text("owner"),
        age: number("age"),
        group: text("group"),
        hours: number("hours"),
    }
}

#[component]
pub fn ExceptionsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || query.with(queue_query);
    let queue =
        Resource::new(filters, |q| exceptions_queue(q.reason, q.carrier, q.account, q.owner, q.age, q.group, q.hours));
    keyboard_shortcuts();
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                render(queue.await, |page| view! {
                    <PortalShell viewer=page.viewer.clone() title="Exceptions".into()>
                        <QueueView page/>
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}

const FIELD: &str = "mt-1 block w-full rounded border border-slate-300 px-2 py-1.5";

#[component]
fn QueueView(page: QueuePage) -> impl IntoView {
    let q = page.query.clone();
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    let back = back_query(&q);
    let total: usize = page.counts.iter().map(|c| c.count).sum();
    let reason_link = {
        let q = q.clone();
        move |code: Option<&str>| {
            let mut q = q.clone();
            q.reason = code.map(String::from);
            format!("/portal/cs/exceptions?{}", back_query(&q))
        }
    };
    view! {
        <section aria-label="Counts per reason" data-testid="queue-counts">
            <ul class="flex flex-wrap gap-2 text-sm">
                <li>
                    <a href=reason_link(None) aria-current=q.reason.is_none().then_some("true")
                        class="inline-flex items-center gap-2 rounded-full border border-slate-300 px-3 py-1 aria-[current=true]:bg-slate-900 aria-[current=true]:text-white">
                        "All" <span class="font-semibold" data-testid="count-all">{total}</span>
                    </a>
                </li>
                {page.counts.iter().filter(|c| c.count > 0 || selected(&q.reason, &c.code)).map(|c| view! {
                    <li>
                        <a href=reason_link(Some(&c.code)) aria-current=selected(&q.reason, &c.code).then_some("true")
                            title=format!("Target: {}", c.target)
                            data-testid=format!("count-{}", c.code)
                            class="inline-flex items-center gap-2 rounded-full border border-slate-300 px-3 py-1 aria-[current=true]:bg-slate-900 aria-[current=true]:text-white">
                            {c.label.clone()} <span class="font-semibold">{c.count}</span>
                            {(c.overdue > 0).then(|| view! {
                                <span class="rounded-full bg-red-100 px-1.5 text-xs text-red-900">{format!("{} overdue", c.overdue)}</span>
                            })}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>

        <details class="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200" open=q != QueueQuery::default()>
            <summary class="cursor-pointer font-medium">"Filter and group"</summary>
            <form method="get" action="/portal/cs/exceptions" class="mt-3 grid grid-cols-1 gap-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
                {q.reason.clone().map(|r| view! { <input type="hidden" name="reason" value=r/> })}
                <label>"Carrier"
                    <select name="carrier" class=FIELD>
                        <option value="">"Any"</option>
                        {page.carriers.iter().map(|c| view! { <option selected=selected(&q.carrier, c)>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Account"
                    <select name="account" class=FIELD>
                        <option value="">"Any"</option>
                        {page.accounts.iter().map(|a| view! { <option selected=selected(&q.account, a)>{a.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Owner"
                    <select name="owner" class=FIELD>
                        <option value="">"Anyone"</option>
                        <option value="me" selected=selected(&q.owner, "me")>"Me"</option>
                        <option value="nobody" selected=selected(&q.owner, "nobody")>"Nobody yet"</option>
                        {page.staff.iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=selected(&q.owner, &id.to_string())>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Open for at least"
                    <select name="age" class=FIELD>
                        <option value="">"Any time"</option>
                        {[(1, "1 hour"), (4, "4 hours"), (24, "1 day"), (72, "3 days"), (168, "1 week")].into_iter().map(|(h, label)| view! {
                            <option value=h.to_string() selected=q.age == Some(h)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Group by"
                    <select name="group" class=FIELD>
                        {[("reason", "Reason"), ("carrier", "Carrier"), ("account", "Account"), ("owner", "Owner"), ("none", "No grouping")].into_iter().map(|(v, label)| view! {
                            <option value=v selected=selected(&q.group, v)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Stuck after (hours without news)"
                    <input class=FIELD type="number" min="1" max="2160" name="hours"
                        value=q.hours.unwrap_or(crate::present::portal_view::DEFAULT_STUCK_HOURS).to_string()/>
                </label>
                <div class="flex gap-2 sm:col-span-3 lg:col-span-6">
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Apply"</button>
                    <a class="rounded px-3 py-1.5 underline" href="/portal/cs/exceptions">"Clear"</a>
                </div>
            </form>
        </details>

        <form method="post" action="/portal/cs/exceptions/bulk" class="space-y-4" id="queue-form">
            <input type="hidden" name="csrf" value=page.viewer.csrf.clone()/>
            <input type="hidden" name="back" value=back.clone()/>
            <fieldset class="grid grid-cols-1 gap-3 rounded-xl bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4">
                <legend class="px-1 font-medium">"With the ticked orders"</legend>
                <label>"Action"
                    <select name="action" class=FIELD required>
                        <option value="">"Choose…"</option>
                        <option value="assign">"Assign"</option>
                        <option value="note">"Add a note"</option>
                        <option value="notify">"Message the buyer"</option>
                        <option value="resolve">"Resolve with a reason"</option>
                    </select>
                </label>
                <label>"Assign to"
                    <select name="owner" class=FIELD>
                        <option value="me">"Me"</option>
                        <option value="nobody">"Nobody"</option>
                        {page.staff.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Message"
                    <select name="template" class=FIELD>
                        {page.templates.iter().map(|(code, label)| view! { <option value=code.clone()>{label.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Note or reason"
                    <input class=FIELD name="text" maxlength="500" autocomplete="off"/>
                </label>
                <div class="flex flex-wrap items-center gap-3 sm:col-span-2 lg:col-span-4">
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Apply to ticked orders"</button>
                    <p class="text-slate-600">
                        "Keys: " <kbd>"j"</kbd>" / "<kbd>"k"</kbd>" next / previous, "<kbd>"x"</kbd>" tick, "
                        <kbd>"o"</kbd>" open, "<kbd>"r"</kbd>" resolve the ticked orders."
                    </p>
                </div>
            </fieldset>

            <p class="text-sm text-slate-600" data-testid="queue-matching">
                {match page.limited_to {
                    Some(limit) => format!("{} orders match; the {limit} most urgent are listed.", page.matching),
                    None if page.matching == 1 => "1 order matches.".to_string(),
                    None => format!("{} orders match.", page.matching),
                }}
            </p>
            {page.groups.is_empty().then(|| view! { <p class="text-slate-600" data-testid="no-orders">"Nothing needs attention."</p> })}
            {page.groups.into_iter().map(|g| view! { <QueueGroupView title=g.title items=g.items/> }).collect_view()}
        </form>

        {page.targets.map(|targets| view! {
            <details class="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                <summary class="cursor-pointer font-medium">"Targets per reason"</summary>
                <form method="post" action="/portal/cs/exceptions/targets" class="mt-3 space-y-3 text-sm">
                    <input type="hidden" name="csrf" value=page.viewer.csrf.clone()/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <p class="text-slate-600">"Working hours are Monday to Friday, 09:00 to 17:00 on the company's clock."</p>
                    <ul class="grid grid-cols-1 gap-2 sm:grid-cols-2">
                        {targets.into_iter().map(|(code, label, hours, working)| view! {
                            <li class="flex flex-wrap items-center gap-2">
                                <label class="flex items-center gap-2">
                                    <span class="w-44">{label.clone()}</span>
                                    <input class="w-20 rounded border border-slate-300 px-2 py-1" type="number" min="1" max="720"
                                        name=format!("hours_{code}") value=hours.to_string() aria-label=format!("{label}: hours")/>
                                </label>
                                <label class="flex items-center gap-1">
                                    <input type="checkbox" name=format!("working_{code}") checked=working/>
                                    "working hours"
                                </label>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Save targets"</button>
                </form>
            </details>
        })}
    }
}

/// The filters as a query string, built in the browser as on the server.
fn back_query(q: &QueueQuery) -> String {
    let mut parts = Vec::new();
    let text = [
        ("reason", &q.reason),
        ("carrier", &q.carrier),
        ("account", &q.account),
        ("owner", &q.owner),
        ("group", &q.group),
    ];
    for (name, value) in text {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{name}={}", percent_encode(v)));
        }
    }
    for (name, value) in [("age", q.age), ("hours", q.hours)] {
        if let Some(v) = value {
            parts.push(format!("{name}={v}"));
        }
    }
    parts.join("&")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One group of the queue: a list of cards on a phone, a table's rows on a desk.
#[component]
fn QueueGroupView(title: String, items: Vec<QueueItem>) -> impl IntoView {
    let count = items.len();
    view! {
        <section class="space-y-2" data-testid="queue-group">
            {(!title.is_empty()).then(|| view! {
                <h2 class="text-lg font-semibold">{title.clone()} <span class="text-slate-500">{format!(" · {count}")}</span></h2>
            })}
            <ul class="divide-y divide-slate-100 rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
                {items.into_iter().map(|item| {
                    let href = format!("/portal/orders/{}", item.number);
                    let tick = format!("order:{}", item.number);
                    view! {
                        <li class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 px-3 py-3 focus:bg-sky-50 focus:outline-none sm:grid-cols-[auto_12rem_1fr_10rem_10rem]"
                            tabindex="-1" data-queue-row="" data-testid="queue-row">
                            <input type="checkbox" name=tick value="on" class="mt-1 h-4 w-4" aria-label=format!("Tick order {}", item.number)/>
                            <div class="min-w-0">
                                <a class="whitespace-nowrap font-medium text-sky-700 underline" href=href data-open="">{item.number.clone()}</a>
                                <p class="text-sm text-slate-600">{item.headline.clone()}</p>
                            </div>
                            <div class="col-start-2 min-w-0 text-sm sm:col-start-auto">
                                <p class="font-medium" data-testid="queue-reason">{item.reason.clone()}</p>
                                {item.also.clone().map(|a| view! { <p class="text-slate-600">{a}</p> })}
                                <p class="text-slate-600">
                                    {[item.carrier.clone(), item.account.clone(), Some(item.ship_to.clone())].into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                                </p>
                            </div>
                            <div class="col-start-2 text-sm sm:col-start-auto">
                                <p>"Open " {item.age.clone()}</p>
                                <p class=if item.overdue { "font-semibold text-red-800" } else { "text-slate-700" } data-testid="queue-due">{item.due.clone()}</p>
                            </div>
                            <div class="col-start-2 text-sm sm:col-start-auto" data-testid="queue-owner">
                                {match item.owner.clone() {
                                    Some(owner) => view! { <span>"Owner: " {owner}</span> }.into_any(),
                                    None => view! { <span class="text-slate-500">"Unassigned"</span> }.into_any(),
                                }}
                                {item.promised.clone().map(|p| view! { <p class="text-slate-600">"Promised " {p}</p> })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// j/k move between orders, x ticks one, o opens it, r chooses "resolve"
/// and moves to the reason. Not while typing in a field.
fn keyboard_shortcuts() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, |e: web_sys::KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let document = document();
            let typing = document.active_element().is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    && el.get_attribute("type").as_deref() != Some("checkbox")
            });
            if typing {
                return;
            }
            let Ok(rows) = document.query_selector_all("[data-queue-row]") else { return };
            let rows: Vec<web_sys::HtmlElement> =
                (0..rows.length()).filter_map(|i| rows.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
            let current = document
                .active_element()
                .and_then(|el| el.closest("[data-queue-row]").ok().flatten())
                .and_then(|row| rows.iter().position(|r| r.is_same_node(Some(&row))));
            let focus = |i: usize| {
                if let Some(row) = rows.get(i) {
                    let _ = row.focus();
                    row.scroll_into_view_with_bool(false);
                }
            };
            match e.key().as_str() {
                "j" => focus(current.map_or(0, |i| (i + 1).min(rows.len().saturating_sub(1)))),
                "k" => focus(current.map_or(0, |i| i.saturating_sub(1))),
                "x" => {
                    if let Some(tick) = current
                        .and_then(|i| rows[i].query_selector("input[type=checkbox]").ok().flatten())
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        tick.click();
                        let _ = rows[current.unwrap_or(0)].focus();
                    }
                }
                "o" => {
                    if let Some(link) = current
                        .and_then(|i| rows[i].query_selector("[data-open]").ok().flatten())
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        link.click();
                    }
                }
                "r" => {
                    let action = document.query_selector("#queue-form select[name=action]").ok().flatten();
                    if let Some(select) = action.and_then(|el| el.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                        select.set_value("resolve");
                    }
                    if let Some(text) = document
                        .query_selector("#queue-form input[name=text]")
                        .ok()
                        .flatten()
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = text.focus();
                    }
                }
                _ => return,
            }
            e.prevent_default();
        });
        on_cleanup(move || handle.remove());
        // Says the keys work: the page is interactive from here on.
        Effect::new(|_| {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-queue-keys", "on");
            }
        });
    }
}
