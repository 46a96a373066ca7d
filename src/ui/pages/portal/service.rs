//! Customer service: one search box over every key of every order, and
//! the queue of orders that need someone (open exceptions, late, stuck).

use super::{render, OrderTable, PortalShell};
use crate::present::portal_view::{OrderList, PortalPage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "search")]
pub async fn search_orders(q: String) -> Result<PortalPage<OrderList>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::search(&state, signed_in, &q).await)
}

#[server(prefix = "/portal/fn", endpoint = "exceptions")]
pub async fn exceptions_queue(hours: Option<i64>) -> Result<PortalPage<OrderList>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::exceptions(&state, signed_in, hours).await)
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

#[component]
pub fn ExceptionsPage() -> impl IntoView {
    let query = use_query_map();
    let hours = move || query.with(|m| m.get("hours").and_then(|h| h.parse::<i64>().ok()));
    let queue = Resource::new(hours, exceptions_queue);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading the queue…"</p> }>
            {move || Suspend::new(async move {
                let stuck = hours().unwrap_or(crate::present::portal_view::DEFAULT_STUCK_HOURS).to_string();
                render(queue.await, move |list| view! {
                    <PortalShell viewer=list.viewer title="Exceptions".into()>
                        <form method="get" action="/portal/cs/exceptions" class="flex items-end gap-3 text-sm">
                            <label>"Stuck: no update for"
                                <input class="mx-2 w-20 rounded border border-slate-300 px-2 py-1" type="number" min="1" name="hours" value=stuck/>
                                "hours"
                            </label>
                            <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Apply"</button>
                        </form>
                        <OrderTable rows=list.rows empty="Nothing needs attention."/>
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}
