//! A customer account's orders (every order, for staff), filtered by
//! status and date and searched by order or PO number.

use super::{render, OrderTable, PortalShell};
use crate::present::portal_view::{OrderList, OrdersQuery, PortalPage, STATUS_FILTERS};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/portal/fn", endpoint = "orders")]
pub async fn portal_orders(query: OrdersQuery) -> Result<PortalPage<OrderList>, ServerFnError> {
    let (state, signed_in) = crate::portal::server_fn_session().await?;
    crate::portal::answer(crate::portal::pages::orders(&state, signed_in, query).await)
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| OrdersQuery {
            status: q.get("status").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            number: q.get("number").unwrap_or_default(),
        })
    };
    let orders = Resource::new(filter, portal_orders);
    view! {
        <Suspense fallback=|| view! { <p class="p-8">"Loading orders…"</p> }>
            {move || Suspend::new(async move {
                let current = filter();
                render(orders.await, move |list| view! {
                    <PortalShell viewer=list.viewer title="Orders".into()>
                        <form method="get" action="/portal/orders" class="flex flex-wrap items-end gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                            <label class="text-sm">"Order or PO number"
                                <input class="mt-1 block rounded border border-slate-300 px-2 py-1" name="number" value=current.number.clone()/>
                            </label>
                            <label class="text-sm">"Status"
                                <select class="mt-1 block rounded border border-slate-300 px-2 py-1" name="status">
                                    {STATUS_FILTERS.iter().map(|(code, label)| view! {
                                        <option value=*code selected=current.status == *code>{*label}</option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label class="text-sm">"Placed from"
                                <input class="mt-1 block rounded border border-slate-300 px-2 py-1" type="date" name="from" value=current.from.clone()/>
                            </label>
                            <label class="text-sm">"to"
                                <input class="mt-1 block rounded border border-slate-300 px-2 py-1" type="date" name="to" value=current.to.clone()/>
                            </label>
                            <button class="rounded bg-slate-900 px-3 py-1.5 text-white">"Filter"</button>
                        </form>
                        <OrderTable rows=list.rows empty="No orders match."/>
                    </PortalShell>
                }.into_any())
            })}
        </Suspense>
    }
}
